// What a run shows, as sentences a trainer can read out: where the touch_pages threads ran
// compared to their memory's node, which CPUs they were allowed, how much free memory each
// (lab) node lost, and how long one run took against another. Plain text: whoever shows it
// (terminal, HTML) escapes it.

import { formatIdList } from "../cpulist/cpulist";
import { humanSize } from "../size/size";
import { runTitle } from "./label";
import { TOUCH_PAGES, type RunRecord } from "./types";

const pct = (x: number) => `${Math.round(x * 100)} %`;
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const nodesText = (nodes: readonly number[]) => (nodes.length === 1 ? `node ${nodes[0]}` : `nodes ${nodes.join(", ")}`);

/** CPU → node, from the record's own topology, else from what its samples said. */
export function cpuNodes(r: Pick<RunRecord, "topology" | "samples">): Map<number, number> {
  const m = new Map<number, number>();
  if (r.topology) for (const c of r.topology.cpus) m.set(c.id, c.node);
  else r.samples.cpu.forEach((cpu, i) => m.set(cpu, r.samples.node[i] ?? -1));
  return m;
}

function onNode(r: RunRecord): string[] {
  const workers = r.threads.filter((t) => t.name === TOUCH_PAGES);
  if (workers.length === 0) {
    return r.outcome === "ok" ? ["No touch_pages thread was seen: with one preallocation thread QEMU populates the memory from its main thread."] : [];
  }
  const out: string[] = [];
  for (const b of r.backends) {
    const mine = workers.filter((t) => t.backend === b.id);
    if (mine.length === 0) continue;
    const samples = mine.reduce((a, t) => a + t.samples, 0);
    if (b.hostNodes.length === 0) {
      out.push(`${b.id}: ${mine.length} touch_pages thread${mine.length === 1 ? "" : "s"}, the memory bound to no node.`);
      continue;
    }
    const here = mine.reduce((a, t) => a + (t.locality ?? 0) * t.samples, 0);
    out.push(
      `${b.id} (memory on ${nodesText(b.hostNodes)}): ${pct(samples ? here / samples : 0)} of its ${mine.length} touch_pages thread${mine.length === 1 ? "'s" : "s'"} ${Math.round(samples)} samples were on ${nodesText(b.hostNodes)}${here < samples ? `; ${Math.round(samples - here)} were off-node` : ""}.`,
    );
  }
  if (out.length === 0) out.push(`${workers.length} touch_pages thread${workers.length === 1 ? "" : "s"} ran, for no backend that could be told.`);
  return out;
}

function allowed(r: RunRecord): string[] {
  const nodeOf = cpuNodes(r);
  const out: string[] = [];
  for (const b of r.backends) {
    const mine = r.threads.filter((t) => t.name === TOUCH_PAGES && t.backend === b.id && t.allowedCpus);
    const groups = new Map<string, number[]>();
    for (const t of mine) groups.set(formatIdList(t.allowedCpus!), t.allowedCpus!);
    for (const [list, cpus] of groups) {
      const n = mine.filter((t) => formatIdList(t.allowedCpus!) === list).length;
      const nodes = [...new Set(cpus.map((c) => nodeOf.get(c)).filter((x) => x !== undefined && x >= 0))].sort((a, c) => a! - c!) as number[];
      const confined = b.hostNodes.length > 0 && nodes.length > 0 && nodes.every((x) => b.hostNodes.includes(x));
      out.push(
        `${n} of ${b.id}'s touch_pages threads ${n === 1 ? "was" : "were"} allowed on CPUs ${list}${nodes.length ? ` (${nodesText(nodes)})` : ""}${b.hostNodes.length ? (confined ? `: confined to its memory's ${nodesText(b.hostNodes)}` : `: not confined to its memory's ${nodesText(b.hostNodes)}`) : ""}.`,
      );
    }
  }
  return out;
}

function freeDrop(r: RunRecord): string[] {
  if (!r.lab) return [];
  const drops = Object.keys(r.lab.freeBeforeKb)
    .filter((n) => r.lab!.freeAtPreallocKb[n] !== undefined)
    .map((n) => ({ node: Number(n), kb: r.lab!.freeBeforeKb[n]! - r.lab!.freeAtPreallocKb[n]! }))
    .sort((a, b) => b.kb - a.kb);
  if (drops.length === 0) return [];
  const [top, ...rest] = drops;
  // a node whose free memory grew (the guest's own page cache settling) says so, not "fell by -412 KiB"
  const others = rest.length ? `; ${rest.map((d) => (d.kb >= 0 ? `node ${d.node}'s by ${humanSize(d.kb * 1024)}` : `node ${d.node}'s rose by ${humanSize(-d.kb * 1024)}`)).join(", ")}` : "";
  return [`While preallocating, node ${top!.node}'s free memory fell by ${humanSize(Math.max(0, top!.kb) * 1024)}${others} (the lab guest's own count).`];
}

/** Sentences about one run. */
export function runEvidence(r: RunRecord): string[] {
  return [...onNode(r), ...allowed(r), ...freeDrop(r)];
}

/** Sentences across runs: each run's preallocation time against the first's. */
export function comparisonEvidence(runs: readonly RunRecord[]): string[] {
  const [first, ...rest] = runs;
  const base = first?.timings.preallocMs;
  if (!first || base === undefined || base <= 0) return [];
  return rest.flatMap((r) => {
    const ms = r.timings.preallocMs;
    if (ms === undefined) return [`"${runTitle(r)}" did not finish preallocating (${r.outcome}).`];
    const ratio = ms / base;
    const how = ratio < 1 ? `${(1 / ratio).toFixed(2)}× faster than` : ratio > 1 ? `${ratio.toFixed(2)}× the time of` : "as long as";
    return [`"${runTitle(r)}" preallocated in ${secs(ms)}: ${how} "${runTitle(first)}" (${secs(base)}).`];
  });
}
