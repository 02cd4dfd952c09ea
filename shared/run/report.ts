// Run records as text: the summary after a run, and several runs side by side.

import { populatedText } from "./populated";
import { printableLine } from "../text/printable";
import type { RunRecord } from "./types";
import { humanSize } from "../size/size";
import { runTitle } from "./label";

const pct = (x: number | undefined) => (x === undefined ? "–" : `${Math.round(x * 100)} %`);
const secs = (ms: number | undefined) => (ms === undefined ? "–" : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** GiB/s of preallocation, or undefined when the run did not finish it. */
export function preallocRate(r: RunRecord): number | undefined {
  const ms = r.timings.preallocMs;
  if (ms === undefined || ms <= 0 || r.memory.preallocBytes === 0) return undefined;
  return r.memory.preallocBytes / 2 ** 30 / (ms / 1000);
}

/** Which page size the memory got: what the kernel actually gave, not what was asked. */
export function pageReport(r: RunRecord): string | undefined {
  const m = r.memory;
  if (m.rssBytes === undefined) return undefined;
  if ((m.hugetlbBytes ?? 0) > 0) return `${humanSize(m.hugetlbBytes!)} in hugetlb pages`;
  const thp = m.anonHugeBytes ?? 0;
  const share = m.preallocBytes > 0 ? Math.min(1, thp / m.preallocBytes) : 0;
  if (share >= 0.999) return `all ${humanSize(m.preallocBytes)} in 2 MiB transparent huge pages`;
  if (thp === 0) return `4 KiB pages (no transparent huge pages)`;
  return `${humanSize(thp)} of ${humanSize(m.preallocBytes)} in 2 MiB transparent huge pages (${pct(share)}), the rest in 4 KiB pages`;
}

export function formatRunSummary(r: RunRecord): string {
  const lines: string[] = [];
  const L = printableLine;
  lines.push(`run ${L(r.id)} (${L(runTitle(r))}) on ${L(r.host.name)}, QEMU ${L(r.qemu.version)}: ${r.outcome}`);
  if (r.migratedFrom !== undefined) lines.push(`recorded by an older Numadesk (record version ${r.migratedFrom}): the topology it ran on was not kept`);
  if (r.error) lines.push(...r.error.split("\n").map((l) => `  ${L(l)}`));
  if (r.timings.readyMs !== undefined) lines.push(`QEMU accepted the layout: the machine was initialised ${secs(r.timings.readyMs)} after start`);
  const rate = preallocRate(r);
  if (r.timings.preallocMs !== undefined) {
    lines.push(
      `preallocated ${humanSize(r.memory.preallocBytes)} in ${secs(r.timings.preallocMs)}${rate !== undefined ? ` (${rate.toFixed(2)} GiB/s)` : ""}; QEMU exited after ${secs(r.timings.totalMs)}`,
    );
  }
  const pages = pageReport(r);
  if (pages) lines.push(`pages: ${pages}`);
  if (r.populated && r.populated.t.length > 0) lines.push(`populated (each backend's mapping in QEMU's smaps): ${L(populatedText(r.populated, r.backends, humanSize))}`);
  if (r.backends.length > 0) {
    lines.push("");
    const rows = [["backend", "size", "host nodes", "threads seen/expected", "on its node", "active"]];
    for (const b of r.backends) {
      rows.push([
        L(b.id),
        humanSize(b.bytes),
        b.hostNodes.length ? b.hostNodes.join(",") : "any",
        `${b.seenThreads}/${b.expectedThreads}`,
        pct(b.locality),
        b.firstMs !== undefined ? `${Math.round(b.firstMs)}–${Math.round(b.lastMs!)} ms` : "–",
      ]);
    }
    lines.push(...table(rows));
  }
  const workers = r.threads.filter((t) => t.name === "touch_pages");
  if (workers.length > 0) {
    lines.push("");
    const rows = [["thread", "backend", "CPUs", "nodes", "states", "CPU time"]];
    for (const t of workers) {
      const nodes = Object.entries(t.nodes)
        .map(([n, c]) => `${n}: ${pct(c / t.samples)}`)
        .join(" ");
      const states = Object.entries(t.states)
        .map(([s, c]) => `${s} ${pct(c / t.samples)}`)
        .join(" ");
      rows.push([`touch_pages ${t.tid}`, L(t.backend ?? "?"), t.cpus.join(","), nodes, states, `${Math.round(t.cpuTimeMs)} ms`]);
    }
    lines.push(...table(rows));
  } else if (r.outcome === "ok") {
    lines.push("no touch_pages thread was seen (with one preallocation thread QEMU uses its main thread)");
  }
  lines.push("");
  lines.push(
    r.kind === "lab"
      ? `sampler (inside the lab guest): ${r.sampler.rateHz} Hz, ${r.sampler.ticks} ticks`
      : r.sampler.mode === "tracepoint"
        ? `exact mode (sched_switch, sched_migrate_task): ${r.sampler.events ?? 0} events, ${r.sampler.lost ?? 0} lost, ${r.sampler.cpuPercent} % of one core reading them`
        : `sampler: ${r.sampler.rateHz} Hz, ${r.sampler.ticks} ticks (${r.sampler.missedTicks} late), ${r.sampler.cpuPercent} % of one core${r.sampler.note ? `; ${L(r.sampler.note)}` : ""}`,
  );
  if (r.dropped.length > 0) lines.push("left out of the run:", ...r.dropped.map((d) => `  - ${L(d)}`));
  return lines.join("\n") + "\n";
}

export function formatComparison(runs: RunRecord[]): string {
  const base = runs[0]?.timings.preallocMs;
  const rows = [["run", "label", "memory", "threads", "prealloc", "vs first", "GiB/s", "on node"]];
  for (const r of runs) {
    const ms = r.timings.preallocMs;
    const workers = r.threads.filter((t) => t.name === "touch_pages");
    const samples = workers.reduce((a, t) => a + t.samples, 0);
    const local = workers.reduce((a, t) => a + (t.locality ?? 0) * t.samples, 0);
    rows.push([
      printableLine(r.id),
      printableLine(runTitle(r)),
      humanSize(r.memory.preallocBytes),
      String(workers.length),
      secs(ms),
      ms !== undefined && base ? `${(ms / base).toFixed(2)}×` : "–",
      preallocRate(r)?.toFixed(2) ?? "–",
      samples > 0 ? pct(local / samples) : "–",
    ]);
  }
  return table(rows).join("\n") + "\n";
}
