// Vendor and device names from the pci.ids database (Debian's package pci.ids installs
// /usr/share/misc/pci.ids). Only the ids asked for are looked up; the file is read bounded.

import { readBoundedText, ReadError } from "../files/read-bounded";

export const PCI_IDS_PATHS = ["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"];
// pci.ids is about 1.4 MB in 2024; anything far larger is not it.
const MAX_PCI_IDS = 16 * 1024 * 1024;

export interface PciNames {
  vendor(vendor: number): string | undefined;
  device(vendor: number, device: number): string | undefined;
}

/** Names for the given (vendor, device) pairs from pci.ids text: "vvvv  name", "\tdddd  name". */
export function pciNamesFromText(text: string, wanted: Array<{ vendor: number; device: number }>): PciNames {
  const vendors = new Set(wanted.map((w) => w.vendor));
  const pairs = new Set(wanted.map((w) => `${w.vendor}/${w.device}`));
  const vendorNames = new Map<number, string>();
  const deviceNames = new Map<string, string>();
  let current: number | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("C ")) break; // the class list follows the vendors
    const v = /^([0-9a-f]{4}) {2}(.+)$/.exec(line);
    if (v) {
      current = parseInt(v[1]!, 16);
      if (vendors.has(current)) vendorNames.set(current, v[2]!.trim());
      continue;
    }
    if (current === undefined || !vendors.has(current)) continue;
    const d = /^\t([0-9a-f]{4}) {2}(.+)$/.exec(line);
    if (d && pairs.has(`${current}/${parseInt(d[1]!, 16)}`)) deviceNames.set(`${current}/${parseInt(d[1]!, 16)}`, d[2]!.trim());
  }
  return { vendor: (v) => vendorNames.get(v), device: (v, d) => deviceNames.get(`${v}/${d}`) };
}

export function readPciNames(wanted: Array<{ vendor: number; device: number }>, paths = PCI_IDS_PATHS): PciNames | undefined {
  for (const p of paths) {
    try {
      return pciNamesFromText(readBoundedText(p, MAX_PCI_IDS, { what: "pci.ids database" }), wanted);
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
    }
  }
  return undefined;
}
