// The canvas's memory bars and NUMA013 tell one story: a bar is red exactly when NUMA013 says
// the layout's preallocated memory does not fit, and a backend over two nodes fills the node it
// is touched from first (Linux's bind policy), not half on each.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { checkLayout } from "../validate/check";
import { topologySchema, type HostTopology } from "../topology/schema";
import { nodeMemoryUse } from "./node-memory";
import type { Layout } from "./schema";

const hostsDir = join(import.meta.dirname, "../../assets/hosts");
const hosts = readdirSync(hostsDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(hostsDir, f), "utf8"))));
const seed = hosts.find((h) => h.name.includes("bm-standard2-52"))!;
const GiB = 2 ** 30;
const MiB = 2 ** 20;

const line = (backends: Array<{ size: string; nodes: string; prealloc?: boolean; context?: number }>) =>
  parseCommandLine(
    `qemu-system-x86_64 -m 1G ${backends
      .map(
        (b, i) =>
          (b.context !== undefined ? `-object thread-context,id=tc${i},node-affinity=${b.context} ` : "") +
          `-object memory-backend-ram,id=b${i},size=${b.size},host-nodes=${b.nodes},policy=bind${b.prealloc === false ? "" : ",prealloc=on"}${b.context !== undefined ? `,prealloc-context=tc${i}` : ""}`,
      )
      .join(" ")}`,
  ).layout;
const numa013Errors = (l: Layout, h: HostTopology) => checkLayout(l, { host: h }).filter((d) => d.code === "NUMA013" && d.severity === "error");
const overOf = (l: Layout, h: HostTopology) => nodeMemoryUse(h, l).reduce((a, u) => a + u.over, 0);

describe("where a backend over several nodes is drawn", () => {
  const free0 = seed.nodes[0]!.memFree;
  const free1 = seed.nodes[1]!.memFree;

  it("policy=bind over nodes 0-1 fills the node its preallocation threads run on first, then the other (not half on each)", () => {
    const size = (Math.round(free1 / MiB) + 1024) * MiB;
    const fromNode1 = line([{ size: `${size / MiB}M`, nodes: "0-1", context: 1 }]);
    const use = nodeMemoryUse(seed, fromNode1);
    expect(use[1]!.bound).toBe(free1);
    expect(use[0]!.bound).toBe(size - free1);
    expect(use.every((u) => u.over === 0)).toBe(true);
    const small = nodeMemoryUse(seed, line([{ size: "4G", nodes: "0-1" }]));
    expect(small.map((u) => u.bound)).toEqual([4 * GiB, 0]);
  });

  it("300 GiB on node 0 beside 600 GiB on nodes 0-1: NUMA013's error and the red on the bars are the same bytes", () => {
    const l = line([
      { size: "300G", nodes: "0" },
      { size: "600G", nodes: "0-1" },
    ]);
    const want = 900 * GiB - free0 - free1;
    expect(want).toBeGreaterThan(0);
    expect(numa013Errors(l, seed).length).toBeGreaterThan(0);
    expect(overOf(l, seed)).toBe(want);
  });

  it("the 0-1 backend makes room: node 0's own backend is placed, the shared one moves to node 1", () => {
    const l = line([
      { size: `${Math.round((free0 * 0.6) / MiB)}M`, nodes: "0-1", context: 0 },
      { size: `${Math.round((free0 * 0.6) / MiB)}M`, nodes: "0" },
    ]);
    expect(numa013Errors(l, seed)).toEqual([]);
    expect(overOf(l, seed)).toBe(0);
  });

  it("memory that is not preallocated is drawn but never red (NUMA013 does not count it either)", () => {
    const l = line([{ size: `${Math.round(free0 / MiB) + 2048}M`, nodes: "0", prealloc: false }]);
    expect(numa013Errors(l, seed)).toEqual([]);
    const use = nodeMemoryUse(seed, l)[0]!;
    expect(use.over).toBe(0);
    expect(use.bound).toBeGreaterThan(free0);
  });

  it("property: on every sample host, the bars show red exactly when NUMA013 says the bound memory does not fit, by as much as is left unplaced", () => {
    const arb = fc.record({
      h: fc.nat(hosts.length - 1),
      backends: fc.array(fc.record({ share: fc.integer({ min: 5, max: 130 }), first: fc.nat(), wide: fc.boolean(), second: fc.nat(), context: fc.boolean() }), { minLength: 1, maxLength: 6 }),
    });
    let red = 0;
    fc.assert(
      fc.property(arb, ({ h, backends }) => {
        const target = hosts[h]!;
        const ids = target.nodes.map((n) => n.id);
        const cpuNodes = target.nodes.filter((n) => n.cpus.length > 0).map((n) => n.id);
        const meanFree = target.nodes.reduce((a, n) => a + n.memFree, 0) / ids.length;
        const layout = line(
          backends.map((b) => {
            const a = ids[b.first % ids.length]!;
            const c = ids[b.second % ids.length]!;
            const nodes = b.wide && a !== c ? [a, c].sort((x, y) => x - y).join(",") : String(a);
            const context = b.context && cpuNodes.includes(c) ? c : undefined;
            return { size: `${Math.max(1, Math.round((meanFree * b.share) / 100 / MiB))}M`, nodes, ...(context !== undefined ? { context } : {}) };
          }),
        );
        const over = overOf(layout, target);
        if (over > 0) red++;
        expect(over > 0, `${target.name}: ${layout.backends.map((b) => `${b.size}@${b.hostNodes}`).join(" ")}`).toBe(numa013Errors(layout, target).length > 0);
        // what is placed on a node never passes its free memory; the red is the rest
        for (const u of nodeMemoryUse(target, layout)) expect(u.bound - u.over).toBeLessThanOrEqual(u.free + 1);
      }),
      { numRuns: 300, seed: 20261126 },
    );
    expect(red).toBeGreaterThan(20);
  });
});
