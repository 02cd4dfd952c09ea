// The seed's experiment on this host: the same memory preallocated by QEMU three ways —
// QEMU's defaults, the seed's baseline (threads, no context) and Numadesk's plan (threads +
// a thread-context per node) — alternated A B C A B C so drift hits all alike, next to the
// host's own limit for the same kind of memory measured in the same run.

import type { HostTopology } from "../../shared/topology/schema";
import type { Layout } from "../../shared/layout/schema";
import { planLayout } from "../../shared/plan/planner";
import { spreadOf, type Spread } from "../../shared/bench/stats";
import { formatSize, humanSize, MiB } from "../../shared/size/size";
import { onlineCpuCount } from "../../shared/topology/query";
import { runPrealloc } from "../qemu/launch";
import { probeQemu } from "../qemu/discover";
import { backendBytes } from "../../shared/qemu/prealloc";
import { memAvailable } from "../run/meminfo";
import { populate, populateBinary, type MemoryKind } from "./populate";
import type { RunRecord } from "../../shared/run/types";

/** Ctrl-C during a benchmark: the user's choice, not a bug. */
export class BenchCancelled extends Error {
  override name = "BenchCancelled";
}

export interface BenchOptions {
  host: HostTopology;
  /** bytes to preallocate (default: a quarter of MemAvailable, at most 2 GiB) */
  bytes?: number;
  runs?: number;
  /** preallocation threads for the whole VM (default: online CPUs) */
  threads?: number;
  qemu?: string;
  /** several binaries: each variant runs with each, alternated (numadesk bench --qemu A --qemu B) */
  qemus?: string[];
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface VariantResult {
  name: string;
  description: string;
  kind: "qemu" | "host-limit";
  ms: number[];
  stats?: Spread;
  gibPerS?: number;
  /** median time / the first variant's median time */
  ratio?: number;
  /** the page size the memory got, from the process's own smaps */
  pages: string;
  errors: string[];
}

export interface BenchReport {
  version: 1;
  startedAt: string;
  host: { name: string; nodes: number; cpus: number };
  qemu?: string;
  /** the binaries compared, when several */
  qemus?: Array<{ path: string; version: string }>;
  bytes: number;
  threads: number;
  runs: number;
  order: string[];
  variants: VariantResult[];
  notes: string[];
}

interface Variant {
  name: string;
  description: string;
  run: () => Promise<{ ms?: number; pages: string; error?: string }>;
}

export function defaultBenchBytes(host: HostTopology, available = memAvailable()): number {
  const nodes = Math.max(1, host.nodes.filter((n) => n.cpus.length > 0 && n.memTotal > 0).length);
  const unit = 2 * MiB * nodes;
  const quarter = Math.floor((available ?? 2 ** 31) / 4);
  return Math.max(unit, Math.floor(Math.min(quarter, 2 ** 31) / unit) * unit);
}

function pagesOf(anonHuge: number | undefined, hugetlb: number | undefined, bytes: number): string {
  if ((hugetlb ?? 0) > 0) return `hugetlb ${Math.round(((hugetlb ?? 0) / bytes) * 100)} %`;
  const share = Math.min(1, (anonHuge ?? 0) / bytes);
  return share >= 0.995 ? "2 MiB THP" : share <= 0.005 ? "4 KiB" : `2 MiB THP ${Math.round(share * 100)} %, rest 4 KiB`;
}

function qemuVariant(name: string, description: string, layout: Layout, opts: BenchOptions, bytes: number, seen: { version?: string }, qemu = opts.qemu): Variant {
  return {
    name,
    description,
    run: async () => {
      const r: RunRecord = await runPrealloc(layout, { host: opts.host, ...(qemu ? { qemu } : {}), ...(opts.signal ? { signal: opts.signal } : {}), rateHz: 100, label: `bench ${name}` });
      seen.version = r.qemu.version;
      if (r.outcome !== "ok") return { pages: "–", error: r.error ?? r.outcome };
      return { ms: r.timings.preallocMs!, pages: pagesOf(r.memory.anonHugeBytes, r.memory.hugetlbBytes, bytes) };
    },
  };
}

/** Each backend of `layout` as two backends of half its size and half its threads (at least 1), as two guest nodes. */
export function splitInTwo(layout: Layout): Layout {
  const out: Layout = structuredClone(layout);
  out.nodes = [];
  out.backends = [];
  out.distances = [];
  for (const [g, node] of layout.nodes.entries()) {
    const b = layout.backends.find((x) => x.id === node.memdev);
    if (!b) continue;
    const half = backendBytes(b) / 2;
    const threads = Math.max(1, Math.floor((b.preallocThreads ?? 2) / 2));
    for (let j = 0; j < 2; j++) {
      const id = `${b.id}${"ab"[j]}`;
      out.backends.push({ ...b, id, size: formatSize(half), ...(b.prealloc ? { preallocThreads: threads } : {}) });
      const guest = { nodeid: out.nodes.length, memdev: id, ...(j === 0 && node.cpus ? { cpus: node.cpus } : {}) };
      out.nodes.push(guest);
    }
    void g;
  }
  // every pair of guest nodes needs a distance once any is given: halves 11 apart, others as before
  const hostOf = out.backends.map((b) => b.hostNodes);
  for (let a = 0; a < out.nodes.length; a++) for (let c = a + 1; c < out.nodes.length; c++) out.distances.push({ src: a, dst: c, val: hostOf[a] === hostOf[c] ? 11 : 21 });
  return out;
}

export async function benchPrealloc(opts: BenchOptions): Promise<BenchReport> {
  const host = opts.host;
  const cpus = onlineCpuCount(host);
  const bytes = opts.bytes ?? defaultBenchBytes(host);
  const threads = opts.threads ?? cpus;
  const runs = opts.runs ?? 3;
  const notes: string[] = [];
  const planned = planLayout(host, { mem: formatSize(bytes, "M"), vcpus: cpus, threads });
  if (!planned.ok) throw new Error(planned.diagnostics.map((d) => d.message).join("; "));
  notes.push(...planned.notes);
  const plan = planned.layout;
  // The seed's baseline: the same threads, no context.
  const baseline: Layout = structuredClone(plan);
  baseline.threadContexts = [];
  baseline.backends.forEach((b) => delete b.preallocContext);
  // QEMU's defaults: prealloc=on and nothing else (threads = the -smp CPU count since 7.1).
  const qemuDefault: Layout = structuredClone(baseline);
  qemuDefault.backends.forEach((b) => delete b.preallocThreads);

  const seen: { version?: string } = {};
  // Two backends per node, each with half the node's threads and a context: QEMU >= 9.0 runs
  // both halves at once, older QEMU one after the other (shared/qemu/prealloc-rules.ts).
  const twoBackends = splitInTwo(plan);
  const twoThreads = twoBackends.backends[0]?.preallocThreads ?? 1;
  let variants: Variant[];
  const qemus = opts.qemus ?? [];
  const versions: Array<{ path: string; version: string }> = [];
  if (qemus.length >= 2) {
    variants = [];
    for (const q of qemus) versions.push({ path: q, version: (await probeQemu(q)).version });
    // the same experiment with each binary: its plan, and the two-backend variant
    for (const q of versions) variants.push(qemuVariant(`plan@${q.version}`, `Numadesk's plan on QEMU ${q.version}`, plan, opts, bytes, seen, q.path));
    for (const q of versions)
      variants.push(
        qemuVariant(`2-backends@${q.version}`, `2 backends per node, ${twoThreads} worker${twoThreads > 1 ? "s" : ""} each, contexts, on QEMU ${q.version}`, twoBackends, opts, bytes, seen, q.path),
      );
  } else {
    variants = [
      qemuVariant("qemu-default", `prealloc=on, QEMU's default thread count (-smp ${cpus})`, qemuDefault, opts, bytes, seen),
      qemuVariant("seed-baseline", `prealloc-threads per backend, no thread-context`, baseline, opts, bytes, seen),
      qemuVariant("numadesk-plan", `prealloc-threads + a thread-context per node`, plan, opts, bytes, seen),
      qemuVariant(
        "2-backends",
        `2 backends per node, ${twoThreads} worker${twoThreads > 1 ? "s" : ""} each, contexts (parallel on QEMU >= 9.0)`,
        twoBackends,
        opts,
        bytes,
        seen,
        qemus[0] ?? opts.qemu,
      ),
    ];
  }
  const helper = populateBinary();
  if ("path" in helper) {
    const kinds: Array<[MemoryKind, string]> = [
      ["anon-thp", "the kernel alone: MADV_POPULATE_WRITE, transparent huge pages (as QEMU's ram backend asks)"],
      ["anon-4k", "the kernel alone: MADV_POPULATE_WRITE, 4 KiB pages"],
    ];
    for (const [kind, description] of kinds) {
      variants.push({
        name: `host-limit-${kind}`,
        description: `${description}, ${cpus} threads`,
        run: async () => {
          const r = populate(helper.path, kind, bytes, cpus);
          if ("error" in r) return { pages: "–", error: r.error };
          return { ms: r.ms, pages: pagesOf(r.anonHugeBytes, r.hugetlbBytes, bytes) };
        },
      });
    }
  } else notes.push(`host limit not measured: ${helper.error}`);

  const results = new Map(variants.map((v) => [v.name, { ms: [] as number[], pages: new Set<string>(), errors: [] as string[] }]));
  const order: string[] = [];
  // One untimed round first: the first touch of memory the outer host has not backed recently
  // is several times slower than later ones.
  for (let round = 0; round <= runs; round++) {
    for (const v of variants) {
      if (opts.signal?.aborted) throw new BenchCancelled("the benchmark was cancelled");
      opts.onProgress?.(round === 0 ? `warm-up: ${v.name}` : `run ${round}/${runs}: ${v.name}`);
      const r = await v.run();
      if (round === 0) continue;
      order.push(v.name);
      const slot = results.get(v.name)!;
      if (r.error) slot.errors.push(r.error);
      if (r.ms !== undefined) slot.ms.push(r.ms);
      slot.pages.add(r.pages);
    }
  }
  const first = spreadOf(results.get(variants[0]!.name)!.ms)?.median;
  const out: VariantResult[] = variants.map((v) => {
    const slot = results.get(v.name)!;
    const stats = spreadOf(slot.ms);
    const res: VariantResult = {
      name: v.name,
      description: v.description,
      kind: v.name.startsWith("host-limit") ? "host-limit" : "qemu",
      ms: slot.ms,
      pages: [...slot.pages].join(" / "),
      errors: slot.errors,
    };
    if (stats) {
      res.stats = stats;
      res.gibPerS = bytes / 2 ** 30 / (stats.median / 1000);
      if (first) res.ratio = stats.median / first;
    }
    return res;
  });
  const report: BenchReport = {
    version: 1,
    startedAt: new Date().toISOString(),
    host: { name: host.name, nodes: host.nodes.length, cpus },
    bytes,
    threads,
    runs,
    order,
    variants: out,
    notes,
  };
  if (seen.version && versions.length < 2) report.qemu = seen.version;
  if (versions.length >= 2) report.qemus = versions;
  if (host.nodes.length < 2) notes.push("this host has one NUMA node: thread-contexts cannot change where threads run here, so the QEMU variants should differ only by thread count and noise");
  return report;
}

export function formatBenchReport(r: BenchReport): string {
  const lines = [
    `numadesk bench: ${humanSize(r.bytes)} on ${r.host.name} (${r.host.nodes} node${r.host.nodes === 1 ? "" : "s"}, ${r.host.cpus} CPUs)${r.qemu ? `, QEMU ${r.qemu}` : ""}${r.qemus ? `, QEMU ${r.qemus.map((q) => q.version).join(" and ")}` : ""}; ${r.runs} runs each after a warm-up round, alternated`,
    "",
  ];
  const rows = [["variant", "median", "min–max", "spread", "GiB/s", `vs ${r.variants[0]?.name ?? "first"}`, "pages", "what"]];
  for (const v of r.variants) {
    const s = v.stats;
    rows.push([
      v.name,
      s ? `${(s.median / 1000).toFixed(3)} s` : "failed",
      s ? `${(s.min / 1000).toFixed(3)}–${(s.max / 1000).toFixed(3)} s` : "–",
      s ? `${Math.round(s.spread * 100)} %` : "–",
      v.gibPerS !== undefined ? v.gibPerS.toFixed(2) : "–",
      v.ratio !== undefined ? `${v.ratio.toFixed(2)}×` : "–",
      v.pages,
      v.description,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) lines.push(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  "));
  for (const v of r.variants) for (const e of new Set(v.errors)) lines.push(`${v.name}: ${e}`);
  if (r.notes.length) lines.push("", ...r.notes.map((n) => `note: ${n}`));
  lines.push("", "Compare rows only when their page sizes match: on this kind of machine 2 MiB pages fill about ten times faster than 4 KiB ones.");
  return lines.join("\n") + "\n";
}
