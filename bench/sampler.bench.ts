// Sampler cost: 64 real threads (QEMU's TCG vCPU threads of a paused guest) sampled at
// 200 Hz, with files kept open and re-read by pread, against opening and reading every file
// on every tick (the obvious first version), in the same run; and the exact mode (the
// scheduler's tracepoints for the same process, electron/run/sched-trace.ts) over the same
// time. The exact mode's cost follows the events, not the threads: idle vCPU threads make few.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Sampler } from "../electron/run/sampler";
import { SchedTracer } from "../electron/run/sched-trace";
import { findQemu } from "../electron/qemu/discover";
import { spawnPreallocQemu } from "../electron/bench/prealloc-qemu";

const THREADS = 64;
const SECONDS = 3;

function naive(pid: number, rateHz: number, ms: number): Promise<{ cpuPercent: number; ticks: number }> {
  return new Promise((resolve) => {
    let busy = 0;
    let ticks = 0;
    const start = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      ticks++;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8");
          readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
          readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8");
        } catch {
          /* gone */
        }
      }
      busy += performance.now() - t;
      if (t - start > ms) {
        clearInterval(timer);
        resolve({ cpuPercent: (busy / (performance.now() - start)) * 100, ticks });
      }
    }, 1000 / rateHz);
  });
}

/**
 * The exact mode where there is something to see: 16 touch_pages threads preallocating 1 GiB
 * (4 KiB pages, memfd) on this host's CPUs, traced from spawn to exit; and the /proc sampler
 * on an identical QEMU, for the same work.
 */
async function busyRun(exact: boolean): Promise<{ cpuPercent: number; events?: number; samples: number; ms: number } | undefined> {
  const t0 = performance.now();
  const q = spawnPreallocQemu({ size: "1G", threads: 16 });
  const watch = { pid: q.pid!, rateHz: 200, nodeOf: () => 0, t0, keep: (name: string) => name === "touch_pages" };
  const w = exact ? SchedTracer.open(watch) : new Sampler(watch);
  if (!(w instanceof SchedTracer) && !(w instanceof Sampler)) {
    q.kill("SIGKILL");
    return undefined;
  }
  w.start();
  // QEMU greets on QMP once preallocation is done
  await new Promise<void>((resolve) => {
    q.stdout!.once("data", () => resolve());
    q.once("exit", () => resolve());
  });
  const ms = performance.now() - t0;
  const r = w.stop();
  q.kill("SIGKILL");
  return { cpuPercent: r.stats.cpuPercent, samples: r.samples.length, ms, ...("events" in r.stats ? { events: r.stats.events } : {}) };
}

export async function benchSampler() {
  const busyProc = await busyRun(false);
  const busyTrace = await busyRun(true);
  const qemu = spawn(findQemu(), ["-S", "-nodefaults", "-display", "none", "-accel", "tcg,thread=multi", "-smp", String(THREADS), "-m", "128M", "-name", "debug-threads=on"], { stdio: "ignore" });
  try {
    const pid = qemu.pid!;
    for (let i = 0; i < 200 && readdirSync(`/proc/${pid}/task`).length < THREADS; i++) await new Promise((r) => setTimeout(r, 25));
    const threads = readdirSync(`/proc/${pid}/task`).length;
    const rounds: Array<{ pread: number; naive: number; rate: number; trace?: number; events?: number }> = [];
    let traceUnavailable: string | undefined;
    // CPU time of this whole process while only the sampler runs (user + system, from the kernel)
    const processCpu: number[] = [];
    for (let round = 0; round < 3; round++) {
      const s = new Sampler({ pid, rateHz: 200, nodeOf: () => 0, t0: performance.now(), keep: () => true });
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      s.start();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const { stats, samples } = s.stop();
      const used = process.cpuUsage(cpu0);
      processCpu.push(((used.user + used.system) / 1000 / (performance.now() - wall0)) * 100);
      const n = await naive(pid, 200, SECONDS * 1000);
      const tracer = SchedTracer.open({ pid, nodeOf: () => 0, t0: performance.now(), keep: () => true });
      let trace: { cpuPercent: number; events: number } | undefined;
      if (tracer instanceof SchedTracer) {
        tracer.start();
        await new Promise((r) => setTimeout(r, SECONDS * 1000));
        trace = tracer.stop().stats;
      } else traceUnavailable = tracer.unavailable;
      rounds.push({ pread: stats.cpuPercent, naive: n.cpuPercent, rate: stats.ticks / SECONDS, ...(trace ? { trace: trace.cpuPercent, events: trace.events } : {}) });
      void samples;
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      name: "sampler",
      threads,
      rateHz: 200,
      achievedHz: med(rounds.map((r) => r.rate)),
      preadCpuPercent: med(rounds.map((r) => r.pread)),
      processCpuPercent: med(processCpu),
      naiveCpuPercent: med(rounds.map((r) => r.naive)),
      ratio: med(rounds.map((r) => r.pread)) / med(rounds.map((r) => r.naive)),
      ...(rounds.every((r) => r.trace !== undefined)
        ? { traceCpuPercent: med(rounds.map((r) => r.trace!)), traceEvents: med(rounds.map((r) => r.events!)), traceRatio: med(rounds.map((r) => r.trace!)) / med(rounds.map((r) => r.naive)) }
        : { traceUnavailable: traceUnavailable ?? "not measured" }),
      target: "≥ 200 Hz for 64 threads under 5 % of one core",
      busy: { proc: busyProc, trace: busyTrace },
    };
  } finally {
    qemu.kill("SIGKILL");
  }
}
