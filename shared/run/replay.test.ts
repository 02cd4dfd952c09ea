import { describe, expect, it } from "vitest";
import { dueSteps, replayEndMs, replayTimeline, type ReplayEvent } from "./replay";
import { minimalRecord, workerSample } from "./minimal-record";
import type { RunRecord, Sample } from "./types";

const record = (samples: Sample[], extra: Partial<RunRecord> = {}): RunRecord => minimalRecord(samples, { timings: { preallocMs: 180, totalMs: 240 }, ...extra });
const s = (t: number, tid: number, cpu: number): Sample => workerSample(t, tid, cpu);

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
