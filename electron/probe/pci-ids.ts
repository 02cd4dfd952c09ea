// Vendor and device names from the pci.ids database (Debian's package pci.ids installs
// /usr/share/misc/pci.ids). Only the ids asked for are looked up; the file is read bounded.

import { statSync } from "node:fs";
import { readBoundedText, ReadError } from "../files/read-bounded";

export const PCI_IDS_PATHS = ["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"];
// pci.ids is about 1.4 MB in 2024; anything far larger is not it.
const MAX_PCI_IDS = 16 * 1024 * 1024;

export interface PciNames {
  vendor(vendor: number): string | undefined;
  device(vendor: number, device: number): string | undefined;
}

/** Names for the given (vendor, device) pairs from pci.ids text: "vvvv  name", "\tdddd  name".
 *  Each wanted vendor is found by searching for its line, not by reading all 30 000 lines:
 *  a probe of this host must stay a few milliseconds (npm run bench -- probe). */
export function pciNamesFromText(text: string, wanted: Array<{ vendor: number; device: number }>): PciNames {
  const vendorNames = new Map<number, string>();
  const deviceNames = new Map<string, string>();
  // the class list ("C xx  name") follows the vendors; nothing after it is a vendor
  const classes = text.search(/^C [0-9a-f]{2} {2}/m);
  const end = classes < 0 ? text.length : classes;
  const hex4 = (n: number) => n.toString(16).padStart(4, "0");
  for (const vendor of new Set(wanted.map((w) => w.vendor))) {
    const key = `\n${hex4(vendor)}  `;
    const at = text.startsWith(key.slice(1)) ? 0 : text.indexOf(key);
    if (at < 0 || at >= end) continue;
    const lineStart = at === 0 && !text.startsWith("\n") ? 0 : at + 1;
    const lineEnd = text.indexOf("\n", lineStart);
    vendorNames.set(vendor, text.slice(lineStart + 6, lineEnd < 0 ? undefined : lineEnd).trim());
    const devices = new Set(wanted.filter((w) => w.vendor === vendor).map((w) => w.device));
    // the vendor's devices: the tab-indented lines up to the next vendor line
    let pos = lineEnd < 0 ? text.length : lineEnd + 1;
    while (pos < end && (text[pos] === "\t" || text[pos] === "#")) {
      const next = text.indexOf("\n", pos);
      const line = text.slice(pos, next < 0 ? undefined : next);
      const d = /^\t([0-9a-f]{4}) {2}(.+)$/.exec(line);
      if (d && devices.has(parseInt(d[1]!, 16))) deviceNames.set(`${vendor}/${parseInt(d[1]!, 16)}`, d[2]!.trim());
      if (next < 0) break;
      pos = next + 1;
    }
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

// Names found (or not) per (vendor, device), while the database file is the same one (path,
// size, mtime): a probe reads pci.ids only for a pair it has not asked about yet.
let kept: { stamp: string; vendors: Map<number, string>; devices: Map<string, string>; asked: Set<string> } | undefined;

function databaseStamp(paths: readonly string[]): string {
  for (const p of paths) {
    try {
      const st = statSync(p);
      return `${p}\0${st.size}\0${st.mtimeMs}`;
    } catch {
      // the next place
    }
  }
  return "";
}

export function forgetPciNames(): void {
  kept = undefined;
}

/** readPciNames, remembering its answers for the process. */
export function cachedPciNames(wanted: Array<{ vendor: number; device: number }>, paths = PCI_IDS_PATHS): PciNames | undefined {
  const stamp = databaseStamp(paths);
  if (kept?.stamp !== stamp) kept = { stamp, vendors: new Map(), devices: new Map(), asked: new Set() };
  const memo = kept;
  const pair = (v: number, d: number) => `${v}/${d}`;
  const missing = wanted.filter((w) => !memo.asked.has(pair(w.vendor, w.device)));
  if (missing.length > 0) {
    const db = stamp === "" ? undefined : readPciNames(missing, paths);
    for (const w of missing) {
      memo.asked.add(pair(w.vendor, w.device));
      const v = db?.vendor(w.vendor);
      const d = db?.device(w.vendor, w.device);
      if (v !== undefined) memo.vendors.set(w.vendor, v);
      if (d !== undefined) memo.devices.set(pair(w.vendor, w.device), d);
    }
  }
  if (stamp === "") return undefined;
  return { vendor: (v) => memo.vendors.get(v), device: (v, d) => memo.devices.get(pair(v, d)) };
}
