import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema, type HostTopology } from "../topology/schema";
import { emptyLayout, type Layout } from "./schema";
import { addGuestNode, applyThreadBudget, moveGuestNode } from "./edits";
import { boundHostNodes, spanGuestNode, unspanGuestNode } from "./node-span";
import { setPinMode } from "../pin/edits";
import { generateShellLine } from "../qemu/generate";
import { checkLayout } from "../validate/check";
import { idList } from "../cpulist/cpulist";
import { hostNodeOfCpu } from "../pin/resolve";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));
const seed = host("bm-standard2-52");
const epyc = host("epyc-7451-8node");

/** one guest node with `vcpus` vCPUs on host node 0, its memory preallocated by 4 threads */
const oneNode = (vcpus: number): Layout => applyThreadBudget(addGuestNode({ ...emptyLayout("2G"), smp: { cpus: vcpus } }, 0, "2G", vcpus), 0, 4, seed);
const nodesOfPins = (l: Layout, h: HostTopology, vcpus: number[]) => {
  const of = hostNodeOfCpu(h);
  return vcpus.map((v) => [...new Set((l.pinning?.vcpus ?? []).filter((p) => p.node === 0 || idList(p.vcpus).includes(v)).flatMap((p) => idList(p.hostCpus).map((c) => of.get(c))))]);
};

describe("a guest node whose memory spans two host nodes", () => {
  it("'also bind to host node 1' writes host-nodes=0-1 and a thread-context on both nodes", () => {
    const l = spanGuestNode(oneNode(8), 0, 1, seed);
    expect(boundHostNodes(l, 0)).toEqual([0, 1]);
    const line = generateShellLine(l);
    expect(line).toContain("id=ram-node0,size=2G,host-nodes=0-1,policy=bind,prealloc=on,prealloc-context=tc0-1,prealloc-threads=4");
    expect(line).toContain("-object thread-context,id=tc0-1,node-affinity=0-1");
    expect(line).not.toContain("node-affinity=0 ");
    // and the checker has nothing against it on the 2-node host
    expect(checkLayout(l, { host: seed }).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("spanning is idempotent, an unbound node is simply bound, and taking a node out goes back to one", () => {
    const l = spanGuestNode(oneNode(8), 0, 1, seed);
    expect(spanGuestNode(l, 0, 1, seed)).toBe(l);
    const back = unspanGuestNode(l, 0, 0, seed);
    expect(boundHostNodes(back, 0)).toEqual([1]);
    expect(generateShellLine(back)).toContain("-object thread-context,id=tc1,node-affinity=1");
    expect(unspanGuestNode(back, 0, 1, seed)).toBe(back);
  });

  it("node-wide pins: the union of both nodes' CPUs, with no PIN001", () => {
    const pinned = setPinMode(spanGuestNode(oneNode(8), 0, 1, seed), seed, "node");
    expect(pinned.ok).toBe(true);
    const l = (pinned as { layout: Layout }).layout;
    expect(l.pinning?.vcpus).toEqual([{ node: 0, hostCpus: "0-103" }]);
    expect(checkLayout(l, { host: seed }).map((d) => d.code)).not.toContain("PIN001");
  });

  it("one PU per vCPU: vCPUs 0-3 on host node 0's PUs, 4-7 on host node 1's, and pins already there follow a span", () => {
    const pinned = setPinMode(spanGuestNode(oneNode(8), 0, 1, seed), seed, "cpu");
    expect(pinned.ok).toBe(true);
    const l = (pinned as { layout: Layout }).layout;
    expect(nodesOfPins(l, seed, [0, 1, 2, 3, 4, 5, 6, 7])).toEqual([[0], [0], [0], [0], [1], [1], [1], [1]]);
    // pinned one PU each on node 0 first, then spanned: the same blocks
    const first = (setPinMode(oneNode(8), seed, "cpu") as { layout: Layout }).layout;
    const spanned = spanGuestNode(first, 0, 1, seed);
    expect(nodesOfPins(spanned, seed, [0, 3, 4, 7])).toEqual([[0], [0], [1], [1]]);
    expect(spanned.pinning?.dedicated).toBe(true);
    // and dragged back onto node 1 alone, they all follow there
    expect(nodesOfPins(moveGuestNode(spanned, 0, 1, seed), seed, [0, 7])).toEqual([[1], [1]]);
  });

  it("one PU per vCPU is refused with its reason when a spanned node has too few PUs for its half", () => {
    // the EPYC's nodes have 12 PUs: 30 vCPUs over two nodes are 15 a node
    const l = spanGuestNode(addGuestNode({ ...emptyLayout("2G"), smp: { cpus: 30 } }, 0, "2G", 30), 0, 1, epyc);
    const r = setPinMode(l, epyc, "cpu");
    expect(r).toEqual({
      ok: false,
      error:
        "one PU per vCPU: guest node 0 spans host nodes 0-1, and its vCPUs 0-14 go on host node 0, which has 12 CPUs, so vCPUs would share PUs; give fewer vCPUs, reserve fewer CPUs, or pin node-wide",
    });
    // node-wide works, over 24 PUs
    const wide = setPinMode(l, epyc, "node");
    expect(wide.ok && idList(wide.layout.pinning!.vcpus![0]!.hostCpus).length).toBe(24);
  });

  it("pins one PU each that no longer fit after a span become node-wide over both nodes (an edit of memory never fails on pins)", () => {
    // 12 vCPUs one PU each on EPYC node 0, then a span to node 1 whose PUs guest node 1 holds
    let l = addGuestNode(addGuestNode({ ...emptyLayout("4G"), smp: { cpus: 24 } }, 0, "2G", 12), 1, "2G", 12);
    l = (setPinMode(l, epyc, "cpu") as { layout: Layout }).layout;
    const spanned = spanGuestNode(l, 0, 1, epyc);
    const own = spanned.pinning!.vcpus!.filter((p) => p.node === 0);
    expect(own.map((p) => idList(p.hostCpus).length)).toEqual([24]);
    expect(spanned.pinning?.dedicated).toBeUndefined();
  });
});
