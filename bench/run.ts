// `npm run bench`: every benchmark the repo carries, each as a ratio against a baseline
// measured in the same run. Results go to .bench/results-<time>.json.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchProbe, benchProbeLive } from "./probe.bench";
import { benchSampler } from "./sampler.bench";
import { benchUi } from "./ui.bench";
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
  const c = u.hostCanvasFirstRenderMs;
  console.log(
    `ui: host canvas first render, 8 nodes × 128 CPUs: median ${c.big.median.toFixed(1)} ms (min ${c.big.min.toFixed(1)}, max ${c.big.max.toFixed(1)}), ${c.ratio.toFixed(1)}× a 1-node host's ${c.small.median.toFixed(1)} ms; target ${c.target}`,
  );
  console.log(`ui: drag frame (rebind a backend on that host): median ${u.dragFrameMs.median.toFixed(1)} ms (max ${u.dragFrameMs.max.toFixed(1)}); target ${u.dragFrameMs.target}`);
  if (u.dragMoveFrameMs)
    console.log(`ui: pointer move during a vCPU drag on that host: median ${u.dragMoveFrameMs.median.toFixed(1)} ms (max ${u.dragMoveFrameMs.max.toFixed(1)}); target ${u.dragMoveFrameMs.target}`);
  console.log(
    `ui: live plot with ${u.livePlot.rateHz.toFixed(0)} Hz × 64 threads: ${u.livePlot.fps.toFixed(1)} fps, longest frame ${u.livePlot.longestFrameMs.toFixed(1)} ms, ${u.livePlot.samples} samples; target ${u.livePlot.target}`,
  );
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
