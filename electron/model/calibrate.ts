// `numadesk calibrate`: measure this host's preallocation numbers with real QEMU runs, fit the
// model's parameters (shared/model/prealloc-model.ts), check the fit on ten varied runs, and
// save both per host (~/.local/share/numadesk/calibration/<host fingerprint>.json).

import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hostname, release } from "node:os";
import { createHash } from "node:crypto";
import type { HostTopology } from "../../shared/topology/schema";
import type { Layout } from "../../shared/layout/schema";
import { parseCommandLine } from "../../shared/qemu/parse";
import { backendBytes } from "../../shared/qemu/prealloc";
import { spreadOf } from "../../shared/bench/stats";
import { DEFAULT_PARAMS, predictPrealloc, type ModelParams, type PageKind } from "../../shared/model/prealloc-model";
import { sampleHostParams } from "../../shared/model/published";
import { GiB, MiB, formatSize } from "../../shared/size/size";
import { runPrealloc } from "../qemu/launch";
import { probeQemu } from "../qemu/discover";
import { memAvailable } from "../run/meminfo";
import { dataDir, writeFileAtomic } from "../run/records";
import type { RunRecord } from "../../shared/run/types";

export class CalibrationError extends Error {
  override name = "CalibrationError";
}

/** Per host: its name and its nodes' CPUs (not memory: this VM's per-node memory total drifts as it is onlined). */
export function calibrationFile(host: HostTopology): string {
  const key = createHash("sha256")
    .update(JSON.stringify([hostname(), host.nodes.map((n) => [n.id, n.cpus])]))
    .digest("hex")
    .slice(0, 16);
  return join(dataDir(), "calibration", `${key}.json`);
}

/** This host's saved parameters, or undefined when it was never calibrated. */
export function loadCalibration(host: HostTopology): ModelParams | undefined {
  try {
    const p = JSON.parse(readFileSync(calibrationFile(host), "utf8")) as ModelParams & { nodeGiBps: number | null };
    if (typeof p.startupMs !== "number" || typeof p.workerGiBps?.["2m"] !== "number") return undefined;
    // JSON has no Infinity: a ceiling never reached is saved as null
    return { ...p, nodeGiBps: p.nodeGiBps ?? Number.POSITIVE_INFINITY };
  } catch {
    return undefined;
  }
}

/** The parameters for a target: a sample's published ones, this host's calibration, or defaults. */
export function paramsFor(host: HostTopology, sample?: string): ModelParams {
  if (sample) return sampleHostParams(sample);
  return loadCalibration(host) ?? DEFAULT_PARAMS;
}

export function kernelFacts() {
  return { release: release() };
}

/** A one-node layout of `backends` ram backends of `size` each, `threads` workers, with or without a context. */
export function calibrationLayout(backends: number, size: number, threads: number, context: boolean, prealloc = true): Layout {
  const mib = size / MiB;
  const parts = [`qemu-system-x86_64 -machine q35 -m ${mib * backends}M -smp 1`];
  if (context) parts.push("-object thread-context,id=tc0,node-affinity=0");
  for (let i = 0; i < backends; i++) {
    parts.push(`-numa node,nodeid=${i},${i === 0 ? "cpus=0," : ""}memdev=m${i}`);
    parts.push(`-object memory-backend-ram,id=m${i},size=${mib}M,host-nodes=0,policy=bind${prealloc ? `,prealloc=on,prealloc-threads=${threads}${context ? ",prealloc-context=tc0" : ""}` : ""}`);
  }
  const r = parseCommandLine(parts.join(" "));
  if (r.diagnostics.some((d) => d.severity === "error")) throw new CalibrationError(`internal layout refused: ${r.diagnostics[0]!.message}`);
  return r.layout;
}

export interface CheckRun {
  label: string;
  qemu: string;
  predictedS: number;
  measuredS: number;
  error: number;
}

export interface Calibration {
  params: ModelParams;
  measured: { startupMs: number[]; oneWorkerMs: number[]; allWorkersMs: number[]; bytes: number; workers: number; pages: string };
  checks: CheckRun[];
  file: string;
}

async function timed(layout: Layout, host: HostTopology, qemu: string | undefined, signal?: AbortSignal): Promise<RunRecord> {
  const r = await runPrealloc(layout, { host, ...(qemu ? { qemu } : {}), ...(signal ? { signal } : {}) });
  if (r.outcome !== "ok" || r.timings.preallocMs === undefined) throw new CalibrationError(`a calibration run failed: ${r.error ?? r.outcome}`);
  return r;
}

/**
 * Measure, fit, check on ten varied runs (with each binary in `qemus`, alternated), save.
 * Memory: at most 512 MiB per run, a quarter of MemAvailable when less.
 */
export async function calibrate(host: HostTopology, opts: { qemus?: string[]; reps?: number; signal?: AbortSignal; say?: (m: string) => void } = {}): Promise<Calibration> {
  const say = opts.say ?? (() => undefined);
  const qemus = opts.qemus && opts.qemus.length > 0 ? opts.qemus : [undefined];
  const avail = memAvailable() ?? 0;
  const bytes = Math.min(512 * MiB, Math.floor(avail / 4 / (64 * MiB)) * 64 * MiB);
  if (bytes < 128 * MiB) throw new CalibrationError(`too little free memory to calibrate (MemAvailable ${formatSize(avail)}; 512 MiB wanted)`);
  const cpus = host.cpus.filter((c) => c.online).length;
  const workers = Math.min(cpus, 16, Math.floor(bytes / (64 * MiB)));
  const reps = opts.reps ?? 5;
  const main = qemus[0];
  const startup: number[] = [];
  const one: number[] = [];
  const all: number[] = [];
  let pages = "";
  say(`warming up: ${formatSize(bytes)} with ${workers} workers`);
  await timed(calibrationLayout(1, bytes, workers, true), host, main, opts.signal);
  for (let i = 0; i < reps; i++) {
    say(`round ${i + 1}/${reps}: start-up, one worker, ${workers} workers`);
    startup.push((await timed(calibrationLayout(1, 64 * MiB, 1, false, false), host, main, opts.signal)).timings.preallocMs!);
    const r1 = await timed(calibrationLayout(1, bytes, 1, false), host, main, opts.signal);
    one.push(r1.timings.preallocMs!);
    pages = r1.memory.pages?.kind ?? pages;
    all.push((await timed(calibrationLayout(1, bytes, workers, true), host, main, opts.signal)).timings.preallocMs!);
  }
  const startupMs = spreadOf(startup)!.median;
  const seconds = (ms: number[]) => Math.max(0.001, (spreadOf(ms)!.median - startupMs) / 1000);
  const perWorker = bytes / GiB / seconds(one);
  const aggregate = bytes / GiB / seconds(all);
  const anonPages: PageKind = pages === "base" ? "4k" : "2m";
  const params: ModelParams = {
    source: `calibrated on this host ${new Date().toISOString().slice(0, 10)}`,
    startupMs,
    // the page size anonymous memory got was measured; the others keep the default ratios
    workerGiBps: anonPages === "2m" ? { "4k": perWorker / 2, "2m": perWorker, "1g": perWorker * 2 } : { "4k": perWorker, "2m": perWorker * 2, "1g": perWorker * 4 },
    // more workers than the one-worker rate explains: the node's ceiling (or its CPUs)
    nodeGiBps: aggregate < 0.9 * workers * perWorker ? aggregate : Number.POSITIVE_INFINITY,
    // a one-node host cannot show it: keep the seed's published penalty
    remotePenalty: host.nodes.length > 1 ? DEFAULT_PARAMS.remotePenalty : sampleHostParams("bm-standard2-52").remotePenalty,
    anonPages,
  };

  // Ten varied runs, none of them the fitting ones, predicted then measured.
  const variants: Array<{ label: string; layout: Layout }> = [
    { label: "1×128M, 1 worker", layout: calibrationLayout(1, 128 * MiB, 1, false) },
    { label: "1×256M, 2 workers, context", layout: calibrationLayout(1, 256 * MiB, 2, true) },
    { label: "1×384M, 2 workers, no context", layout: calibrationLayout(1, 384 * MiB, 2, false) },
    { label: "2×128M, 2 workers each, contexts", layout: calibrationLayout(2, 128 * MiB, 2, true) },
    { label: "2×256M, 2 workers each, no context", layout: calibrationLayout(2, 256 * MiB, 2, false) },
    { label: "2×192M, 1 worker each, contexts", layout: calibrationLayout(2, 192 * MiB, 1, true) },
    { label: "1×512M, 2 workers, context", layout: calibrationLayout(1, 512 * MiB, 2, true) },
    { label: "2×256M, 2 workers each, contexts", layout: calibrationLayout(2, 256 * MiB, 2, true) },
    { label: "1×64M, 2 workers (one per 64 MiB)", layout: calibrationLayout(1, 64 * MiB, 2, true) },
    { label: "2×64M, 1 worker each, no context", layout: calibrationLayout(2, 64 * MiB, 1, false) },
  ].filter((v) => v.layout.backends.reduce((a, b) => a + backendBytes(b), 0) <= bytes);
  const checks: CheckRun[] = [];
  for (const [i, v] of variants.entries()) {
    const q = qemus[i % qemus.length];
    const info = await probeQemu(q);
    const predicted = predictPrealloc(v.layout, host, params, info.version, kernelFacts()).seconds;
    const measured = (await timed(v.layout, host, q, opts.signal)).timings.preallocMs! / 1000;
    const error = (predicted - measured) / measured;
    checks.push({ label: v.label, qemu: info.version, predictedS: predicted, measuredS: measured, error });
    say(
      `check ${i + 1}/${variants.length}: ${v.label} on QEMU ${info.version}: predicted ${predicted.toFixed(3)} s, took ${measured.toFixed(3)} s (${error >= 0 ? "+" : ""}${Math.round(error * 100)} %)`,
    );
  }
  params.medianError = spreadOf(checks.map((c) => Math.abs(c.error)))?.median;
  params.checkedRuns = checks.length;
  const file = calibrationFile(host);
  mkdirSync(join(dataDir(), "calibration"), { recursive: true });
  writeFileAtomic(file, JSON.stringify({ ...params, nodeGiBps: Number.isFinite(params.nodeGiBps) ? params.nodeGiBps : null, checks }, null, 2) + "\n");
  return { params, measured: { startupMs: startup, oneWorkerMs: one, allWorkersMs: all, bytes, workers, pages }, checks, file };
}
