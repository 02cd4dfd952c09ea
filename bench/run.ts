// `npm run bench`: every benchmark the repo carries, each as a ratio against a baseline
// measured in the same run. Results go to .bench/results-<time>.json.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchProbe, benchProbeLive } from "./probe.bench";
import { benchSampler } from "./sampler.bench";
import { benchUi, type FrameStats } from "./ui.bench";
import { benchPaste } from "./paste.bench";
import { benchPrealloc, formatBenchReport } from "../electron/bench/prealloc";
import { readSysfs } from "../electron/probe/sysfs";
import { prettyJson } from "../shared/json/pretty";
import { GiB } from "../shared/size/size";

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const results: Record<string, unknown> = {};

if (want("probe")) {
  const p = benchProbe();
  results.probe = p;
  console.log(
    `probe: ${p.files} files, readSysfs median ${p.probeMs.median.toFixed(2)} ms (spread ${Math.round(p.probeMs.spread * 100)} %), reading the files alone ${p.readAllFilesMs.median.toFixed(2)} ms: ${p.ratio.toFixed(2)}× the floor; target ${p.target}`,
  );
  const l = benchProbeLive();
  results.probeLive = l;
  console.log(
    `probe, this host (${l.pciDevices} PCI functions): steady readSysfs() median ${l.steadyMs.median.toFixed(2)} ms (spread ${Math.round(l.steadyMs.spread * 100)} %), fresh (nothing kept) ${l.freshMs.median.toFixed(2)} ms: ${l.ratio.toFixed(2)}× the fresh probe; target ${l.target}`,
  );
}
if (want("sampler")) {
  const s = await benchSampler();
  results.sampler = s;
  console.log(
    `sampler: ${s.threads} threads at ${s.achievedHz.toFixed(0)} Hz: ${s.preadCpuPercent.toFixed(2)} % of one core with pread (whole process, kernel's count: ${s.processCpuPercent.toFixed(2)} %), ${s.naiveCpuPercent.toFixed(2)} % opening every file each tick (${s.ratio.toFixed(2)}×); target ${s.target}`,
  );
  console.log(
    "traceCpuPercent" in s && s.traceCpuPercent !== undefined
      ? `sampler, exact mode (tracepoints): ${s.traceCpuPercent.toFixed(2)} % of one core for ${s.traceEvents} events in 3 s (${s.traceRatio!.toFixed(3)}× the naive baseline); /proc ${s.preadCpuPercent < 5 ? "meets" : "misses"} the 5 % target, exact ${s.traceCpuPercent < 5 ? "meets" : "misses"} it`
      : `sampler, exact mode: not measured (${"traceUnavailable" in s ? s.traceUnavailable : "?"})`,
  );
  const b = s.busy;
  if (b.proc && b.trace) {
    console.log(
      `sampler, 16 touch_pages threads preallocating 1 GiB: /proc at 200 Hz ${b.proc.cpuPercent.toFixed(2)} % of one core (${b.proc.samples} samples, ${(b.proc.ms / 1000).toFixed(1)} s); exact ${b.trace.cpuPercent.toFixed(2)} % (${b.trace.events} events, ${b.trace.samples} samples, ${(b.trace.ms / 1000).toFixed(1)} s): ${(b.trace.cpuPercent / b.proc.cpuPercent).toFixed(2)}× the /proc sampler`,
    );
  }
}
if (want("ui")) {
  const u = await benchUi();
  results.ui = u;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const one = (f: FrameStats | undefined) =>
    f ? `${ms(f.frame.median)} (${ms(f.frame.min)}–${ms(f.frame.max)}; CPU ${ms(f.frameCpu.median)}; by the clock ${ms(f.wall.median)}; all it caused ${ms(f.all.median)})` : "–";
  const row = (what: string, target: number | undefined, pick: (s: typeof u.now) => FrameStats | undefined) => {
    const now = pick(u.now)?.frame.median;
    const verdict = target === undefined || now === undefined ? "" : now < target ? `, meets < ${target} ms` : `, misses < ${target} ms`;
    console.log(`ui: ${what}: ${one(pick(u.now))}${verdict}\n    old ${u.old.commit}: ${"error" in u.old ? `not measured (${u.old.error})` : one(pick(u.old as typeof u.now))}`);
  };
  console.log(`ui: ${u.host}; ${u.method}, ${u.runs} runs each; load average ${u.loadAverage.min.toFixed(1)}–${u.loadAverage.max.toFixed(1)}`);
  row("first render, 1024 PUs", u.targets.firstRenderMs, (s) => s.firstRenderBig);
  row("first render, 2 PUs", undefined, (s) => s.firstRenderSmall);
  row("drag frame (pointer move while dragging vCPUs, same drop target: the preview moves)", u.targets.dragFrameMs, (s) => s.dragMove);
  row("drag frame (pointer move onto another host node: the drop mark is drawn there)", u.targets.dragFrameMs, (s) => s.dragRetarget);
  row("drop, the frame after the drag (rebind a backend; its pins follow)", undefined, (s) => s.drop);
  console.log(
    `ui: live plot with ${u.livePlot.rateHz.toFixed(0)} Hz × 64 threads: ${u.livePlot.fps.toFixed(1)} fps, longest frame ${u.livePlot.longestFrameMs.toFixed(1)} ms, ${u.livePlot.samples} samples; target ${u.livePlot.target}`,
  );
}
if (want("paste")) {
  const p = await benchPaste();
  results.paste = p;
  console.log(`paste: ${p.method}, ${p.runs} runs each; baseline ${p.baseline}; load average ${p.loadAverage.min.toFixed(1)}–${p.loadAverage.max.toFixed(1)}`);
  for (const s of p.sizes) {
    const old = s.old ? ` against ${s.old.all.median.toFixed(0)} ms (CPU ${s.old.frameCpu.median.toFixed(0)}): ${(s.now.all.median / s.old.all.median).toFixed(2)}× the baseline` : "";
    console.log(
      `paste: ${s.backends} backends (${s.words} words): ${s.now.all.median.toFixed(0)} ms (${s.now.all.min.toFixed(0)}–${s.now.all.max.toFixed(0)}; frame CPU ${s.now.frameCpu.median.toFixed(0)})${old}`,
    );
  }
}
if (want("prealloc")) {
  const r = await benchPrealloc({
    host: readSysfs(),
    bytes: Number(process.env.NUMADESK_BENCH_BYTES ?? GiB),
    runs: Number(process.env.NUMADESK_BENCH_RUNS ?? 3),
    onProgress: (m) => process.stderr.write(`  ${m}\n`),
  });
  results.prealloc = r;
  console.log(formatBenchReport(r));
}
const dir = join(import.meta.dirname, "../.bench");
mkdirSync(dir, { recursive: true });
const file = join(dir, `results-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, prettyJson(results) + "\n");
console.log(`written: ${file}`);
