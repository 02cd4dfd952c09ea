// The probe's host resources: caches, huge-page pools and PCI devices, from the fixture trees
// built from real hwloc dumps and from this host's own /sys.

import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbeError, readSysfs } from "./sysfs";
import { hostBoxes } from "../../shared/topology/boxes";
import { hugetlbfsMountsFromText } from "./hugepages";
import { pciNamesFromText } from "./pci-ids";
import { formatTopologyText } from "../../shared/topology/format";

const fixtures = join(import.meta.dirname, "fixtures");
const read = (name: string) => readSysfs({ root: join(fixtures, name) });

describe("caches from sysfs", () => {
  it("EPYC 7763 in NPS1: each socket's node holds 8 L3 groups of 8 cores and 32 MiB", () => {
    const m = hostBoxes(read("sysfs-epyc-7763-nps1"));
    expect(m.nodes).toHaveLength(2);
    for (const n of m.nodes) {
      expect(n.l3).toHaveLength(8);
      expect(n.l3!.every((g) => g.cores.length === 8 && g.size === 32 * 2 ** 20)).toBe(true);
    }
    expect(m.nodes[1]!.l3![0]!.cpus).toEqual([64, 65, 66, 67, 68, 69, 70, 71]);
  });

  it("the same EPYC with L3 as NUMA: 16 nodes of one L3 each, 11 within a socket", () => {
    const t = read("sysfs-epyc-7763-l3numa");
    const m = hostBoxes(t);
    expect(m.nodes).toHaveLength(16);
    expect(m.nodes.every((n) => n.l3?.length === 1 && n.l3[0]!.cores.length === 8)).toBe(true);
    expect(t.distances[0]!.slice(0, 9)).toEqual([10, 11, 11, 11, 11, 11, 11, 11, 32]);
  });

  it("Xeon 6140 with SNC2: 4 nodes of 9 cores; each node's L3 is the socket's, reaching into the other node", () => {
    const m = hostBoxes(read("sysfs-xeon-6140-snc2"));
    expect(m.nodes.map((n) => n.cores.length)).toEqual([9, 9, 9, 9]);
    const g = m.nodes[0]!.l3![0]!;
    expect(g.cpus).toHaveLength(36);
    expect(g.cores.flatMap((c) => c.pus.map((p) => p.os))).toHaveLength(18);
  });

  it("L1 data and instruction, L2 and L3 of this host's CPU 0 are read, sizes in bytes", () => {
    const t = readSysfs();
    const mine = (t.caches ?? []).filter((c) => c.cpus.includes(0));
    expect(mine.map((c) => `${c.level}${c.type[0]}`).sort()).toEqual(["1d", "1i", "2u", "3u"]);
    expect(mine.every((c) => c.size > 0)).toBe(true);
  });
});

describe("PCI devices from sysfs", () => {
  it("the GPU-and-NIC host: the I350 ports and the Teslas on node 1, driver and IOMMU group from the symlinks, -1 kept", () => {
    const t = read("sysfs-2node-gpu-nic");
    const on1 = t.pciDevices!.filter((d) => d.numaNode === 1);
    expect(on1.map((d) => d.address)).toEqual(["0000:81:00.0", "0000:81:00.1", "0000:83:00.0", "0000:84:00.0", "0000:84:00.1"]);
    expect(on1[0]).toMatchObject({ classCode: 0x020000, vendor: 0x8086, device: 0x1521, driver: "igb", className: "Ethernet controller" });
    expect(on1[2]).toMatchObject({ vendor: 0x10de, device: 0x1094, className: "3D controller" });
    expect(on1[0]!.iommuGroup).toBeGreaterThanOrEqual(20);
    expect(t.pciDevices!.find((d) => d.address === "0000:00:1f.3")!.numaNode).toBe(-1);
    const text = formatTopologyText(t);
    expect(text).toMatch(/ {4}node 1:\n {6}0000:81:00\.0 Ethernet controller/);
    expect(text).toContain("    unknown node:\n      0000:00:1f.3 SMBus");
  });

  it("this host's devices are read, each with a class name (and vendor names when pci.ids is installed)", () => {
    const t = readSysfs();
    expect(t.pciDevices!.length).toBeGreaterThan(0);
    expect(t.pciDevices!.every((d) => d.className && d.className.length > 0)).toBe(true);
    if (existsSync("/usr/share/misc/pci.ids")) expect(t.pciDevices!.some((d) => d.vendorName)).toBe(true);
  });

  it("a device folder whose class is a FIFO is a one-line ProbeError, not a hang", () => {
    const dir = mkdtempSync(join(tmpdir(), "numadesk-pci-"));
    try {
      execFileSync("cp", ["-r", join(fixtures, "sysfs-this-vm-1node/devices"), dir]);
      const dev = join(dir, "bus/pci/devices/0000:00:03.0");
      mkdirSync(dev, { recursive: true });
      execFileSync("mkfifo", [join(dev, "class")]);
      writeFileSync(join(dev, "vendor"), "0x8086\n");
      symlinkSync("/nonexistent/driver", join(dev, "driver"));
      expect(() => readSysfs({ root: dir })).toThrow(ProbeError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names come from pci.ids text: vendor lines, then tab-indented devices", () => {
    const ids = "# comment\n8086  Intel Corporation\n\t1521  I350 Gigabit Network Connection\n\t\t8086 0001  sub\n10de  NVIDIA Corporation\n\t1094  GF110GL [Tesla M2075]\nC 00  Unclassified device\n";
    const names = pciNamesFromText(ids, [
      { vendor: 0x8086, device: 0x1521 },
      { vendor: 0x10de, device: 0x1094 },
    ]);
    expect(names.vendor(0x8086)).toBe("Intel Corporation");
    expect(names.device(0x8086, 0x1521)).toBe("I350 Gigabit Network Connection");
    expect(names.device(0x10de, 0x1094)).toBe("GF110GL [Tesla M2075]");
    expect(names.device(0x8086, 0x1d22)).toBeUndefined();
  });
});

describe("huge-page pools and hugetlbfs mounts", () => {
  it("reads the host-wide pools with their reservations, and the per-node surplus", () => {
    const t = read("sysfs-epyc-7763-nps1");
    expect(t.hugepagePools).toEqual([
      { pageSize: 2 * 2 ** 20, total: 2048, free: 2048, reserved: 0, surplus: 0 },
      { pageSize: 2 ** 30, total: 32, free: 32, reserved: 0, surplus: 0 },
    ]);
    expect(t.nodes[0]!.hugepages[0]).toEqual({ pageSize: 2 * 2 ** 20, total: 1024, free: 1024, surplus: 0 });
  });

  it("finds hugetlbfs mounts and their pagesize= in /proc/mounts text, unescaping spaces", () => {
    const text = "sysfs /sys sysfs rw 0 0\nhugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\nnone /mnt/huge\\0401g hugetlbfs rw,pagesize=1024M 0 0\nnone /mnt/plain hugetlbfs rw 0 0\n";
    expect(hugetlbfsMountsFromText(text, [])).toEqual([
      { path: "/dev/hugepages", pageSize: 2 * 2 ** 20 },
      { path: "/mnt/huge 1g", pageSize: 2 ** 30 },
      { path: "/mnt/plain", pageSize: 2 * 2 ** 20 },
    ]);
  });
});
