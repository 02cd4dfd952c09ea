// The canvas's pinning edits on the seed host (bm-standard2-52: node 0 has CPUs 0-25 and their
// siblings 52-77, node 1 26-51 and 78-103), each checked through what the layout then means
// (vcpuHostSets) and what the libvirt export writes.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planLayout } from "../plan/planner";
import { topologySchema, type HostTopology } from "../topology/schema";
import { pinThread, pinVcpusToNode, pinVcpusToPu, toggleReserved, type PinEdit } from "./edits";
import { vcpuHostSets, emulatorHostSet } from "./resolve";
import { bindBackend, bindBackendAndPins, moveGuestNode } from "../layout/edits";
import type { Layout } from "../layout/schema";

const seed: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/bm-standard2-52.json"), "utf8")));
const planned = (pin?: "cpu") => {
  const r = planLayout(seed, { mem: "8G", vcpus: 8, threads: 4, ...(pin ? { pin } : {}) });
  if (!r.ok) throw new Error("plan failed");
  return r.layout;
};
const ok = (r: PinEdit): Layout => {
  if (!r.ok) throw new Error(r.error);
  return r.layout;
};

describe("vCPUs dropped on the host", () => {
  it("one vCPU on a PU gets that PU; its guest node's other vCPUs keep the node-wide pin", () => {
    const l = ok(pinVcpusToPu(planned(), seed, [0], 5));
    const sets = vcpuHostSets(l);
    expect(sets.get(0)).toEqual([5]);
    expect(sets.get(1)).toEqual([...Array.from({ length: 26 }, (_, i) => i), ...Array.from({ length: 26 }, (_, i) => 52 + i)]);
    // dropped again elsewhere: one pin, not two
    const again = ok(pinVcpusToPu(l, seed, [0], 7));
    expect(again.pinning?.vcpus?.filter((p) => p.vcpus === "0")).toEqual([{ vcpus: "0", hostCpus: "7" }]);
  });

  it("a selection of k vCPUs fills k PUs from the drop in core order: SMT siblings together", () => {
    const l = ok(pinVcpusToPu(planned(), seed, [3, 0, 1, 2], 5));
    const sets = vcpuHostSets(l);
    expect([0, 1, 2, 3].map((v) => sets.get(v))).toEqual([[5], [57], [6], [58]]);
    // one PU per core: siblings left idle
    const core = ok(pinVcpusToPu({ ...planned(), pinning: { ...planned().pinning, smt: "core" } }, seed, [0, 1, 2], 5));
    expect([0, 1, 2].map((v) => vcpuHostSets(core).get(v))).toEqual([[5], [6], [7]]);
  });

  it("skips PUs other vCPUs own and refuses when the node runs out, a reserved PU, or an absent one", () => {
    const l = ok(pinVcpusToPu(planned("cpu"), seed, [4, 5], 0));
    // plan --pin cpu gave vCPUs 0-3 CPUs 0,52,1,53: 4 and 5 take 0 (as dropped) and the next free one, 2
    expect([4, 5].map((v) => vcpuHostSets(l).get(v))).toEqual([[0], [2]]);
    expect(pinVcpusToPu(planned(), seed, [0, 1, 2], 77)).toMatchObject({ ok: false, error: expect.stringMatching(/3 vCPUs need 3 PUs .* host node 0 has 1 left/) });
    const reserved = { ...planned(), pinning: { ...planned().pinning, reserved: "5" } };
    expect(pinVcpusToPu(reserved, seed, [0], 5)).toMatchObject({ ok: false, error: expect.stringMatching(/reserved for the host/) });
    expect(pinVcpusToPu(planned(), seed, [0], 999)).toMatchObject({ ok: false, error: expect.stringMatching(/no CPU 999/) });
  });

  it("vCPUs dropped on a node's cores are pinned node-wide; a guest node's whole list becomes its node pin", () => {
    const some = ok(pinVcpusToNode(planned(), seed, [0, 1], 1));
    expect(vcpuHostSets(some).get(0)).toHaveLength(52);
    expect(vcpuHostSets(some).get(0)![0]).toBe(26);
    expect(some.pinning?.vcpus).toContainEqual({ vcpus: "0-1", hostCpus: "26-51,78-103" });
    const guest0 = idOf(planned(), 0);
    const whole = ok(pinVcpusToNode(planned(), seed, guest0, 1));
    expect(whole.pinning?.vcpus?.filter((p) => p.node === 0)).toEqual([{ node: 0, hostCpus: "26-51,78-103" }]);
  });
});

function idOf(l: Layout, i: number): number[] {
  const text = l.nodes[i]!.cpus!;
  return text.split(",").flatMap((r) => {
    const [a, b] = r.split("-").map(Number);
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, k) => a! + k);
  });
}

describe("emulator and I/O-thread chips", () => {
  it("dropped on a node pin node-wide, on a PU to that PU, and unpinned with undefined", () => {
    const l0 = { ...planned(), iothreads: [{ id: "io0" }] };
    const node = ok(pinThread(l0, seed, { kind: "emulator" }, { node: 1 }));
    expect(node.pinning?.emulator).toBe("26-51,78-103");
    const pu = ok(pinThread(node, seed, { kind: "iothread", id: "io0" }, { pu: 30 }));
    expect(pu.iothreads?.[0]?.hostCpus).toBe("30");
    const off = ok(pinThread(pu, seed, { kind: "emulator" }, undefined));
    expect(emulatorHostSet(off)).toBeUndefined();
    expect(pinThread(l0, seed, { kind: "iothread", id: "nope" }, { pu: 1 })).toMatchObject({ ok: false });
  });
});

describe("reserve for the host", () => {
  it("reserving a PU takes it out of every pin; releasing gives it back to the reserved list only", () => {
    const l0 = ok(pinThread(ok(pinVcpusToPu(planned(), seed, [0], 3)), seed, { kind: "emulator" }, { pu: 3 }));
    const r = ok(toggleReserved(l0, seed, 3));
    expect(r.pinning?.reserved).toBe("3");
    expect(vcpuHostSets(r).get(1)).not.toContain(3);
    // vCPU 0's own pin was CPU 3: it falls back to its guest node's pin (without 3)
    expect(vcpuHostSets(r).get(0)).toEqual(vcpuHostSets(r).get(1));
    expect(r.pinning?.emulator).toBeUndefined();
    const back = ok(toggleReserved(r, seed, 3));
    expect(back.pinning?.reserved).toBeUndefined();
    expect(toggleReserved(l0, seed, 500)).toMatchObject({ ok: false });
  });
});

describe("a guest node dragged onto another host node", () => {
  it("takes its node-wide pin along with its memory and thread-context", () => {
    const l = moveGuestNode(planned(), 0, 1, seed);
    expect(l.backends[0]!.hostNodes).toBe("1");
    expect(l.threadContexts.find((t) => t.id === l.backends[0]!.preallocContext)?.nodeAffinity).toBe("1");
    expect(l.pinning?.vcpus?.find((p) => p.node === 0)?.hostCpus).toBe("26-51,78-103");
  });

  it("gives its exact pins PUs of the new node, siblings together, not the ones other vCPUs hold", () => {
    const l = moveGuestNode(planned("cpu"), 0, 1, seed);
    // guest node 1 (vCPUs 4-7) held 26,78,27,79; guest node 0's vCPUs 0-3 take the next cores
    expect([0, 1, 2, 3].map((v) => vcpuHostSets(l).get(v))).toEqual([[28], [80], [29], [81]]);
    expect([4, 5, 6, 7].map((v) => vcpuHostSets(l).get(v))).toEqual([[26], [78], [27], [79]]);
  });

  it("the same when its backend chip is dropped on the node (the canvas's bind), and not with the bare bind", () => {
    const p = planned();
    const memdev = p.nodes[0]!.memdev!;
    const l = bindBackendAndPins(p, memdev, 1, seed);
    expect(l.backends.find((b) => b.id === memdev)!.hostNodes).toBe("1");
    expect(l.pinning?.vcpus?.find((x) => x.node === 0)?.hostCpus).toBe("26-51,78-103");
    expect(bindBackend(p, memdev, 1, seed).pinning?.vcpus?.find((x) => x.node === 0)?.hostCpus).toBe("0-25,52-77");
  });
});
