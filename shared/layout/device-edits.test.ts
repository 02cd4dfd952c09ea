// Attaching host PCI devices to a layout and NUMA042's one-click fix, on the bundled sample with
// a NIC and GPUs on node 1 (hwloc's 32em64t-2n8c2t-pci dump).

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema, type HostTopology } from "../topology/schema";
import { planLayout } from "../plan/planner";
import { attachDevice, detachDevice, moveDevice, notAttachable } from "./device-edits";
import { fixesFor } from "./fixes";
import { moveGuestNode } from "./edits";
import { checkLayout } from "../validate/check";
import { generateArgv } from "../qemu/generate";
import { exportLibvirt } from "../export/libvirt";
import { vcpuHostSets } from "../pin/resolve";
import type { Layout } from "./schema";

const host: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/xeon-2node-gpu-nic.json"), "utf8")));
const NIC = "0000:81:00.0";
const node1Cpus = host.nodes.find((n) => n.id === 1)!.cpus;

function planned(pin: "node" | "cpu" = "node"): Layout {
  const r = planLayout(host, { mem: "4G", vcpus: 8, threads: 4, pin });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.layout;
}
const ok = (r: ReturnType<typeof attachDevice>) => {
  if (!r.ok) throw new Error(r.error);
  return r.layout;
};

describe("attaching a host device", () => {
  it("goes to the guest node whose memory is on the device's node, and shows in the command line and the libvirt export", () => {
    const l = ok(attachDevice(planned(), host, NIC));
    expect(l.hostDevices).toEqual([{ host: NIC, id: "hostdev0", guestNode: 1 }]);
    expect(generateArgv(l).join(" ")).toContain(`-device vfio-pci,host=${NIC},id=hostdev0`);
    expect(exportLibvirt(l).xml).toContain("<address domain='0x0000' bus='0x81' slot='0x00' function='0x0'/>");
    expect(checkLayout(l, { host }).map((d) => d.code)).not.toContain("NUMA042");
  });

  it("a second device gets the next id; the same device twice is refused", () => {
    const l = ok(attachDevice(ok(attachDevice(planned(), host, NIC)), host, "0000:83:00.0"));
    expect(l.hostDevices!.map((d) => d.id)).toEqual(["hostdev0", "hostdev1"]);
    expect(attachDevice(l, host, NIC)).toEqual({ ok: false, error: `${NIC} is already attached` });
  });

  it("a device the host lacks, a bridge, or an unknown guest node is refused with the reason", () => {
    expect(attachDevice(planned(), host, "0000:99:00.0")).toEqual({ ok: false, error: "xeon-2node-gpu-nic has no PCI device 0000:99:00.0" });
    const bridged = { ...host, pciDevices: [...host.pciDevices!, { address: "0000:80:03.0", classCode: 0x060400, vendor: 0x8086, device: 0x3c08, numaNode: 1, className: "PCI bridge" }] };
    const r = attachDevice(planned(), bridged, "0000:80:03.0");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("is a bridge (PCI bridge)");
    expect(notAttachable(host.pciDevices!.find((d) => d.address === NIC)!)).toBeUndefined();
    expect(attachDevice(planned(), host, NIC, 7)).toEqual({ ok: false, error: "the layout has no guest node 7" });
  });

  it("detach takes it out (and the field with the last one); move gives it to another guest node", () => {
    const l = ok(attachDevice(planned(), host, NIC));
    expect(moveDevice(l, NIC, 0).hostDevices![0]!.guestNode).toBe(0);
    expect(detachDevice(l, NIC).hostDevices).toBeUndefined();
    expect(detachDevice(l, "0000:83:00.0")).toBe(l);
  });
});

describe("NUMA042's fix", () => {
  it("moves the device's guest node's memory, thread-context and pinned vCPUs to the device's node", () => {
    const l = ok(attachDevice(planned(), host, NIC, 0));
    const d = checkLayout(l, { host }).find((x) => x.code === "NUMA042")!;
    expect(d).toBeDefined();
    const [fix] = fixesFor(d, l, host);
    expect(fix!.label).toBe("move guest node 0's memory and vCPUs to host node 1, the device's");
    const fixed = fix!.apply(l);
    const b = fixed.backends.find((x) => x.id === fixed.nodes[0]!.memdev)!;
    expect(b.hostNodes).toBe("1");
    expect(fixed.threadContexts.find((t) => t.id === b.preallocContext)?.nodeAffinity).toBe("1");
    for (const v of [0, 1, 2, 3])
      expect(
        vcpuHostSets(fixed)
          .get(v)!
          .every((c) => node1Cpus.includes(c)),
      ).toBe(true);
    const codes = checkLayout(fixed, { host }).map((x) => x.code);
    expect(codes).not.toContain("NUMA042");
    expect(codes.filter((c) => c.startsWith("PIN"))).toEqual([]);
  });

  it("in a dedicated design (--pin cpu) each moved vCPU gets its own free PU on the device's node", () => {
    const l = ok(attachDevice(planned("cpu"), host, NIC, 0));
    const d = checkLayout(l, { host }).find((x) => x.code === "NUMA042")!;
    const fixed = fixesFor(d, l, host)[0]!.apply(l);
    const sets = vcpuHostSets(fixed);
    const pus = [...sets.values()].map((s) => (expect(s).toHaveLength(1), s[0]!));
    expect(new Set(pus).size).toBe(8);
    for (const v of [0, 1, 2, 3]) expect(node1Cpus).toContain(sets.get(v)![0]);
    expect(fixed.pinning?.dedicated).toBe(true);
    expect(checkLayout(fixed, { host }).map((x) => x.code)).not.toContain("NUMA042");
  });

  it("is the same edit as dragging the guest node onto the device's host node (one rule for pins that follow, pin/follow.ts)", () => {
    for (const pin of ["node", "cpu"] as const) {
      const l = ok(attachDevice(planned(pin), host, NIC, 0));
      const d = checkLayout(l, { host }).find((x) => x.code === "NUMA042")!;
      expect(fixesFor(d, l, host)[0]!.apply(l)).toEqual(moveGuestNode(l, 0, 1, host));
    }
  });

  it("a -device vfio-pci kept in an imported line gets the fix too (the first guest node moves)", () => {
    const l = planned();
    l.backends.forEach((b) => (b.hostNodes = "0"));
    l.threadContexts = l.threadContexts.filter((t) => t.nodeAffinity === "0");
    l.backends.forEach((b) => b.preallocContext && (b.preallocContext = l.threadContexts[0]!.id));
    l.pinning = undefined;
    l.args.push({ tokens: ["-device", `vfio-pci,host=${NIC}`] } as Layout["args"][number]);
    const d = checkLayout(l, { host }).find((x) => x.code === "NUMA042")!;
    const fixed = fixesFor(d, l, host)[0]!.apply(l);
    expect(fixed.backends[0]!.hostNodes).toBe("1");
    expect(checkLayout(fixed, { host }).map((x) => x.code)).not.toContain("NUMA042");
  });
});
