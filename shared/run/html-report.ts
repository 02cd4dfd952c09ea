// `numadesk runs report`: runs as one self-contained HTML file a trainer can mail or open
// offline — inline SVG placement plots on each run's own topology (one time scale for all),
// the evidence as sentences, timings, host, QEMU, command lines and layouts. No script, no
// external resource, and a Content-Security-Policy that forbids both: a record is hostile
// input, and everything taken from it is escaped.

import { escapeHtml as esc } from "../text/html";
import { prettyJson } from "../json/pretty";
import { humanSize } from "../size/size";
import { shellQuote } from "../qemu/tokenize";
import { comparisonEvidence, runEvidence } from "./evidence";
import { runTitle } from "./label";
import { placementLegendHtml, placementPlotSvg } from "./placement-svg";
import { pageReport, preallocRate } from "./report";
import { TOUCH_PAGES, type RunRecord } from "./types";
import { plural } from "../text/plural";

const secs = (ms: number | undefined) => (ms === undefined ? "–" : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

const STYLE = `
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #5f6368; --rule: #d0d4da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8eaed; --bg: #17181a; --muted: #a0a4aa; --rule: #3a3d42; } }
body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.25em; margin: 28px 0 6px; border-top: 1px solid var(--rule); padding-top: 16px; }
h3 { font-size: 1em; margin: 16px 0 4px; }
.muted { color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; } dt { color: var(--muted); } dd { margin: 0; }
pre { background: color-mix(in srgb, var(--fg) 6%, transparent); padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: 12.5px; }
svg.placement { color: var(--fg); fill: var(--fg); font-family: system-ui, sans-serif; display: block; }
figure { margin: 8px 0; } figcaption { color: var(--muted); font-size: 13px; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
.swatch.off { border: 2px solid #d00000; width: 8px; height: 8px; }
table { border-collapse: collapse; font-size: 13px; } th, td { text-align: left; padding: 2px 10px 2px 0; border-bottom: 1px solid var(--rule); }
.evidence li { margin: 2px 0; }
`;

function timingLines(r: RunRecord): Array<[string, string]> {
  const rate = preallocRate(r);
  const rows: Array<[string, string]> = [
    ["outcome", r.outcome + (r.error ? ` — ${r.error}` : "")],
    [
      "preallocation",
      r.timings.preallocMs !== undefined
        ? `${humanSize(r.memory.preallocBytes)} in ${secs(r.timings.preallocMs)}${rate !== undefined ? ` (${rate.toFixed(2)} GiB/s)` : ""}`
        : `${humanSize(r.memory.preallocBytes)}, not finished`,
    ],
    ["machine ready", secs(r.timings.readyMs)],
    ["QEMU exited", secs(r.timings.totalMs)],
    ["pages", pageReport(r) ?? (r.kind === "lab" ? "not measured inside the lab" : "not measured")],
  ];
  return rows;
}

function worldLines(r: RunRecord): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["run", r.id],
    ["started", r.startedAt],
    ["ran on", `${r.host.name} (${plural(r.host.nodes, "node")}, ${plural(r.host.cpus, "CPU")}, fingerprint ${r.host.fingerprint})`],
    ["QEMU", `${r.qemu.version} (${r.qemu.binary})`],
  ];
  if (r.lab) rows.push(["lab", `${r.lab.nodes} virtual nodes, ${r.lab.accel.toUpperCase()} (${r.lab.accelWhy}), kernel ${r.lab.kernel}, booted in ${secs(r.lab.bootMs)}`]);
  if (!r.topology) rows.push(["topology", `not kept (record version ${r.migratedFrom ?? "?"}): the plot uses the CPUs and nodes its samples name`]);
  rows.push([
    "sampler",
    r.kind === "lab"
      ? `${r.sampler.rateHz} Hz inside the lab guest, ${r.sampler.ticks} ticks`
      : r.sampler.mode === "tracepoint"
        ? `exact: every sched_switch and sched_migrate_task of QEMU's threads, ${r.sampler.events ?? 0} events (${r.sampler.lost ?? 0} lost), ${r.sampler.cpuPercent} % of one core`
        : `${r.sampler.rateHz} Hz from /proc, ${r.sampler.ticks} ticks (${r.sampler.missedTicks} late), ${r.sampler.cpuPercent} % of one core${r.sampler.note ? `; ${r.sampler.note}` : ""}`,
  ]);
  return rows;
}

const dl = (rows: Array<[string, string]>) => `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>`;

function threadTable(r: RunRecord): string {
  const workers = r.threads.filter((t) => t.name === TOUCH_PAGES);
  if (workers.length === 0) return "";
  const head = "<tr><th>thread</th><th>backend</th><th>CPUs seen</th><th>allowed CPUs</th><th>samples per node</th><th>on its node</th><th>CPU time</th></tr>";
  const rows = workers.map((t) => {
    const nodes = Object.entries(t.nodes)
      .map(([n, c]) => `${n}: ${c}`)
      .join(", ");
    return `<tr><td>touch_pages ${t.tid}</td><td>${esc(t.backend ?? "?")}</td><td>${esc(t.cpus.join(","))}</td><td>${t.allowedCpus ? esc(t.allowedCpus.join(",")) : "–"}</td><td>${esc(nodes)}</td><td>${t.locality !== undefined ? `${Math.round(t.locality * 100)} %` : "–"}</td><td>${Math.round(t.cpuTimeMs)} ms</td></tr>`;
  });
  return `<h3>touch_pages threads</h3><table>${head}${rows.join("")}</table>`;
}

function runSection(r: RunRecord, i: number, endMs: number): string {
  const evidence = runEvidence(r);
  return [
    `<section class="run" id="run-${i + 1}">`,
    `<h2>${i + 1}. ${esc(runTitle(r))}</h2>`,
    dl([...worldLines(r), ...timingLines(r)]),
    `<figure>${placementPlotSvg(r, { endMs })}<figcaption>Where each touch_pages thread was seen (one mark per sample), on ${esc(r.topology ? r.topology.name : "the CPUs its samples name")}; colour: the node of the thread's backend. Outlined marks ran on another node's CPU.</figcaption>${placementLegendHtml(r)}</figure>`,
    evidence.length ? `<h3>What it shows</h3><ul class="evidence">${evidence.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>` : "",
    threadTable(r),
    `<h3>Command line</h3><pre>${esc(r.argv.map(shellQuote).join(" "))}</pre>`,
    r.dropped.length ? `<p class="muted">Left out of the run: ${esc(r.dropped.join("; "))}</p>` : "",
    `<details><summary>Layout</summary><pre>${esc(prettyJson(r.layout))}</pre></details>`,
    `</section>`,
  ].join("\n");
}

export interface ReportOptions {
  /** when the report was written (ISO), shown in its header */
  generatedAt: string;
}

export function runReportHtml(runs: readonly RunRecord[], opts: ReportOptions): string {
  // one time scale: the longer run looks longer
  const endMs = Math.max(
    1,
    ...runs.map((r) =>
      Math.max(
        r.samples.t.reduce((a, t) => Math.max(a, t), 0),
        r.timings.preallocMs ?? 0,
      ),
    ),
  );
  const across = comparisonEvidence(runs);
  const title = runs.length === 1 ? runTitle(runs[0]!) : `${runs.length} runs`;
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8">`,
    // nothing to fetch and nothing to run: the file is a document, whatever a record holds
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>Numadesk run report: ${esc(title)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>Numadesk run report</h1><p class="muted">${runs.length} run${runs.length === 1 ? "" : "s"}, written ${esc(opts.generatedAt)}. All plots share one time scale.</p></header>`,
    across.length ? `<section class="comparison"><h2>Side by side</h2><ul class="evidence">${across.map((e) => `<li>${esc(e)}</li>`).join("")}</ul></section>` : "",
    ...runs.map((r, i) => runSection(r, i, endMs)),
    `</body></html>`,
    "",
  ].join("\n");
}
