// Presenter mode's stories: one run (or the runs side by side) at a time, each with a caption
// of what to look at, computed from the records' own evidence — where the touch_pages workers
// ran against their memory's node, which CPUs they were allowed, how long it took — never
// written for one demo. Plain text: the view shows it.

import { formatIdList } from "../cpulist/cpulist";
import { humanSize } from "../size/size";
import { comparisonEvidence, cpuNodes, runEvidence } from "./evidence";
import { runTitle } from "./label";
import { TOUCH_PAGES, type BackendRun, type RunRecord } from "./types";

export interface Story {
  /** "1. Without a thread-context the workers …" */
  caption: string;
  /** the runs this story shows (indexes into the runs given) */
  runs: number[];
  /** the evidence sentences under the caption */
  evidence: string[];
}

const pct = (x: number) => `${Math.round(x * 100)} %`;
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const nodesText = (nodes: readonly number[]) => (nodes.length === 1 ? `node ${nodes[0]}` : `nodes ${nodes.join(", ")}`);
const nodesPossessive = (nodes: readonly number[]) => (nodes.length === 1 ? `node ${nodes[0]}'s` : `nodes ${nodes.join(", ")}'`);

/** How the run preallocated: in a context (on which nodes), partly, or not. */
function lead(r: RunRecord): string {
  const pre = r.layout.backends.filter((b) => b.prealloc);
  const contexts = new Set(pre.flatMap((b) => (b.preallocContext ? [b.preallocContext] : [])));
  if (contexts.size === 0) return "Without a thread-context";
  const on = [...contexts]
    .map((id) => r.layout.threadContexts.find((t) => t.id === id))
    .flatMap((t) => (t?.nodeAffinity !== undefined ? [t.nodeAffinity] : t?.cpuAffinity !== undefined ? [`CPUs ${t.cpuAffinity}`] : []));
  const where = on.length ? ` on ${on.every((x) => /^\d+$/.test(x)) ? nodesText(on.map(Number)) : on.join(", ")}` : "";
  const all = pre.every((b) => b.preallocContext !== undefined);
  return all ? `With a thread-context${where}` : `With a thread-context${where} for some backends only`;
}

/** The backend whose workers tell the most: the one with the most worker samples. */
function mainBackend(r: RunRecord): { b: BackendRun; workers: RunRecord["threads"] } | undefined {
  let best: { b: BackendRun; workers: RunRecord["threads"]; n: number } | undefined;
  for (const b of r.backends) {
    const workers = r.threads.filter((t) => t.name === TOUCH_PAGES && t.backend === b.id);
    const n = workers.reduce((a, t) => a + t.samples, 0);
    if (n > 0 && (!best || n > best.n)) best = { b, workers, n };
  }
  return best;
}

function workersText(n: number): string {
  return n === 1 ? "the worker" : n === 2 ? "both workers" : `the ${n} workers`;
}

/** What one run shows, as one sentence (without its number). */
export function runCaption(r: RunRecord): string {
  if (r.outcome !== "ok" && r.timings.preallocMs === undefined)
    return `${runTitle(r)}: the run ${r.outcome === "cancelled" ? "was cancelled" : r.outcome === "timeout" ? "timed out" : "failed"} before preallocation finished${r.error ? ` (${r.error})` : ""}.`;
  const main = mainBackend(r);
  const took = r.timings.preallocMs !== undefined ? ` Preallocating ${humanSize(r.memory.preallocBytes)} took ${secs(r.timings.preallocMs)}.` : "";
  if (!main) {
    const any = r.threads.some((t) => t.name === TOUCH_PAGES);
    return `${lead(r)}: ${any ? "the touch_pages workers could not be tied to a backend" : "no touch_pages worker was seen (with one preallocation thread QEMU populates the memory from its main thread)"}.${took}`;
  }
  const { b, workers } = main;
  const mem = b.hostNodes;
  const samples = workers.reduce((a, t) => a + t.samples, 0);
  const perNode = new Map<number, number>();
  for (const t of workers) for (const [n, c] of Object.entries(t.nodes)) perNode.set(Number(n), (perNode.get(Number(n)) ?? 0) + c);
  const who = `${workersText(workers.length)} of ${b.id}`;
  let where: string;
  if (mem.length === 0) {
    const ranked = [...perNode.entries()].sort((x, y) => y[1] - x[1]);
    where = `${who} ran mostly on node ${ranked[0]![0]} (${pct(ranked[0]![1] / samples)} of their samples); the memory is bound to no node`;
  } else {
    const here = [...perNode.entries()].filter(([n]) => mem.includes(n)).reduce((a, [, c]) => a + c, 0);
    const away = [...perNode.entries()].filter(([n]) => !mem.includes(n) && n >= 0).sort((x, y) => y[1] - x[1]);
    const share = samples ? here / samples : 0;
    // where the workers started: the node of each one's first sample
    const starts = firstNodes(
      r,
      workers.map((t) => t.tid),
    );
    const startAway = starts.filter((n) => !mem.includes(n));
    if (share >= 0.95) where = `${who} ran on ${nodesText(mem)}, next to their memory (${pct(share)} of their samples)`;
    else {
      const awayNodes = away.map(([n]) => n);
      const startNodes = nodesText([...new Set(startAway)].sort((x, y) => x - y));
      const started =
        startAway.length === 0 ? "" : startAway.length === workers.length ? ` (they started there)` : ` (${startAway.length === 1 ? "one" : startAway.length} of them started on ${startNodes})`;
      where = `${who} spent ${pct(1 - share)} of their samples on ${nodesText(awayNodes)}${started}, touching ${nodesPossessive(mem)} memory from afar`;
    }
  }
  const allowed = allowedText(r, b, workers);
  return `${lead(r)} ${where}${allowed}.${took}`;
}

function firstNodes(r: RunRecord, tids: number[]): number[] {
  const first = new Map<number, { t: number; node: number }>();
  r.samples.tid.forEach((tid, i) => {
    if (!tids.includes(tid)) return;
    const t = r.samples.t[i]!;
    const f = first.get(tid);
    if (!f || t < f.t) first.set(tid, { t, node: r.samples.node[i]! });
  });
  return [...first.values()].map((f) => f.node);
}

function allowedText(r: RunRecord, b: BackendRun, workers: RunRecord["threads"]): string {
  const lists = [...new Set(workers.flatMap((t) => (t.allowedCpus ? [formatIdList(t.allowedCpus)] : [])))];
  if (lists.length !== 1) return "";
  const cpus = workers.find((t) => t.allowedCpus)!.allowedCpus!;
  const nodeOf = cpuNodes(r);
  const nodes = [...new Set(cpus.map((c) => nodeOf.get(c) ?? -1).filter((n) => n >= 0))].sort((x, y) => x - y);
  const confined = b.hostNodes.length > 0 && nodes.length > 0 && nodes.every((n) => b.hostNodes.includes(n));
  return confined
    ? `; they were allowed only on ${nodesPossessive(b.hostNodes)} CPUs (${lists[0]})`
    : `; they were allowed on CPUs ${lists[0]}${nodes.length ? ` (${nodesText(nodes)})` : ""}, so the scheduler could put them anywhere there`;
}

/** The share of worker samples on their backend's nodes, over the whole run. */
function onNodeShare(r: RunRecord): number | undefined {
  let here = 0;
  let all = 0;
  for (const t of r.threads) {
    if (t.name !== TOUCH_PAGES || t.locality === undefined) continue;
    here += t.locality * t.samples;
    all += t.samples;
  }
  return all > 0 ? here / all : undefined;
}

/** The side-by-side sentence: time ratio and on-node share, first run against each other. */
export function pairCaption(runs: readonly RunRecord[]): string {
  const [first, ...rest] = runs;
  if (!first) return "";
  const parts = rest.map((r) => {
    const a = first.timings.preallocMs;
    const bMs = r.timings.preallocMs;
    const time =
      a !== undefined && bMs !== undefined && a > 0
        ? bMs < a
          ? `"${runTitle(r)}" preallocated in ${secs(bMs)} against ${secs(a)}: ${(a / bMs).toFixed(2)}× faster`
          : bMs > a
            ? `"${runTitle(r)}" took ${secs(bMs)} against ${secs(a)}: ${(bMs / a).toFixed(2)}× the time`
            : `"${runTitle(r)}" took as long (${secs(a)})`
        : `"${runTitle(r)}" did not finish preallocating (${r.outcome})`;
    const s0 = onNodeShare(first);
    const s1 = onNodeShare(r);
    const share = s0 !== undefined && s1 !== undefined && Math.round(s0 * 100) !== Math.round(s1 * 100) ? `; the workers' samples next to their memory went from ${pct(s0)} to ${pct(s1)}` : "";
    return time + share;
  });
  return `Side by side, on one time scale: ${parts.join("; ")}.`;
}

/** The stories for runs a presenter steps through: each run, then all of them side by side. */
export function presenterStories(runs: readonly RunRecord[]): Story[] {
  const stories: Story[] = runs.map((r, i) => ({ caption: runCaption(r), runs: [i], evidence: runEvidence(r) }));
  if (runs.length >= 2) stories.push({ caption: pairCaption(runs), runs: runs.map((_, i) => i), evidence: comparisonEvidence(runs) });
  return stories.map((s, i) => ({ ...s, caption: `${i + 1}. ${s.caption}` }));
}
