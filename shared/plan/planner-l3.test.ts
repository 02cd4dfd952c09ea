// The planner keeps each guest node within the fewest whole L3 groups of its host node, on the
// sysfs trees built from real hwloc dumps (an EPYC 7763 in NPS1 and with L3 as NUMA, a Xeon
// 6140 with SNC2), and NUMA041 agrees with it.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readSysfs } from "../../electron/probe/sysfs";
import { planLayout, type PlanRequest } from "./planner";
import { checkLayout } from "../validate/check";
import { vcpuHostSets } from "../pin/resolve";
import { idList } from "../cpulist/cpulist";
import type { HostTopology } from "../topology/schema";

const fixture = (name: string): HostTopology => readSysfs({ root: join(import.meta.dirname, "../../electron/probe/fixtures", name) });
const nps1 = fixture("sysfs-epyc-7763-nps1");
const l3numa = fixture("sysfs-epyc-7763-l3numa");
const snc2 = fixture("sysfs-xeon-6140-snc2");

function plan(h: HostTopology, req: Partial<PlanRequest>) {
  const r = planLayout(h, { mem: "4G", vcpus: 12, threads: 4, ...req });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r;
}
const codes = (h: HostTopology, r: ReturnType<typeof plan>) => checkLayout(r.layout, { host: h }).map((d) => d.code);

describe("the planner on hosts with several L3 groups per node", () => {
  it("EPYC NPS1, 12 vCPUs on node 0: pinned to the 2 whole CCDs 0-15 (8 PUs each), and NUMA041 is quiet", () => {
    const r = plan(nps1, { nodes: [0] });
    expect(r.layout.pinning?.vcpus).toEqual([{ node: 0, hostCpus: "0-15" }]);
    expect(r.notes.join("\n")).toContain("host node 0 has 8 L3 groups: guest node 0 on PU 0-15");
    expect(codes(nps1, r)).not.toContain("NUMA041");
  });

  it("EPYC NPS1, 20 vCPUs over both nodes: 10 each, each guest node on its node's first 2 CCDs", () => {
    const r = plan(nps1, { vcpus: 20 });
    expect(r.layout.pinning?.vcpus).toEqual([
      { node: 0, hostCpus: "0-15" },
      { node: 1, hostCpus: "64-79" },
    ]);
    expect(codes(nps1, r)).not.toContain("NUMA041");
  });

  it("EPYC NPS1, a guest node that fits one CCD gets that CCD alone", () => {
    const r = plan(nps1, { vcpus: 6, nodes: [1] });
    expect(r.layout.pinning?.vcpus).toEqual([{ node: 0, hostCpus: "64-71" }]);
    expect(codes(nps1, r)).not.toContain("NUMA041");
  });

  it("EPYC NPS1 with --pin cpu: each vCPU on its own PU inside the fewest whole CCDs", () => {
    const r = plan(nps1, { vcpus: 12, nodes: [0], pin: "cpu" });
    const pus = [...vcpuHostSets(r.layout).values()].map((s) => s[0]!);
    expect(pus).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(codes(nps1, r)).not.toContain("NUMA041");
  });

  it("EPYC NPS1, a host node split into several guest nodes (QEMU 10, 48 threads): each guest node on its own CCDs", () => {
    const r = plan(nps1, { mem: "8G", vcpus: 40, threads: 48, nodes: [0], qemuVersion: "10.0.2" });
    expect(r.layout.nodes.length).toBe(3);
    const sets = r.layout.pinning!.vcpus!.map((p) => idList(p.hostCpus));
    // 14 + 13 + 13 vCPUs: 2 CCDs each, none shared
    expect(sets.map((s) => s.length)).toEqual([16, 16, 16]);
    expect(new Set(sets.flat()).size).toBe(48);
    expect(codes(nps1, r)).not.toContain("NUMA041");
  });

  it("EPYC NPS1, guest nodes that cannot have separate CCDs: pinned node-wide with a note, and NUMA041 says it", () => {
    // QEMU 10 splits 48 threads on node 0 into 3 guest nodes of 22, 21 and 21 vCPUs: 3 CCDs each, 9 > 8
    const r = plan(nps1, { mem: "8G", vcpus: 64, threads: 48, nodes: [0], qemuVersion: "10.0.2" });
    expect(r.notes.join("\n")).toMatch(/do not fit in separate whole L3 groups/);
    expect(r.layout.pinning!.vcpus!.every((p) => p.hostCpus === "0-63")).toBe(true);
    const d = checkLayout(r.layout, { host: nps1 }).find((x) => x.code === "NUMA041")!;
    expect(d.fix).toContain("the 3 guest nodes on host node 0 (22 + 21 + 21 vCPUs) need more whole L3 groups than its 8");
  });

  it("guest nodes of one host node pinned node-wide where they would fit apart: each fix names its own CCDs", () => {
    const r = plan(nps1, { mem: "8G", vcpus: 40, threads: 48, nodes: [0], qemuVersion: "10.0.2" });
    r.layout.pinning!.vcpus = r.layout.pinning!.vcpus!.map((p) => ({ ...p, hostCpus: "0-63" }));
    const fixes = checkLayout(r.layout, { host: nps1 })
      .filter((x) => x.code === "NUMA041")
      .map((x) => /PU (\S+)/.exec(x.fix)![1]);
    expect(fixes).toEqual(["0-15", "16-31", "32-47"]);
  });

  it("the whole node for one guest node is already whole groups: node-wide, no L3 note", () => {
    const r = plan(nps1, { vcpus: 64, nodes: [0] });
    expect(r.layout.pinning?.vcpus).toEqual([{ node: 0, hostCpus: "0-63" }]);
    expect(r.notes.join("\n")).not.toContain("L3");
    expect(codes(nps1, r)).not.toContain("NUMA041");
  });

  it("EPYC with L3 as NUMA: each node is one L3, so the node-wide pin is already whole (no L3 note)", () => {
    const r = plan(l3numa, { vcpus: 6, nodes: [0, 1] });
    expect(r.layout.pinning?.vcpus).toEqual([
      { node: 0, hostCpus: "0-7" },
      { node: 1, hostCpus: "8-15" },
    ]);
    expect(r.notes.join("\n")).not.toContain("L3");
    expect(codes(l3numa, r)).not.toContain("NUMA041");
  });

  it("Xeon 6140 with SNC2: a node's L3 is the socket's (one group per node), pins stay node-wide", () => {
    const r = plan(snc2, { vcpus: 8, nodes: [0] });
    expect(idList(r.layout.pinning!.vcpus![0]!.hostCpus)).toEqual(snc2.nodes.find((n) => n.id === 0)!.cpus);
    expect(codes(snc2, r)).not.toContain("NUMA041");
  });
});

describe("NUMA041 on pinned guest nodes", () => {
  it("a 12-vCPU guest node pinned to all of an NPS1 node is spread over 8 CCDs where 2 hold it; the fix names PU 0-15", () => {
    const r = plan(nps1, { nodes: [0] });
    r.layout.pinning!.vcpus = [{ node: 0, hostCpus: "0-63" }];
    const d = checkLayout(r.layout, { host: nps1 }).find((x) => x.code === "NUMA041")!;
    expect(d.message).toContain("pinned across 8 of host node 0's 8 L3 groups where 2 would hold them");
    expect(d.fix).toContain("PU 0-15");
  });

  it("two guest nodes pinned to one CCD are told they share it", () => {
    const r = plan(nps1, { mem: "4G", vcpus: 8, threads: 2, nodes: [0] });
    r.layout.nodes = [
      { nodeid: 0, cpus: "0-3", memdev: "ram-node0" },
      { nodeid: 1, cpus: "4-7", memdev: "ram-node0" },
    ];
    r.layout.pinning!.vcpus = [
      { node: 0, hostCpus: "0-7" },
      { node: 1, hostCpus: "0-7" },
    ];
    const d = checkLayout(r.layout, { host: nps1 }).filter((x) => x.code === "NUMA041");
    expect(d.map((x) => x.message)).toEqual([expect.stringContaining("guest nodes 0 and 1 are pinned to the same L3 group of host node 0 (PU 0-7")]);
  });
});
