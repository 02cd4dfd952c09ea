// The NUMA lab: a small Linux guest whose virtual hardware has 2 or 4 NUMA nodes runs the
// preallocation jobs with its own copy of this host's QEMU, and reports every sample on the
// serial console. The same run records come out as from a run on the host, marked as lab runs
// with the virtual topology — so a one-node laptop can show where touch_pages threads go.
//
// This file runs the jobs: check, build the initramfs, boot (boot.ts), fold the console
// (shared/lab/console.ts) and turn each finished job into a run record. The demo's jobs are in
// demo.ts.

import { createHash, randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { HostTopology } from "../../shared/topology/schema";
import { labTopology, type LabNodes } from "../../shared/lab/topology";
import { checkLayout } from "../../shared/validate/check";
import { blocksRun } from "../../shared/run/gate";
import { prepareRunArgs, type RunArgs } from "../../shared/run/prepare";
import { packSamples, summarizeRun } from "../../shared/run/summarize";
import { recordTopology } from "../../shared/run/world";
import { RUN_RECORD_VERSION, type RunRecord, type Sample } from "../../shared/run/types";
import { foldConsoleLine, initialConsoleState, type FinishedLabJob } from "../../shared/lab/console";
import { MiB } from "../../shared/size/size";
import { backendBytes } from "../../shared/qemu/prealloc";
import { cpioArchive, type CpioEntry } from "./cpio";
import { ensureLabAssets, type LabSay } from "./assets";
import { bootGuest, chooseAccel, consoleTail, outerArgs, type Accel } from "./boot";
import { demoJobs, type LabJob } from "./demo";
import { probeQemu } from "../qemu/discover";
import { RunRefused } from "../qemu/launch";
import { createOwnedDir, sweepStaleDirs } from "../run/owned-dirs";
import { labProgress, type LabProgress } from "../../shared/lab/prepare-steps";
import { labBootFailure } from "../../shared/lab/boot-failure";
import { labPinLines } from "../../shared/lab/pins";
import { judgeThread } from "../../shared/run/pin-report";

export { labTopology, demoJobs, type LabNodes, type LabJob };

const INNER_QEMU = "/usr/bin/qemu-system-x86_64";

export type LabEvent =
  /** a step of the preparation started (shared/lab/prepare-steps.ts), up to the boot */
  | ({ type: "progress" } & LabProgress)
  | { type: "booted"; ms: number; topology: HostTopology }
  | { type: "begin"; label: string }
  | { type: "samples"; label: string; samples: Sample[] }
  | { type: "prealloc-done"; label: string; ms: number }
  | { type: "job-done"; record: RunRecord };

export interface LabOptions {
  nodes: LabNodes;
  jobs: LabJob[];
  rateHz?: number;
  accel?: "auto" | Accel;
  qemu?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onEvent?: (e: LabEvent) => void;
  /** every console line as it arrived (to record transcripts for the console tests) */
  onConsole?: (line: string) => void;
}

export interface LabResult {
  records: RunRecord[];
  topology: HostTopology;
  accel: Accel;
  accelWhy: string;
  bootMs: number;
  totalMs: number;
  kernel: string;
  /** the lab VM's peak resident memory on this host (VmHWM), when read */
  peakRssBytes?: number;
}

/** Memory per guest node: room for the kernel, the initramfs and the largest job. */
function memPerNode(jobs: LabJob[]): number {
  // worst case: a job's whole memory on one node
  const biggest = Math.max(0, ...jobs.map((j) => j.layout.backends.reduce((a, b) => a + backendBytes(b), 0)));
  return Math.max(512 * MiB, Math.ceil((biggest + 320 * MiB) / (2 * MiB)) * 2 * MiB);
}

export async function runLab(opts: LabOptions): Promise<LabResult> {
  const say: LabSay = (step, text, detail) => opts.onEvent?.({ type: "progress", ...labProgress(step, text, detail) });
  say("check", `checking ${opts.jobs.length === 1 ? "the layout" : `${opts.jobs.length} layouts`} against the lab's ${opts.nodes} nodes`);
  if (opts.nodes !== 2 && opts.nodes !== 4) throw new RunRefused("the lab has 2 or 4 NUMA nodes");
  if (opts.jobs.length === 0) throw new RunRefused("nothing to run in the lab");
  const bytesPerNode = memPerNode(opts.jobs);
  const expected = labTopology(opts.nodes, bytesPerNode);
  // check every job against the lab's virtual host before booting anything
  for (const job of opts.jobs) {
    const diags = checkLayout(job.layout, { host: expected, qemu: { version: (await probeQemu(opts.qemu)).version } });
    if (blocksRun(diags)) throw new RunRefused(`the layout "${job.label}" has errors on ${expected.name}; fix them before running it in the lab`, diags);
  }
  const qemu = await probeQemu(opts.qemu);
  const assets = await ensureLabAssets(opts.qemu, say);
  say("accel", "choosing KVM or TCG for the lab");
  const { accel, why, detail } = await chooseAccel(assets, opts.accel ?? "auto", (text) => say("accel", text));
  if (opts.signal?.aborted) throw new RunRefused("the lab run was cancelled");
  say("boot", `booting the lab (${opts.nodes} nodes, ${accel.toUpperCase()}: ${why})`, detail);

  // the jobs' command lines first, checked like any run's: nothing else reaches the guest's QEMU
  const prepared = opts.jobs.map((job, i) => ({ job, run: prepareRunArgs(job.layout, { qmpSocket: `/tmp/qmp-${i}.sock`, nameThreads: qemu.features.debugThreadsNeeded }) }));
  const refused = prepared.flatMap(({ job, run }) => run.refused.map((r) => `${job.label}: ${r}`));
  if (refused.length > 0) throw new RunRefused(`this cannot be run in the lab: ${refused.join("; ")}`);

  sweepStaleLabDirs();
  const dir = createOwnedDir(LAB_DIR_PREFIX);
  // gone with us on any exit Node sees; a kill is swept by the next lab run
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeDir);
  const rate = Math.round(opts.rateHz ?? 100);
  const entries: CpioEntry[] = [{ name: "job", type: "dir", mode: 0o755 }];
  prepared.forEach(({ job, run }, i) => {
    const text = [job.label.replace(/\s+/g, "_"), String(rate), `/tmp/qmp-${i}.sock`, INNER_QEMU, ...run.args].join("\n") + "\n";
    entries.push({ name: `job/${String(i + 1).padStart(2, "0")}.job`, type: "file", mode: 0o644, data: Buffer.from(text) });
    // the pins beside it: the sampler pins the paused QEMU, continues it and reads every thread back
    const pins = labPinLines(run.layout);
    if (pins) entries.push({ name: `job/${String(i + 1).padStart(2, "0")}.pins`, type: "file", mode: 0o644, data: Buffer.from(pins) });
  });
  const initrd = join(dir, "initrd.cpio");
  await writeFile(initrd, Buffer.concat([await readFile(assets.initramfs), cpioArchive(entries)]));

  const con = initialConsoleState(opts.nodes, expected);
  const startedAt = new Map<number, string>();
  const records: RunRecord[] = [];
  let pending: Sample[] = [];
  const t0 = performance.now();
  const labelOf = (index: number) => prepared[index]?.job.label ?? "?";
  const flush = () => {
    if (con.current && pending.length) opts.onEvent?.({ type: "samples", label: labelOf(con.current.index), samples: pending });
    pending = [];
  };
  const finish = (job: FinishedLabJob) => {
    if (pending.length) opts.onEvent?.({ type: "samples", label: labelOf(job.index), samples: pending });
    pending = [];
    const record = labRecord(job, prepared[job.index]!, {
      topology: con.topology,
      startedAt: startedAt.get(job.index) ?? new Date().toISOString(),
      rate,
      nodes: opts.nodes,
      accel,
      why,
      kernel: assets.kernelSource,
      bootMs: con.bootMs ?? 0,
      qemuVersion: qemu.version,
    });
    records.push(record);
    opts.onEvent?.({ type: "job-done", record });
  };

  const onLine = (line: Parameters<typeof foldConsoleLine>[1]) => {
    for (const e of foldConsoleLine(con, line, performance.now() - t0)) {
      switch (e.type) {
        case "booted":
          opts.onEvent?.({ type: "booted", ms: con.bootMs ?? 0, topology: e.topology });
          break;
        case "begin":
          startedAt.set(e.index, new Date().toISOString());
          opts.onEvent?.({ type: "begin", label: prepared[e.index]?.job.label ?? e.label });
          break;
        case "sample":
          pending.push(e.sample);
          if (pending.length >= 32) flush();
          break;
        case "prealloc-done":
          flush();
          opts.onEvent?.({ type: "prealloc-done", label: labelOf(e.index), ms: e.ms });
          break;
        case "job-done":
          finish(e.job);
          break;
        case "alldone":
          // the VM is still there: how much of this host it took at most
          try {
            const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${outerPid}/status`, "utf8"))?.[1];
            if (kb) peakRssBytes = Number(kb) * 1024;
          } catch {
            /* gone already */
          }
          break;
      }
    }
  };
  let outerPid: number | undefined;
  let peakRssBytes: number | undefined;

  try {
    const r = await bootGuest(
      assets,
      outerArgs(assets, opts.nodes, bytesPerNode, initrd, accel),
      onLine,
      { ...(opts.signal ? { signal: opts.signal } : {}), timeoutMs: opts.timeoutMs ?? 10 * 60_000 },
      (pid) => (outerPid = pid),
      opts.onConsole,
    );
    const bootMs = con.bootMs ?? 0;
    if (r.cancelled) throw new RunRefused("the lab run was cancelled");
    if (r.timedOut) {
      const tail = consoleTail.length ? `; the guest's console ended with: ${consoleTail.slice(-4).join(" / ")}` : "";
      throw new RunRefused(
        `the lab did not finish within ${Math.round((opts.timeoutMs ?? 600_000) / 1000)} s (it got to: ${bootMs ? `booted, ${records.length} of ${opts.jobs.length} jobs done` : "not booted"})${tail}`,
      );
    }
    if (records.length < opts.jobs.length) {
      if (con.errors.length) throw new RunRefused(con.errors.join("; "));
      if (bootMs > 0) throw new RunRefused("the lab guest stopped before every job ran");
      // one line saying why (shared/lab/boot-failure.ts); QEMU's and the console's words whole beside it
      const failed = labBootFailure(r.stderr, r.code, consoleTail);
      throw new RunRefused(failed.short, [], failed.detail);
    }
    return { records, topology: con.topology, accel, accelWhy: why, bootMs, totalMs: performance.now() - t0, kernel: assets.kernelSource, ...(peakRssBytes ? { peakRssBytes } : {}) };
  } finally {
    process.removeListener("exit", removeDir);
    removeDir();
  }
}

/** A finished lab job as a run record, like a host run's, with what only the lab shows. */
function labRecord(
  job: FinishedLabJob,
  { job: labJob, run }: { job: LabJob; run: RunArgs },
  w: { topology: HostTopology; startedAt: string; rate: number; nodes: LabNodes; accel: Accel; why: string; kernel: string; bootMs: number; qemuVersion: string },
): RunRecord {
  const { threads, backends } = summarizeRun({ layout: labJob.layout, backendOrder: run.backendOrder, samples: job.samples, hostOnlineCpus: w.topology.cpus.length });
  for (const t of threads) {
    const a = job.allowed.get(t.tid);
    if (a) t.allowedCpus = a;
  }
  const topology = w.topology;
  const record: RunRecord = {
    version: RUN_RECORD_VERSION,
    id: `${w.startedAt.replace(/[:.]/g, "-")}-lab-${randomBytes(3).toString("hex")}`,
    kind: "lab",
    label: labJob.label,
    startedAt: w.startedAt,
    layout: labJob.layout,
    argv: [INNER_QEMU, ...run.args],
    dropped: run.dropped,
    qemu: { binary: INNER_QEMU, version: w.qemuVersion },
    host: {
      name: topology.name,
      fingerprint: createHash("sha256")
        .update(JSON.stringify(topology.nodes.map((n) => n.cpus)))
        .digest("hex")
        .slice(0, 16),
      nodes: topology.nodes.length,
      cpus: topology.cpus.length,
    },
    topology: recordTopology(topology),
    outcome: job.preallocMs !== undefined && job.code === 0 ? "ok" : "failed",
    timings: { totalMs: job.exitMs },
    memory: { preallocBytes: run.preallocBytes },
    // the lab's sampler reads /proc inside the guest (labsampler.c); its cost is the guest's
    sampler: { rateHz: w.rate, ticks: new Set(job.samples.map((s) => s.t)).size, missedTicks: 0, cpuPercent: 0, mode: "proc" },
    threads,
    backends,
    samples: packSamples(job.samples),
    lab: { nodes: w.nodes, accel: w.accel, accelWhy: w.why, kernel: w.kernel, bootMs: w.bootMs, freeBeforeKb: job.freeBeforeKb, freeAtPreallocKb: job.freeAtPreallocKb },
  };
  if (job.preallocMs !== undefined) record.timings.preallocMs = job.preallocMs;
  // read back inside the lab after pinning, judged as a host run's threads are
  if (job.pins)
    record.pinning = {
      statusWhenPinned: job.pins.status ?? "unknown",
      threads: job.pins.threads.map((t) => judgeThread(run.layout, t.tid, t.name, t.main, t.allowed)),
      ...(job.pins.errors.length > 0 ? { errors: job.pins.errors } : {}),
    };
  if (job.code !== 0) record.error = `the QEMU inside the lab exited with code ${job.code}`;
  return record;
}

const LAB_DIR_PREFIX = "numadesk-lab-";

/** Remove lab folders (each holds a ~50 MB initrd) whose process died without cleaning up. */
export function sweepStaleLabDirs(base = tmpdir()): string[] {
  return sweepStaleDirs(LAB_DIR_PREFIX, base);
}
