import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { layoutSchema, type Layout } from "./schema";
import { generateArgv } from "../qemu/generate";
import { exportLibvirt } from "../export/libvirt";
import { checkRunArgv, runLayout } from "../run/allow";
import { prepareRunArgs } from "../run/prepare";
import { checkLayout } from "../validate/check";
import { importHwloc } from "../topology/import/hwloc";
import { parseCommandLine } from "../qemu/parse";

const line = `qemu-system-x86_64 -m 2G -smp 2 -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1
  -object memory-backend-ram,id=m0,size=1G,host-nodes=0,policy=bind -object memory-backend-ram,id=m1,size=1G,host-nodes=0,policy=bind`;
const withDevice = (guestNode?: number): Layout => ({ ...parseCommandLine(line).layout, hostDevices: [{ host: "0000:81:00.0", id: "nic0", ...(guestNode !== undefined ? { guestNode } : {}) }] });
const hw = importHwloc(readFileSync(join(import.meta.dirname, "../topology/import/fixtures/hwloc-2n8c2t-pci.xml"), "utf8"), "gpu-nic");
const host = hw.ok ? hw.topology : undefined;

describe("host devices in a layout", () => {
  it("are an optional field: old layouts stay valid, a bad address is refused with the reason", () => {
    expect(layoutSchema.safeParse(parseCommandLine(line).layout).success).toBe(true);
    expect(layoutSchema.safeParse(withDevice(1)).success).toBe(true);
    const bad = layoutSchema.safeParse({ ...withDevice(), hostDevices: [{ host: "81:00.0,x-foo=1" }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("is not a PCI address");
  });

  it("export as -device vfio-pci,host=ADDR and as libvirt <hostdev>", () => {
    const argv = generateArgv(withDevice(1));
    // on guest node 1 through an expander bridge (shared/qemu/device-placement.ts; no -machine: QEMU's pc)
    expect(argv.slice(-4)).toEqual(["-device", "pxb,id=pxb-node1,bus_nr=128,numa_node=1,bus=pci.0", "-device", "vfio-pci,host=0000:81:00.0,id=nic0,bus=pxb-node1"]);
    expect(generateArgv(withDevice()).slice(-2)).toEqual(["-device", "vfio-pci,host=0000:81:00.0,id=nic0"]);
    const x = exportLibvirt(withDevice(1));
    expect(x.xml).toContain("<hostdev mode='subsystem' type='pci' managed='yes'>\n    <source><address domain='0x0000' bus='0x81' slot='0x00' function='0x0'/></source>");
    expect(x.notes.join()).toContain("0000:81:00.0 (node 1)");
  });

  it("are never part of a run: dropped from the run layout, and an argv holding vfio-pci is refused", () => {
    const run = runLayout(withDevice(1));
    expect(run.layout.hostDevices).toBeUndefined();
    expect(run.dropped.join("\n")).toContain("-device vfio-pci,host=0000:81:00.0 (a run never passes a host device through)");
    const prepared = prepareRunArgs(withDevice(1), { qmpSocket: "/tmp/x/qmp.sock", nameThreads: true });
    expect(prepared.args.join(" ")).not.toContain("vfio");
    expect(prepared.refused).toEqual([]);
    const smuggled = [...prepared.args, "-device", "vfio-pci,host=0000:81:00.0"];
    expect(checkRunArgv(smuggled, { qmpSocket: "/tmp/x/qmp.sock", memPaths: new Set() }).join("\n")).toMatch(/-device/);
  });

  it("warn when the device's guest node has its memory on another host node, and say which node would do", () => {
    const d = checkLayout(withDevice(1), { host }).find((x) => x.code === "NUMA042")!;
    expect(d.message).toContain("host device 0000:81:00.0 (Ethernet controller) sits on host node 1, but it belongs to guest node 1, whose memory m1 is bound to host node 0");
    expect(d.fix).toContain("bind m1 to host node 1");
    const moved = withDevice(1);
    moved.backends[1]!.hostNodes = "1";
    expect(checkLayout(moved, { host }).map((x) => x.code)).not.toContain("NUMA042");
  });
});
