// What a repeated probe keeps of PCI devices: names per (vendor, device) while pci.ids is the
// same file, and on the live /sys each device's identity while its folder is the same kernfs
// node; numa_node, the driver and the IOMMU group are read every time.

import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { cachedPciNames, forgetPciNames } from "./pci-ids";
import { forgetPciIdentities, readPciDevices } from "./pci";
import { readSysfs } from "./sysfs";

const I350 = { vendor: 0x8086, device: 0x1521 };
const db = (name: string) => `# test\n8086  Intel Corporation\n\t1521  ${name}\n10de  NVIDIA Corporation\nC 02  Network controller\n`;

describe("pci.ids names are looked up once per pair", () => {
  it("a second probe with pci.ids unchanged reuses the names; a changed file (size, mtime) is read again", () => {
    const dir = mkdtempSync(join(tmpdir(), "pciids-"));
    try {
      const file = join(dir, "pci.ids");
      writeFileSync(file, db("I350 one"));
      utimesSync(file, 1e9, 1e9);
      forgetPciNames();
      expect(cachedPciNames([I350], [file])!.device(0x8086, 0x1521)).toBe("I350 one");
      // same size, same mtime: the kept answer, so the file was not read again
      writeFileSync(file, db("I350 two"));
      utimesSync(file, 1e9, 1e9);
      expect(cachedPciNames([I350], [file])!.device(0x8086, 0x1521)).toBe("I350 one");
      // another size: read again
      writeFileSync(file, db("I350 (new name)"));
      expect(cachedPciNames([I350], [file])!.device(0x8086, 0x1521)).toBe("I350 (new name)");
      // a pair not asked before is looked up in the same file
      expect(cachedPciNames([{ vendor: 0x10de, device: 0x1234 }], [file])!.vendor(0x10de)).toBe("NVIDIA Corporation");
    } finally {
      rmSync(dir, { recursive: true, force: true });
      forgetPciNames();
    }
  });

  it("no pci.ids at all: no names, class names only", () => {
    forgetPciNames();
    expect(cachedPciNames([I350], ["/nonexistent/pci.ids"])).toBeUndefined();
    forgetPciNames();
  });
});

describe("this host's devices across probes", () => {
  it("a kept probe says what a fresh one says, numa_node and driver included", () => {
    forgetPciIdentities();
    const fresh = readSysfs().pciDevices;
    const kept = readSysfs().pciDevices;
    expect(fresh?.length).toBeGreaterThan(0);
    expect(kept).toEqual(fresh);
    // the driver each probe reports is the device's link now
    for (const d of kept!) {
      const link = existsSync(`/sys/bus/pci/devices/${d.address}/driver`) ? basename(readlinkSync(`/sys/bus/pci/devices/${d.address}/driver`)) : undefined;
      expect(d.driver).toBe(link);
    }
  });

  it("a copied tree is read afresh every time: a changed id in the copy shows at once", () => {
    const dir = mkdtempSync(join(tmpdir(), "pcicopy-"));
    try {
      const dev = join(dir, "0000:00:01.0");
      const files = { class: "0x020000", vendor: "0x8086", device: "0x1521", numa_node: "1" };
      mkdirSync(dev);
      for (const [k, v] of Object.entries(files)) writeFileSync(join(dev, k), `${v}\n`);
      expect(readPciDevices(dir, null)![0]!.device).toBe(0x1521);
      writeFileSync(join(dev, "device"), "0x10fb\n");
      expect(readPciDevices(dir, null)![0]).toMatchObject({ device: 0x10fb, numaNode: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
