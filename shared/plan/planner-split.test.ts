// The planner's split of a node into several backends where QEMU runs them in parallel.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planLayout } from "./planner";
import { preallocPlan } from "../qemu/prealloc-rules";
import { checkLayout } from "../validate/check";
import { topologySchema, type HostTopology } from "../topology/schema";
import { backendBytes } from "../qemu/prealloc";
import { GiB, MiB } from "../size/size";

const root = join(import.meta.dirname, "../..");
const seedHost: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/bm-standard2-52.json"), "utf8")));
const cpus = seedHost.cpus.filter((c) => c.online).length;

function plan(threads: number, qemuVersion?: string, mem = "256G") {
  const r = planLayout(seedHost, { mem, vcpus: 104, threads, ...(qemuVersion ? { qemuVersion } : {}) });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r;
}

function workersPerHostNode(r: ReturnType<typeof plan>, version: string) {
  const out = new Map<string, number>();
  for (const p of preallocPlan(r.layout, version, cpus)) {
    const b = r.layout.backends.find((x) => x.id === p.id)!;
    out.set(b.hostNodes!, (out.get(b.hostNodes!) ?? 0) + p.workers);
  }
  return out;
}

describe("the planner splits nodes for QEMU that preallocates backends in parallel", () => {
  it("on the seed host with --threads 64 and QEMU 10, every backend has at most 16 workers and each host node 32, all in parallel", () => {
    const r = plan(64, "10.0.2");
    const p = preallocPlan(r.layout, "10.0.2", cpus);
    expect(p.length).toBe(4);
    expect(p.every((b) => b.workers <= 16 && b.parallel)).toBe(true);
    expect(Object.fromEntries(workersPerHostNode(r, "10.0.2"))).toEqual({ "0": 32, "1": 32 });
    // the memory still adds up to -m, each backend bound to its host node with its context
    expect(r.layout.backends.reduce((a, b) => a + backendBytes(b), 0)).toBe(256 * GiB);
    for (const b of r.layout.backends) expect(b.preallocContext).toBe(`tc${b.hostNodes}`);
    expect(checkLayout(r.layout, { host: seedHost, qemu: { version: "10.0.2" } }).filter((d) => d.severity === "error")).toEqual([]);
    // every pair of guest nodes has a distance; pieces of one host node are 11 apart
    expect(r.layout.distances.length).toBe(6);
    expect(r.layout.distances.find((d) => d.src === 0 && d.dst === 1)?.val).toBe(11);
    expect(r.layout.distances.find((d) => d.src === 0 && d.dst === 2)?.val).toBe(21);
  });

  it("a split node keeps SMT siblings (n and n+52 on the seed host) in the same guest node", () => {
    const r = plan(64, "10.0.2");
    expect(r.layout.nodes.map((n) => n.cpus)).toEqual(["0-12,52-64", "13-25,65-77", "26-38,78-90", "39-51,91-103"]);
  });

  it("on QEMU 7.2 it keeps one backend per node and says splitting gains nothing there", () => {
    const r = plan(64, "7.2.0");
    expect(r.layout.backends.length).toBe(2);
    expect(r.layout.backends.every((b) => b.preallocThreads === 16)).toBe(true);
    expect(r.notes.join("\n")).toMatch(/one after another \(in parallel only since QEMU 9\.0\)/);
  });

  it("without a QEMU version it does not split, and says the version is unknown", () => {
    const r = plan(64);
    expect(r.layout.backends.length).toBe(2);
    expect(r.notes.join("\n")).toMatch(/version is unknown/);
  });

  it("never gives a backend less than 64 MiB per worker: 1G with 64 threads on one node makes at most 16 workers in all", () => {
    const r = planLayout(seedHost, { mem: "1G", vcpus: 2, threads: 64, nodes: [0], qemuVersion: "10.0.2" });
    if (!r.ok) throw new Error("plan failed");
    const p = preallocPlan(r.layout, "10.0.2", cpus);
    for (const b of p) expect(backendBytes(r.layout.backends.find((x) => x.id === b.id)!) / b.workers).toBeGreaterThanOrEqual(64 * MiB);
    expect(p.reduce((a, b) => a + b.workers, 0)).toBe(16);
    expect(p.length).toBe(1);
  });

  it("a budget of 16 per node or less never splits, whatever the version", () => {
    expect(plan(32, "10.0.2").layout.backends.length).toBe(2);
  });
});
