import { describe, expect, it } from "vitest";
import { parseCommandLine } from "./parse";
import { generateShellLine } from "./generate";
import { placeHostDevices } from "./device-placement";
import type { Layout } from "../layout/schema";

const base = (machine: string) =>
  parseCommandLine(
    `qemu-system-x86_64 ${machine} -m 2G -smp 2 -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 -object memory-backend-ram,id=m0,size=1G,host-nodes=0,policy=bind -object memory-backend-ram,id=m1,size=1G,host-nodes=1,policy=bind`,
  ).layout;
const devices = (l: Layout, ...list: Array<[string, number | undefined]>): Layout => ({
  ...l,
  hostDevices: list.map(([host, g], i) => ({ host, id: `hostdev${i}`, ...(g !== undefined ? { guestNode: g } : {}) })),
});

describe("host devices on their guest nodes", () => {
  it("q35: a pxb-pcie per guest node with devices, numa_node its node, a root port per device", () => {
    const l = devices(base("-machine q35"), ["0000:81:00.0", 1], ["0000:83:00.0", 0], ["0000:84:00.0", 1]);
    const line = generateShellLine(l);
    expect(line).toContain("-device pxb-pcie,id=pxb-node0,bus_nr=128,numa_node=0,bus=pcie.0");
    expect(line).toContain("-device pxb-pcie,id=pxb-node1,bus_nr=144,numa_node=1,bus=pcie.0");
    expect(line).toContain("-device pcie-root-port,id=rp-hostdev0,bus=pxb-node1,chassis=2");
    expect(line).toContain("-device vfio-pci,host=0000:81:00.0,id=hostdev0,bus=rp-hostdev0");
    expect(line).toContain("-device vfio-pci,host=0000:83:00.0,id=hostdev1,bus=rp-hostdev1");
    expect(line).toContain("-device pcie-root-port,id=rp-hostdev1,bus=pxb-node0,chassis=1");
    expect(
      placeHostDevices(l)
        .placed.get(1)!
        .map((d) => d.host),
    ).toEqual(["0000:81:00.0", "0000:84:00.0"]);
  });

  it("pc (and no -machine, QEMU's default): a pxb per guest node, the device on it", () => {
    const line = generateShellLine(devices(base(""), ["0000:81:00.0", 1]));
    expect(line).toContain("-device pxb,id=pxb-node1,bus_nr=128,numa_node=1,bus=pci.0");
    expect(line).toContain("-device vfio-pci,host=0000:81:00.0,id=hostdev0,bus=pxb-node1");
  });

  it("a device with no guest node, one naming a node the layout lacks, or a layout without guest nodes: as before, with no bridge", () => {
    const line = generateShellLine(devices(base("-machine q35"), ["0000:81:00.0", undefined], ["0000:83:00.0", 7]));
    expect(line).not.toContain("pxb");
    expect(line).toContain("-device vfio-pci,host=0000:83:00.0,id=hostdev1");
    const flat = devices({ ...base("-machine q35"), nodes: [] }, ["0000:81:00.0", 0]);
    expect(placeHostDevices(flat).args).toEqual([["-device", "vfio-pci,host=0000:81:00.0,id=hostdev0"]]);
  });

  it("a machine without PCI expander bridges keeps the devices unplaced, and says so", () => {
    const p = placeHostDevices(devices(base("-machine microvm"), ["0000:81:00.0", 1]));
    expect(p.args).toEqual([["-device", "vfio-pci,host=0000:81:00.0,id=hostdev0"]]);
    expect(p.note).toBe("-machine microvm has no PCI expander bridge: the devices are not placed on guest nodes");
  });
});
