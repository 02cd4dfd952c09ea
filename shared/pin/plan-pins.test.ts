import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planLayout, type PlanRequest } from "../plan/planner";
import { topologySchema, type HostTopology } from "../topology/schema";
import { vcpuGuestNodes, vcpuHostSets } from "./resolve";
import { idList } from "../cpulist/cpulist";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));
const seed = host("bm-standard2-52");
const seedPlan = { mem: "256G", vcpus: 104, threads: 16 };

function plan(h: HostTopology, req: PlanRequest) {
  const r = planLayout(h, req);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r;
}

const nodeOfCpu = (cpu: number) => seed.cpus.find((c) => c.id === cpu)!.node;
const siblingsOf = (cpu: number) => seed.cpus.find((c) => c.id === cpu)!.siblings;

describe("the planner's pinning", () => {
  it("pins each guest node's vCPUs to its host node's CPUs by default (node-wide)", () => {
    const { layout } = plan(seed, seedPlan);
    expect(layout.pinning?.vcpus).toEqual([
      { node: 0, hostCpus: "0-25,52-77" },
      { node: 1, hostCpus: "26-51,78-103" },
    ]);
    const sets = vcpuHostSets(layout);
    expect(sets.size).toBe(104);
    const guestNode = vcpuGuestNodes(layout);
    // every vCPU's set lies in the host node its guest node's memory is bound to
    for (const [v, cpus] of sets) {
      const backend = layout.backends.find((b) => b.id === layout.nodes[guestNode.get(v)!]!.memdev)!;
      expect(new Set(cpus.map(nodeOfCpu))).toEqual(new Set([Number(backend.hostNodes)]));
    }
  });

  it("--pin cpu gives each vCPU its own PU, a node's consecutive vCPUs on one core's siblings", () => {
    const { layout } = plan(seed, { ...seedPlan, pin: "cpu" });
    const sets = vcpuHostSets(layout);
    const pus = [...sets.values()].map((s) => (expect(s).toHaveLength(1), s[0]!));
    expect(new Set(pus).size).toBe(104);
    for (const n of layout.nodes) {
      const vs = idList(n.cpus);
      for (let k = 0; k + 1 < vs.length; k += 2) expect(siblingsOf(sets.get(vs[k]!)![0]!)).toContain(sets.get(vs[k + 1]!)![0]!);
    }
    expect(layout.pinning).toMatchObject({ dedicated: true, smt: "siblings" });
  });

  it("--pin cpu --mirror-smp gives the guest 2 sockets of 2-thread cores whose thread pairs sit on host sibling pairs", () => {
    const { layout, notes } = plan(seed, { ...seedPlan, pin: "cpu", mirrorSmp: true });
    expect(layout.smp).toEqual({ cpus: 104, sockets: 2, cores: 26, threads: 2 });
    expect(layout.nodes.map((n) => n.cpus)).toEqual(["0-51", "52-103"]);
    const sets = vcpuHostSets(layout);
    for (let v = 0; v < 104; v += 2) {
      const [a, b] = [sets.get(v)![0]!, sets.get(v + 1)![0]!];
      expect(a).not.toBe(b);
      expect(siblingsOf(a)).toEqual(siblingsOf(b));
    }
    expect(notes.join("\n")).toMatch(/2 sockets \(one per guest node\) × 26 cores × 2 threads/);
  });

  it("--smt core puts one vCPU on each core and leaves its sibling idle", () => {
    const { layout } = plan(seed, { mem: "8G", vcpus: 8, threads: 2, pin: "cpu", smt: "core" });
    const pus = [...vcpuHostSets(layout).values()].map((s) => s[0]!);
    const cores = new Set(pus.map((p) => siblingsOf(p).join()));
    expect(cores.size).toBe(8);
  });

  it("--reserve keeps CPUs out of every set, and the emulator gets what the vCPUs leave", () => {
    const { layout } = plan(seed, { mem: "8G", vcpus: 8, threads: 2, pin: "cpu", reserve: [0, 52] });
    const all = [...vcpuHostSets(layout).values()].flat();
    expect(all).not.toContain(0);
    expect(all).not.toContain(52);
    expect(layout.pinning?.reserved).toBe("0,52");
    const emulator = idList(layout.pinning?.emulator);
    expect(emulator).not.toContain(0);
    expect(emulator.some((c) => all.includes(c))).toBe(false);
    const nodeWide = plan(seed, { mem: "8G", vcpus: 8, threads: 2, reserve: [0, 1, 52] }).layout;
    expect(nodeWide.pinning?.vcpus?.[0]).toEqual({ node: 0, hostCpus: "2-25,53-77" });
  });

  it("--pin none leaves vCPUs unpinned", () => {
    expect(plan(seed, { mem: "8G", vcpus: 8, threads: 2, pin: "none" }).layout.pinning).toBeUndefined();
  });

  it("refuses one PU per vCPU when a node has too few, and a reserve of CPUs the host lacks", () => {
    const tooMany = planLayout(seed, { mem: "8G", vcpus: 104, threads: 2, pin: "cpu", reserve: [5] });
    expect(!tooMany.ok && tooMany.diagnostics[0]!.message).toMatch(/guest node 0 has 52 vCPUs but host node 0 has 51 CPUs left after --reserve/);
    const absent = planLayout(seed, { mem: "8G", vcpus: 8, threads: 2, reserve: [500] });
    expect(!absent.ok && absent.diagnostics[0]!.message).toMatch(/CPU 500, which bm-standard2-52 does not have/);
    const odd = planLayout(seed, { mem: "8G", vcpus: 6, threads: 2, mirrorSmp: true });
    expect(!odd.ok && odd.diagnostics[0]!.message).toMatch(/6 vCPUs cannot be 2 sockets of whole 2-thread cores/);
  });
});
