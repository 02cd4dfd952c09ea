import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { predictPrealloc, DEFAULT_PARAMS, type ModelParams } from "./prealloc-model";
import { SEED_HOST_PARAMS } from "./published";
import { parseCommandLine } from "../qemu/parse";
import { planLayout } from "../plan/planner";
import { topologySchema, type HostTopology } from "../topology/schema";

const root = join(import.meta.dirname, "../..");
const seedHost: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/bm-standard2-52.json"), "utf8")));
const line = (f: string) => parseCommandLine(readFileSync(join(root, "shared/qemu/fixtures", f), "utf8")).layout;

describe("the preallocation model", () => {
  it("predicts the seed's two published lines on the seed host within 20 % (25.5 s and 10.6 s)", () => {
    const base = predictPrealloc(line("seed-baseline.sh"), seedHost, SEED_HOST_PARAMS).seconds;
    const fast = predictPrealloc(line("seed-fast.sh"), seedHost, SEED_HOST_PARAMS).seconds;
    expect(Math.abs(base - 25.482) / 25.482).toBeLessThan(0.2);
    expect(Math.abs(fast - 10.566) / 10.566).toBeLessThan(0.2);
  });

  it("runs the fast line's backends in one phase on QEMU 9+ and in two on 7.2, about twice as long", () => {
    const fast = line("seed-fast.sh");
    const v10 = predictPrealloc(fast, seedHost, SEED_HOST_PARAMS, "10.0.2");
    const v72 = predictPrealloc(fast, seedHost, SEED_HOST_PARAMS, "7.2.0");
    expect(v10.phases.length).toBe(1);
    expect(v72.phases.length).toBe(2);
    expect(v72.seconds / v10.seconds).toBeGreaterThan(1.8);
  });

  it("a split plan with 64 threads on QEMU 10 is predicted faster than the 16-thread plan, and no faster on 7.2", () => {
    const plan = (threads: number, v: string) => {
      const r = planLayout(seedHost, { mem: "256G", vcpus: 104, threads, qemuVersion: v });
      if (!r.ok) throw new Error("plan failed");
      return predictPrealloc(r.layout, seedHost, SEED_HOST_PARAMS, v).seconds;
    };
    expect(plan(64, "10.0.2")).toBeLessThan(plan(16, "10.0.2") * 0.6);
    expect(plan(64, "7.2.0")).toBeGreaterThanOrEqual(plan(32, "7.2.0") * 0.99);
  });

  it("the node bandwidth ceiling caps what more workers give", () => {
    const capped: ModelParams = { ...DEFAULT_PARAMS, nodeGiBps: 2 };
    const r = planLayout(seedHost, { mem: "16G", vcpus: 2, threads: 16, nodes: [0] });
    if (!r.ok) throw new Error("plan failed");
    const s = predictPrealloc(r.layout, seedHost, capped, "10.0.2").seconds;
    expect(s).toBeCloseTo(DEFAULT_PARAMS.startupMs / 1000 + 16 / 2, 5);
  });
});
