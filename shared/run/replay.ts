// A saved run played back through the live view: the events the run sent while it went
// (samples in batches, bytes populated, preallocation done), rebuilt from its record with the
// time each happened, so a class can watch a run without the machine that ran it.

import { unpackSamples } from "./summarize";
import type { RunRecord, Sample } from "./types";

/** The speeds a replay offers: real time, and faster for long runs. */
export const REPLAY_SPEEDS = [1, 2, 4, 10] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** What the live view receives, as a live run's events carry it (shared/api/contract.ts RunStreamEvent, without the run id). */
export type ReplayEvent = { type: "samples"; samples: Sample[] } | { type: "populated"; t: number; bytes: Record<string, number> } | { type: "prealloc-done"; ms: number };

export interface ReplayStep {
  /** ms since spawn, in the run's own time */
  atMs: number;
  event: ReplayEvent;
}

/** A live run sends its samples in batches about this far apart (the sampler's flush). */
const BATCH_MS = 50;

/** The run's events in the order and at the times they happened. */
export function replayTimeline(r: RunRecord): ReplayStep[] {
  const steps: ReplayStep[] = [];
  const samples = unpackSamples(r)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.t - b.s.t || a.i - b.i)
    .map((x) => x.s);
  let batch: Sample[] = [];
  let batchEnd = BATCH_MS;
  for (const s of samples) {
    if (s.t >= batchEnd && batch.length > 0) {
      steps.push({ atMs: batchEnd, event: { type: "samples", samples: batch } });
      batch = [];
    }
    while (s.t >= batchEnd) batchEnd += BATCH_MS;
    batch.push(s);
  }
  if (batch.length > 0) steps.push({ atMs: batchEnd, event: { type: "samples", samples: batch } });
  if (r.populated) {
    const ids = Object.keys(r.populated.bytes);
    r.populated.t.forEach((t, k) => steps.push({ atMs: t, event: { type: "populated", t, bytes: Object.fromEntries(ids.map((id) => [id, r.populated!.bytes[id]![k] ?? 0])) } }));
  }
  if (r.timings.preallocMs !== undefined && r.outcome !== "cancelled") steps.push({ atMs: r.timings.preallocMs, event: { type: "prealloc-done", ms: r.timings.preallocMs } });
  // stable: at one time, samples before the marker, as a live run sends them
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.atMs - b.s.atMs || a.i - b.i)
    .map((x) => x.s);
}

/** How long the replay lasts in the run's time: until QEMU exited, or the last event. */
export function replayEndMs(r: RunRecord, steps: readonly ReplayStep[] = replayTimeline(r)): number {
  return Math.max(r.timings.totalMs, steps.at(-1)?.atMs ?? 0);
}

/** The steps due at `ms` of the run's time, from index `from`; returns the next index. */
export function dueSteps(steps: readonly ReplayStep[], from: number, ms: number, take: (e: ReplayEvent) => void): number {
  let i = from;
  while (i < steps.length && steps[i]!.atMs <= ms) take(steps[i++]!.event);
  return i;
}
