import { describe, expect, it } from "vitest";
import { dueSteps, replayEndMs, replayTimeline, type ReplayEvent } from "./replay";
import { packSamples } from "./summarize";
import type { RunRecord, Sample } from "./types";

function record(samples: Sample[], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    version: 2,
    id: "r",
    kind: "host",
    startedAt: "2026-11-25T20:00:00.000Z",
    layout: { version: 2, memory: { size: "256M" }, nodes: [], distances: [], threadContexts: [], backends: [], args: [] },
    argv: [],
    dropped: [],
    qemu: { binary: "q", version: "7.2.22" },
    host: { name: "h", fingerprint: "f", nodes: 1, cpus: 2 },
    outcome: "ok",
    timings: { preallocMs: 180, totalMs: 240 },
    memory: { preallocBytes: 0 },
    sampler: { rateHz: 200, ticks: 0, missedTicks: 0, cpuPercent: 0 },
    threads: [...new Set(samples.map((s) => s.tid))].map((tid) => ({ tid, name: "touch_pages", firstMs: 0, lastMs: 0, samples: 0, cpus: [], nodes: {}, states: {}, cpuTimeMs: 0 })),
    backends: [],
    samples: packSamples(samples),
    ...extra,
  };
}

const s = (t: number, tid: number, cpu: number): Sample => ({ t, tid, name: "touch_pages", cpu, node: 0, state: "R", ranUs: 10 });

describe("a replay", () => {
  it("gives back every sample of the record, in time order, with the populated counters and the marker in between", () => {
    const r = record([s(5, 1, 0), s(5, 2, 1), s(60, 1, 1), s(130, 2, 0)], { populated: { t: [40, 120, 175], bytes: { m0: [10, 100, 256] } } });
    const steps = replayTimeline(r);
    const seen: ReplayEvent[] = [];
    let i = dueSteps(steps, 0, 100, (e) => seen.push(e));
    expect(seen.map((e) => e.type)).toEqual(["populated", "samples", "samples"]);
    expect(seen.flatMap((e) => (e.type === "samples" ? e.samples.map((x) => x.t) : []))).toEqual([5, 5, 60]);
    i = dueSteps(steps, i, 1000, (e) => seen.push(e));
    expect(i).toBe(steps.length);
    expect(seen.map((e) => e.type)).toEqual(["populated", "samples", "samples", "populated", "samples", "populated", "prealloc-done"]);
    expect(seen[5]).toEqual({ type: "populated", t: 175, bytes: { m0: 256 } });
    expect(replayEndMs(r, steps)).toBe(240);
  });

  it("of a cancelled run has no marker", () => {
    const steps = replayTimeline(record([s(5, 1, 0)], { outcome: "cancelled" }));
    expect(steps.map((x) => x.event.type)).toEqual(["samples"]);
  });
});
