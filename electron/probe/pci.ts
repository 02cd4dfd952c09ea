// PCI functions from /sys/bus/pci/devices/*: class, vendor and device ids, the NUMA node the
// firmware gives the slot (-1: it does not say), the bound driver and the IOMMU group (what
// VFIO passes through as one). Every attribute is read bounded; a copy is hostile.

import { join } from "node:path";
import type { PciDevice } from "../../shared/topology/schema";
import { pciClassName } from "../../shared/pci/classes";
import { entries, linkName, readHex, readInt } from "./sysfs-attr";
import { readPciNames, type PciNames } from "./pci-ids";

const ADDRESS = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
const MAX_DEVICES = 4096;

// Reading a device's class and ids reads its PCI config space, which in a VM traps to the
// hypervisor: about 10 ms a device on this 2-CPU VM, so a check would spend most of its probe
// here. Devices come and go rarely; a host's list is reused for a few seconds.
const FRESH_MS = 10_000;
const memo = new Map<string, { at: number; devices: PciDevice[] | undefined }>();

/** undefined when the tree has no bus/pci/devices folder (a copy of devices/system only) */
export function readPciDevices(dir: string, names?: PciNames | null): PciDevice[] | undefined {
  // only the live /sys: a copy handed to us is read afresh each time
  const live = names === undefined && dir === "/sys/bus/pci/devices";
  const hit = live ? memo.get(dir) : undefined;
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.devices && structuredClone(hit.devices);
  const devices = readPciDevicesNow(dir, names);
  if (live) memo.set(dir, { at: Date.now(), devices: devices && structuredClone(devices) });
  return devices;
}

function readPciDevicesNow(dir: string, names?: PciNames | null): PciDevice[] | undefined {
  const listed = entries(dir);
  if (listed.length === 0) return undefined;
  const out: PciDevice[] = [];
  for (const address of listed
    .filter((a) => ADDRESS.test(a))
    .sort()
    .slice(0, MAX_DEVICES)) {
    const d = join(dir, address);
    const classCode = readHex(join(d, "class"));
    const vendor = readHex(join(d, "vendor"));
    const device = readHex(join(d, "device"));
    if (classCode === undefined || vendor === undefined || device === undefined || vendor > 0xffff || device > 0xffff || classCode > 0xffffff) continue;
    const node = readInt(join(d, "numa_node"));
    const dev: PciDevice = { address, classCode, vendor, device, numaNode: node !== undefined && node >= 0 && node <= 65535 ? node : -1 };
    const driver = linkName(join(d, "driver"));
    if (driver !== undefined && driver.length <= 256) dev.driver = driver;
    const group = linkName(join(d, "iommu_group"));
    if (group !== undefined && /^\d{1,9}$/.test(group)) dev.iommuGroup = Number(group);
    out.push(dev);
  }
  return nameDevices(out, names === null ? undefined : (names ?? readPciNames(out)));
}

/** Class names always, vendor and device names from pci.ids where it has them (in place). */
export function nameDevices(devices: PciDevice[], db: PciNames | undefined = readPciNames(devices)): PciDevice[] {
  for (const dev of devices) {
    dev.className = pciClassName(dev.classCode);
    const v = db?.vendor(dev.vendor);
    const n = db?.device(dev.vendor, dev.device);
    if (v !== undefined) dev.vendorName = v.slice(0, 256);
    if (n !== undefined) dev.deviceName = n.slice(0, 256);
  }
  return devices;
}
