// The box model read on the bundled sample hosts: packages hold the nodes their CPUs sit in,
// SMT siblings share a core, memory-only nodes stand beside the packages, and long rows of
// identical cores collapse into runs that keep their PU numbers.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema, type HostTopology } from "./schema";
import { coreRuns, hostBoxes, packageOfNode, puOrder, runLabel } from "./boxes";
import { formatTopologyText } from "./format";
import { nodeMemoryUse } from "../layout/node-memory";
import { planLayout } from "../plan/planner";
import { bindBackend } from "../layout/edits";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));

describe("hostBoxes", () => {
  it("the EPYC 8-node sample puts nodes 0-3 in package 0 and nodes 4-7 in package 1", () => {
    const m = hostBoxes(host("epyc-7451-8node"));
    expect(m.packages.map((p) => [p.os, p.nodes.map((n) => n.os)])).toEqual([
      [0, [0, 1, 2, 3]],
      [1, [4, 5, 6, 7]],
    ]);
    expect(m.looseNodes).toEqual([]);
    expect(packageOfNode(m, 5)).toBe(1);
    expect(m.packages[0]!.coreCount).toBe(24);
  });

  it("the seed host has two packages of 26 cores whose SMT siblings are n and n+52", () => {
    const m = hostBoxes(host("bm-standard2-52"));
    expect(m.packages).toHaveLength(2);
    const node0 = m.nodes[0]!;
    expect(node0.cores).toHaveLength(26);
    expect(node0.threadsPerCore).toBe(2);
    expect(node0.cores[0]!.pus.map((p) => p.os)).toEqual([0, 52]);
    expect(node0.cores[25]!.pus.map((p) => p.os)).toEqual([25, 77]);
    expect(m.nodes[1]!.cores[0]!.pus.map((p) => p.os)).toEqual([26, 78]);
    expect(m.puCount).toBe(104);
    expect(m.coreCount).toBe(52);
  });

  it("the CXL sample's memory-only node stands beside the packages, with its memory", () => {
    const m = hostBoxes(host("cxl-4node"));
    expect(m.looseNodes.map((n) => n.os)).toEqual([3]);
    const cxl = m.looseNodes[0]!;
    expect(cxl.memoryOnly).toBe(true);
    expect(cxl.cores).toEqual([]);
    expect(cxl.memTotal).toBeGreaterThan(60 * 2 ** 30);
    expect(m.packages.map((p) => p.nodes.map((n) => n.os))).toEqual([[0, 1], [2]]);
    // node 0's 2 MiB pool and node 1's 1 GiB pool; empty pools are left out
    expect(m.nodes[0]!.hugepages.map((h) => [h.pageSize, h.total])).toEqual([[2 * 2 ** 20, 1024]]);
    expect(m.nodes[1]!.hugepages.map((h) => [h.pageSize, h.total])).toEqual([[2 ** 30, 8]]);
    expect(m.onlinePus).toBe(23);
  });

  it("the DL585's round-robin CPU numbers stay with their socket", () => {
    const m = hostBoxes(host("hp-dl585-4socket"));
    expect(m.packages.map((p) => p.nodes[0]!.cores.map((c) => c.pus[0]!.os))).toEqual([
      [0, 4, 8, 12],
      [1, 5, 9, 13],
      [2, 6, 10, 14],
      [3, 7, 11, 15],
    ]);
  });

  it("a package with several dies shows them when every node sits in one die", () => {
    const t = host("epyc-7451-8node");
    const withDies: HostTopology = { ...t, cpus: t.cpus.map((c) => ({ ...c, die: c.node % 4 })) };
    const m = hostBoxes(withDies);
    expect(m.packages[1]!.dies?.map((d) => [d.os, d.nodes.map((n) => n.os)])).toEqual([
      [0, [4]],
      [1, [5]],
      [2, [6]],
      [3, [7]],
    ]);
    expect(hostBoxes(t).packages[0]!.dies).toBeUndefined();
  });

  it("the run plot's CPU order goes node by node with SMT siblings together", () => {
    const order = puOrder(hostBoxes(host("bm-standard2-52")));
    expect(order.slice(0, 4).map((r) => r.pu)).toEqual([0, 52, 1, 53]);
    expect(order[52]).toEqual({ pu: 26, node: 1, nodeIndex: 1 });
    expect(order).toHaveLength(104);
  });
});

describe("coreRuns", () => {
  it("keeps every core when they fit and collapses identical neighbours when they do not", () => {
    const node = hostBoxes(host("bm-standard2-52")).nodes[0]!;
    expect(coreRuns(node, 26)).toHaveLength(26);
    const runs = coreRuns(node, 4);
    expect(runs.length).toBeLessThanOrEqual(4);
    expect(runs.reduce((a, r) => a + r.cores.length, 0)).toBe(26);
    expect(runLabel(runs[0]!)).toBe("0-6 + 52-58");
  });

  it("never merges an offline CPU's core into a run", () => {
    const node = hostBoxes(host("cxl-4node")).nodes[2]!;
    const runs = coreRuns(node, 1);
    expect(runs.map((r) => runLabel(r))).toEqual(["12,14,16,18,20 + 13,15,17,19,21", "22", "23"]);
  });
});

describe("formatTopologyText", () => {
  it("nests the EPYC sample's nodes in their packages", () => {
    const text = formatTopologyText(host("epyc-7451-8node"));
    const lines = text.split("\n");
    const pkg1 = lines.indexOf("  Package 1: 24 cores, 48 PUs");
    expect(pkg1).toBeGreaterThan(0);
    expect(lines[pkg1 + 1]).toMatch(/^ {4}NUMA node 4: 32 GiB/);
    expect(lines[pkg1 + 2]).toBe("      6 cores × 2 PUs: PU 24-29 + 72-77");
  });

  it("says which node is memory only", () => {
    expect(formatTopologyText(host("cxl-4node"))).toMatch(/^ {2}NUMA node 3 \(memory only\): 64 GiB/m);
  });
});

describe("nodeMemoryUse", () => {
  it("counts what the seed plan binds on each node and the over-commit when a node gets both", () => {
    const h = host("bm-standard2-52");
    const plan = planLayout(h, { mem: "512G", vcpus: 104, threads: 16 });
    if (!plan.ok) throw new Error("plan failed");
    const use = nodeMemoryUse(h, plan.layout);
    expect(use.map((u) => u.bound / 2 ** 30)).toEqual([256, 256]);
    expect(use.every((u) => u.over === 0)).toBe(true);
    const both = bindBackend(plan.layout, "ram-node1", 0);
    const after = nodeMemoryUse(h, both);
    expect(after[0]!.backends).toEqual(["ram-node0", "ram-node1"]);
    expect(after[0]!.over).toBe(512 * 2 ** 30 - h.nodes[0]!.memFree);
    expect(after[1]!.bound).toBe(0);
  });
});
