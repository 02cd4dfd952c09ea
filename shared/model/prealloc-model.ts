// How long QEMU takes to preallocate a layout's memory, predicted from a few numbers per host.
//
// The model, phase by phase (QEMU's order, shared/qemu/prealloc-rules.ts preallocPhases):
//   - a worker faults memory in at `workerGiBps[page kind]` (4 KiB pages, 2 MiB THP or huge
//     pages, 1 GiB huge pages); QEMU's main thread, when it populates alone, at the same rate;
//   - a backend's workers run on its context's node; without a context the scheduler spreads
//     them over the whole host, so with N nodes a share (N-1)/N of their pages is written from
//     another node, each such page `remotePenalty` times slower;
//   - workers on one node share its CPUs (no more run at once than it has) and the memory
//     written to one node cannot come in faster than `nodeGiBps` (its bandwidth ceiling);
//   - backends of one phase run together (QEMU >= 9.0 with contexts); phases add up; QEMU's
//     start-up to the QMP greeting (`startupMs`) comes once.
// Parameters come from `numadesk calibrate` on this host, and for the sample hosts from
// published figures (shared/model/published.ts).

import type { Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import { backendBytes, backendPageSize } from "../qemu/prealloc";
import { preallocPhases, preallocPlan, type KernelFacts } from "../qemu/prealloc-rules";
import { idList } from "../cpulist/cpulist";
import { GiB, MiB } from "../size/size";

export const PAGE_KINDS = ["4k", "2m", "1g"] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

export interface ModelParams {
  /** where the numbers come from: "calibrated on this host 2026-11-25", "published: …" */
  source: string;
  startupMs: number;
  /** one worker's fault-in rate, GiB/s, by page size */
  workerGiBps: Record<PageKind, number>;
  /** the most one node takes in, GiB/s (Infinity: not reached in calibration) */
  nodeGiBps: number;
  /** time factor for pages written from another node (1: no penalty) */
  remotePenalty: number;
  /** the page size anonymous memory (ram, memfd without hugetlb) gets: "2m" where THP is on */
  anonPages: PageKind;
  /** the QEMU version assumed when none is given (the published run's) */
  qemuVersion?: string;
  /** median |predicted - measured| / measured over the runs that checked it */
  medianError?: number;
  checkedRuns?: number;
}

export interface Prediction {
  seconds: number;
  /** per phase: backends and seconds */
  phases: Array<{ backends: string[]; seconds: number }>;
  qemuVersion?: string;
  /** what the prediction assumed */
  notes: string[];
}

function pageKind(bytes: number): PageKind {
  return bytes >= GiB ? "1g" : bytes >= 2 * MiB ? "2m" : "4k";
}

/** Seconds QEMU takes to preallocate `layout` on `host`, with parameters `p`. */
export function predictPrealloc(layout: Layout, host: HostTopology, p: ModelParams, qemuVersion?: string, kernel: KernelFacts = {}): Prediction {
  const version = qemuVersion ?? p.qemuVersion;
  const notes: string[] = [];
  if (!qemuVersion && p.qemuVersion) notes.push(`assumes QEMU ${p.qemuVersion}, the version of the figures the model was calibrated on`);
  if (!version) notes.push("QEMU version unknown: backends assumed one after another");
  const online = host.cpus.filter((c) => c.online);
  const cpusOfNode = new Map(host.nodes.map((n) => [n.id, online.filter((c) => c.node === n.id).length]));
  const plan = preallocPlan(layout, version, online.length, kernel);
  const byId = new Map(layout.backends.map((b) => [b.id, b]));
  const ctxNode = new Map(layout.threadContexts.map((t) => [t.id, t.nodeAffinity !== undefined ? idList(t.nodeAffinity)[0] : undefined]));
  const phases = preallocPhases(plan).map((phase) => {
    // per target node: bytes, and the demand of the workers writing there
    const perNode = new Map<number, { bytes: number; gibps: number }>();
    const workersOnNode = new Map<number, number>();
    const items = phase.map((b) => {
      const be = byId.get(b.id)!;
      const bytes = backendBytes(be);
      const kind = be.hugetlb ? pageKind(backendPageSize(be)) : p.anonPages;
      const target = idList(be.hostNodes)[0];
      const runsOn = be.preallocContext !== undefined ? ctxNode.get(be.preallocContext) : undefined;
      const workers = Math.max(1, b.workers);
      // without a context, workers run anywhere: a share of their writes crosses nodes
      const remoteShare = runsOn === undefined ? (host.nodes.length > 1 ? (host.nodes.length - 1) / host.nodes.length : 0) : runsOn === target || target === undefined ? 0 : 1;
      const perWorker = p.workerGiBps[kind] / (1 + remoteShare * (p.remotePenalty - 1));
      if (runsOn !== undefined) workersOnNode.set(runsOn, (workersOnNode.get(runsOn) ?? 0) + workers);
      return { b, bytes, workers, perWorker, runsOn, target };
    });
    for (const it of items) {
      // workers of one context node share its CPUs; unbound ones share all the host's
      const cpus = it.runsOn !== undefined ? (cpusOfNode.get(it.runsOn) ?? 1) : online.length;
      const crowd = it.runsOn !== undefined ? (workersOnNode.get(it.runsOn) ?? it.workers) : it.workers;
      const share = Math.min(1, cpus / crowd);
      const gibps = it.workers * share * it.perWorker;
      const key = it.target ?? -1;
      const cur = perNode.get(key) ?? { bytes: 0, gibps: 0 };
      perNode.set(key, { bytes: cur.bytes + it.bytes, gibps: cur.gibps + gibps });
    }
    let seconds = 0;
    for (const [, n] of perNode) seconds = Math.max(seconds, n.bytes / GiB / Math.min(n.gibps, p.nodeGiBps));
    return { backends: phase.map((b) => b.id), seconds };
  });
  const seconds = p.startupMs / 1000 + phases.reduce((a, ph) => a + ph.seconds, 0);
  return { seconds, phases, ...(version ? { qemuVersion: version } : {}), notes };
}

/** "predicted 10.6 s (model error on this host's last runs: ±12 %)" */
export function formatPrediction(pr: Prediction, p: ModelParams): string {
  const s = pr.seconds >= 10 ? pr.seconds.toFixed(1) : pr.seconds >= 1 ? pr.seconds.toFixed(2) : pr.seconds.toFixed(3);
  const err = p.medianError !== undefined ? ` (model error on this host's last ${p.checkedRuns ?? ""} runs: ±${Math.round(p.medianError * 100)} %)`.replace("last  runs", "last runs") : "";
  return `predicted ${s} s${err}; ${p.source}`;
}

/** Uncalibrated starting values: this kind of 2-CPU VM, warm memory (DESIGN.md's measurements). */
export const DEFAULT_PARAMS: ModelParams = {
  source: "default parameters (run numadesk calibrate on this host)",
  startupMs: 40,
  workerGiBps: { "4k": 1.0, "2m": 2.0, "1g": 4.0 },
  nodeGiBps: Number.POSITIVE_INFINITY,
  remotePenalty: 1.4,
  anonPages: "2m",
};
