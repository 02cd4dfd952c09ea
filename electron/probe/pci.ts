// PCI functions from /sys/bus/pci/devices/*: class, vendor and device ids, the NUMA node the
// firmware gives the slot (-1: it does not say), the bound driver and the IOMMU group (what
// VFIO passes through as one). Every attribute is read bounded; a copy is hostile.

import { statSync } from "node:fs";
import { join } from "node:path";
import type { PciDevice } from "../../shared/topology/schema";
import { pciClassName } from "../../shared/pci/classes";
import { LIVE, type SysfsReader } from "./sysfs-attr";
import type { SysfsLacks } from "./sysfs-lacks";
import { cachedPciNames, forgetPciNames, type PciNames } from "./pci-ids";

const ADDRESS = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
const MAX_DEVICES = 4096;

// What a probe re-reads and what it keeps. Measured on this 2-CPU VM (6 functions, load 10):
// the sysfs attributes themselves cost about 0.05 ms each (class, vendor and device are kept in
// the kernel's struct pci_dev, not read from config space); what made a probe slow (40-260 ms)
// was searching the 1.4 MB pci.ids for names on every probe. So names are looked up once per
// (vendor, device) pair while pci.ids is unchanged, and on the live /sys a device's identity
// (class, ids, names) is kept per device folder while the folder is the same kernfs node (its
// inode; a hot-unplugged and replugged device gets a new one). numa_node, the driver and the
// IOMMU group are read on every probe: binding vfio-pci changes the driver at any time.
interface Identity {
  ino: number;
  classCode: number;
  vendor: number;
  device: number;
}
const identities = new Map<string, Identity>();

/** Forget every kept identity and name: the next probe reads as a fresh process does (the bench's baseline). */
export function forgetPciIdentities(): void {
  identities.clear();
  forgetPciNames();
}

/** undefined when the tree has no bus/pci/devices folder (a copy of devices/system only) */
/** `lacks`: a copy's device whose identity or node cannot be read is said there, with the file. */
export function readPciDevices(dir: string, names?: PciNames | null, r: SysfsReader = LIVE, lacks?: SysfsLacks): PciDevice[] | undefined {
  const listed = r.entries(dir);
  if (listed.length === 0) return undefined;
  // only the live /sys keeps identities: a copy handed to us is read afresh each time
  const live = dir === "/sys/bus/pci/devices";
  const out: PciDevice[] = [];
  for (const address of listed
    .filter((a) => ADDRESS.test(a))
    .sort()
    .slice(0, MAX_DEVICES)) {
    const d = join(dir, address);
    // sysfs makes each entry a link to the device's folder: in a copy it must stay inside and not lead back up
    r.linkedFolder(d);
    const id = live
      ? keptIdentity(d)
      : readIdentity(
          d,
          undefined,
          r,
          lacks ? (file, text) => lacks.note(`bus/pci/devices/${address}/${file}`, undefined, `${text === undefined ? "is missing" : "is not a hex id"}: the device is left out`, text) : undefined,
        );
    if (!id) continue;
    const node = r.int(join(d, "numa_node"));
    if (node === undefined || node < -1 || node > 65535) {
      const text = r.text(join(d, "numa_node"));
      lacks?.note(`bus/pci/devices/${address}/numa_node`, undefined, `${text === undefined ? "is missing" : "is not a node number"}: the device's node is taken as unknown`, text);
    }
    const dev: PciDevice = { address, classCode: id.classCode, vendor: id.vendor, device: id.device, numaNode: node !== undefined && node >= 0 && node <= 65535 ? node : -1 };
    const driver = r.linkName(join(d, "driver"));
    if (driver !== undefined && driver.length <= 256) dev.driver = driver;
    const group = r.linkName(join(d, "iommu_group"));
    if (group !== undefined && /^\d{1,9}$/.test(group)) dev.iommuGroup = Number(group);
    out.push(dev);
  }
  return applyNames(out, names === null ? undefined : (names ?? cachedPciNames(out)));
}

function keptIdentity(d: string): Identity | undefined {
  let ino: number;
  try {
    ino = statSync(d).ino;
  } catch {
    return undefined;
  }
  const kept = identities.get(d);
  if (kept && kept.ino === ino) return kept;
  const id = readIdentity(d, ino);
  if (id) identities.set(d, id);
  else identities.delete(d);
  return id;
}

function readIdentity(d: string, ino: number | undefined, r: SysfsReader = LIVE, bad?: (file: string, text: string | undefined) => void): Identity | undefined {
  const classCode = r.hex(join(d, "class"));
  const vendor = r.hex(join(d, "vendor"));
  const device = r.hex(join(d, "device"));
  const wrong = classCode === undefined || classCode > 0xffffff ? "class" : vendor === undefined || vendor > 0xffff ? "vendor" : device === undefined || device > 0xffff ? "device" : undefined;
  if (wrong !== undefined) {
    bad?.(wrong, r.text(join(d, wrong)));
    return undefined;
  }
  return { ino: ino ?? -1, classCode: classCode!, vendor: vendor!, device: device! };
}

/** Class names always, vendor and device names from pci.ids where it has them (in place). */
export function nameDevices(devices: PciDevice[], db: PciNames | undefined = cachedPciNames(devices)): PciDevice[] {
  return applyNames(devices, db);
}

function applyNames(devices: PciDevice[], db: PciNames | undefined): PciDevice[] {
  for (const dev of devices) {
    dev.className = pciClassName(dev.classCode);
    const v = db?.vendor(dev.vendor);
    const n = db?.device(dev.vendor, dev.device);
    if (v !== undefined) dev.vendorName = v.slice(0, 256);
    if (n !== undefined) dev.deviceName = n.slice(0, 256);
  }
  return devices;
}
