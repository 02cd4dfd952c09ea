// From raw samples to what people ask about a run: per thread, where it ran and how much of
// the time on the node its memory belongs to; per backend, how many threads worked on it.
//
// Which backend a touch_pages thread served is not in /proc. Before QEMU 9.0 backends are
// preallocated one after another in command-line order, each by a fresh batch of threads, and
// Linux hands out thread ids in increasing order: so the touch_pages threads, by tid, are the
// first backend's batch, then the second's. With parallel preallocation (QEMU ≥ 9.0) the
// batches overlap in time but are still created backend by backend.

import { preallocPlan } from "../qemu/prealloc-rules";
import type { Layout } from "../layout/schema";
import { backendBytes, preallocThreads } from "../qemu/prealloc";
import { idList } from "../cpulist/cpulist";
import { TOUCH_PAGES, type BackendRun, type RunRecord, type Sample, type ThreadSummary } from "./types";

export interface SummaryInput {
  layout: Layout;
  /** backend ids in the order QEMU creates them (their order on the command line) */
  backendOrder: string[];
  samples: Sample[];
  /** online host CPUs, for QEMU's thread clamp */
  hostOnlineCpus: number;
  /** the QEMU that ran: from 9.0 a one-worker backend with a context still gets its thread */
  qemuVersion?: string;
}

export function summarizeThreads(samples: readonly Sample[]): ThreadSummary[] {
  const byTid = new Map<number, ThreadSummary & { cpuSet: Set<number>; ranUs: number }>();
  for (const s of samples) {
    let t = byTid.get(s.tid);
    if (!t) {
      t = { tid: s.tid, name: s.name, firstMs: s.t, lastMs: s.t, samples: 0, cpus: [], nodes: {}, states: {}, cpuTimeMs: 0, cpuSet: new Set(), ranUs: 0 };
      byTid.set(s.tid, t);
    }
    // A thread's name changes after the first looks (it starts with its creator's name, and
    // QEMU names it after creating it): the last one is the real one.
    t.name = s.name;
    t.lastMs = s.t;
    t.samples++;
    t.cpuSet.add(s.cpu);
    t.nodes[s.node] = (t.nodes[s.node] ?? 0) + 1;
    t.states[s.state] = (t.states[s.state] ?? 0) + 1;
    t.ranUs += s.ranUs;
  }
  return [...byTid.values()].sort((a, b) => a.tid - b.tid).map(({ cpuSet, ranUs, ...t }) => ({ ...t, cpus: [...cpuSet].sort((a, b) => a - b), cpuTimeMs: Math.round(ranUs / 10) / 100 }));
}

/**
 * Which backend each touch_pages thread served: thread ids in creation order, taken in
 * batches of each backend's expected thread count, backends in command-line order.
 */
export function assignThreads(tids: readonly number[], layout: Layout, backendOrder: readonly string[], hostOnlineCpus: number, qemuVersion?: string): Map<number, string> {
  const sorted = [...new Set(tids)].sort((a, b) => a - b);
  const out = new Map<number, string>();
  // QEMU creates each backend's workers while it creates the backend, in command-line order
  // (also the parallel ones, which only start later): tids ascend backend by backend.
  const seen = new Map(preallocPlan(layout, qemuVersion, hostOnlineCpus).map((p) => [p.id, p.threadsSeen]));
  let next = 0;
  for (const id of backendOrder) {
    const b = layout.backends.find((x) => x.id === id);
    if (!b || !b.prealloc) continue;
    const expected = seen.get(id) ?? 0;
    if (expected < 1) continue;
    for (const tid of sorted.slice(next, next + expected)) out.set(tid, id);
    next += expected;
  }
  return out;
}

export function summarizeRun(input: SummaryInput): { threads: ThreadSummary[]; backends: BackendRun[] } {
  const threads = summarizeThreads(input.samples);
  const byId = new Map(input.layout.backends.map((b) => [b.id, b]));
  const ordered = input.backendOrder.map((id) => byId.get(id)).filter((b) => b !== undefined);
  const workers = threads.filter((t) => t.name === TOUCH_PAGES);
  const owner = assignThreads(
    workers.map((t) => t.tid),
    input.layout,
    input.backendOrder,
    input.hostOnlineCpus,
    input.qemuVersion,
  );
  const backends: BackendRun[] = ordered.map((b) => {
    const hostNodes = idList(b.hostNodes);
    const expected = b.prealloc ? preallocThreads(b, input.layout, input.hostOnlineCpus).effective : 0;
    // With one thread QEMU populates from its main thread: no touch_pages thread appears.
    const mine = workers.filter((t) => owner.get(t.tid) === b.id);
    let onNode = 0;
    let total = 0;
    for (const t of mine) {
      t.backend = b.id;
      const here = hostNodes.reduce((a, n) => a + (t.nodes[n] ?? 0), 0);
      if (hostNodes.length > 0 && t.samples > 0) t.locality = here / t.samples;
      onNode += here;
      total += t.samples;
    }
    const run: BackendRun = { id: b.id, bytes: backendBytes(b), hostNodes, expectedThreads: expected, seenThreads: mine.length };
    if (hostNodes.length > 0 && total > 0) run.locality = onNode / total;
    if (mine.length > 0) {
      run.firstMs = Math.min(...mine.map((t) => t.firstMs));
      run.lastMs = Math.max(...mine.map((t) => t.lastMs));
    }
    return run;
  });
  return { threads, backends };
}

/** Samples in the record's column form. */
export function packSamples(samples: readonly Sample[]): RunRecord["samples"] {
  return {
    t: samples.map((s) => Math.round(s.t * 100) / 100),
    tid: samples.map((s) => s.tid),
    cpu: samples.map((s) => s.cpu),
    node: samples.map((s) => s.node),
    state: samples.map((s) => (s.state || "?")[0]).join(""),
    ranUs: samples.map((s) => Math.round(s.ranUs)),
  };
}

/** Samples back from the column form, names from the thread table. */
export function unpackSamples(record: Pick<RunRecord, "samples" | "threads">): Sample[] {
  const names = new Map(record.threads.map((t) => [t.tid, t.name]));
  const s = record.samples;
  return s.t.map((t, i) => ({ t, tid: s.tid[i]!, name: names.get(s.tid[i]!) ?? "?", cpu: s.cpu[i]!, node: s.node[i]!, state: s.state[i] ?? "?", ranUs: s.ranUs[i] ?? 0 }));
}
