// The exact mode of run sampling: the scheduler's own tracepoints instead of looking at /proc
// 200 times a second. A private tracefs instance records sched_switch and sched_migrate_task
// for QEMU's process only (set_event_pid with event-fork: the threads it creates later are
// followed by the kernel), with the monotonic clock; we drain its trace_pipe a few times a
// second. Every switch onto or off a CPU and every migration of a kept thread becomes a
// sample, so nothing between two looks is missed — and the cost is per event, not per thread
// and tick. Needs root (tracefs is mounted privately if it is not mounted) on a kernel with
// the sched events (DESIGN.md: present here, Linux 6.x).

import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Sample } from "../../shared/run/types";
import { defaultKeep, type SamplerOptions } from "./sampler";

export interface TraceStats {
  mode: "tracepoint";
  /** events read from the kernel's buffer */
  events: number;
  /** events the kernel dropped because we read too slowly (from the instance's stats) */
  lost: number;
  /** time spent reading and parsing, as a share of the time traced, in % of one core */
  cpuPercent: number;
}

const MOUNTED_ROOTS = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
const hasSched = (root: string) => existsSync(join(root, "events/sched/sched_switch/format")) && existsSync(join(root, "instances"));

/** Where tracefs is, mounting a private one if needed; or why the exact mode is not possible here. */
function tracefsRoot(): { root: string; unmount?: string } | { why: string } {
  for (const r of MOUNTED_ROOTS) if (hasSched(r)) return { root: r };
  if (process.getuid?.() !== 0) return { why: "tracefs is not mounted and only root may mount it" };
  const dir = mkdtempSync(join(tmpdir(), "numadesk-tracefs-"));
  try {
    execFileSync("mount", ["-t", "tracefs", "nodev", dir], { stdio: "ignore", timeout: 5000 });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return { why: "tracefs could not be mounted (mount -t tracefs failed)" };
  }
  if (!hasSched(dir)) {
    unmount(dir);
    return { why: "this kernel has no sched_switch tracepoint" };
  }
  return { root: dir, unmount: dir };
}

/** Whether a run could be watched in exact mode here, without setting anything up: a mounted tracefs with the sched events, or root (who may mount one). A run that then cannot still falls back to /proc and says why. */
export function exactModeAvailable(): { available: boolean; why?: string } {
  if (MOUNTED_ROOTS.some(hasSched)) return { available: true };
  if (process.getuid?.() === 0) return { available: true };
  return { available: false, why: "the scheduler's tracepoints need root here (tracefs is not mounted for this user)" };
}

function unmount(dir: string) {
  try {
    execFileSync("umount", [dir], { stdio: "ignore", timeout: 5000 });
    rmdirSync(dir);
  } catch {
    /* still busy: left for the system */
  }
}

// "  touch_pages-1240    [001] d..2.  5678.123456: sched_switch: prev_comm=touch_pages prev_pid=1240 prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120"
const LINE = /^\s*.+?-\d+\s+\[(\d+)\]\s+\S+\s+(\d+)\.(\d+):\s+(sched_switch|sched_migrate_task|sched_process_fork):\s+(.*)$/;
const SWITCH = /^prev_comm=(.*) prev_pid=(\d+) prev_prio=-?\d+ prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+) next_prio=-?\d+$/;
const MIGRATE = /^comm=(.*) pid=(\d+) prio=-?\d+ orig_cpu=(\d+) dest_cpu=(\d+)$/;
const FORK = /^comm=.* pid=(\d+) child_comm=.* child_pid=(\d+)$/;

/** what the main thread is called before the gate execs QEMU (setpriv, then sh) */
const GATE_NAMES = new Set(["setpriv", "sh"]);

export class SchedTracer {
  private readonly samples: Sample[] = [];
  private fd = -1;
  private timer: NodeJS.Timeout | undefined;
  private rest = "";
  private events = 0;
  private busyMs = 0;
  private startedAt = 0;
  private stoppedAt = 0;
  private stopped: { samples: Sample[]; stats: TraceStats } | undefined;
  private readonly buf = Buffer.alloc(256 * 1024);
  /** tid → is it QEMU's (cached) */
  private readonly ours = new Map<number, boolean>();
  /** tid → when it went onto a CPU (ms), for the CPU time of its switch-out sample */
  private readonly onCpuSince = new Map<number, number>();
  private readonly keep: NonNullable<SamplerOptions["keep"]>;
  /** monotonic ns at t0 */
  private monoAtT0: bigint;

  private constructor(
    private readonly opts: SamplerOptions,
    private readonly instance: string,
    private readonly unmountDir: string | undefined,
  ) {
    this.keep = opts.keep ?? defaultKeep;
    // libuv's hrtime is CLOCK_MONOTONIC, the instance's "mono" trace clock
    this.monoAtT0 = process.hrtime.bigint() - BigInt(Math.round((performance.now() - opts.t0) * 1e6));
  }

  /** A tracer on `opts.pid`'s threads, or why there cannot be one. */
  static open(opts: SamplerOptions): SchedTracer | { unavailable: string } {
    const where = tracefsRoot();
    if ("why" in where) return { unavailable: where.why };
    const instance = join(where.root, "instances", `numadesk-${process.pid}-${randomBytes(4).toString("hex")}`);
    try {
      mkdirSync(instance);
      const w = (file: string, text: string) => writeFileSync(join(instance, file), text);
      w("trace_clock", "mono");
      w("buffer_size_kb", "4096");
      w("options/event-fork", "1");
      // QEMU's pid and the threads it has already: the ones it makes later are added by the kernel
      const tids = readTids(opts.pid);
      w("set_event_pid", [opts.pid, ...tids].join(" "));
      w("events/sched/sched_switch/enable", "1");
      w("events/sched/sched_migrate_task/enable", "1");
      // thread creations: a thread's events are ours when its creator was, even if it is gone
      // by the time we read them (a touch_pages thread of a small backend lives a few ms)
      w("events/sched/sched_process_fork/enable", "1");
      w("tracing_on", "1");
      const t = new SchedTracer(opts, instance, where.unmount);
      for (const tid of [opts.pid, ...tids]) t.ours.set(tid, true);
      t.fd = openSync(join(instance, "trace_pipe"), constants.O_RDONLY | constants.O_NONBLOCK);
      return t;
    } catch (e) {
      removeInstance(instance);
      if (where.unmount) unmount(where.unmount);
      return { unavailable: `the trace instance could not be set up (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
    }
  }

  start(): void {
    // t0 may be set after the tracer was attached (a gated spawn starts the clock at the release)
    this.monoAtT0 = process.hrtime.bigint() - BigInt(Math.round((performance.now() - this.opts.t0) * 1e6));
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), 50);
  }

  /** Read what the kernel recorded since the last call; public so a caller can take a last look. */
  tick(): Sample[] {
    if (this.fd < 0) return [];
    const begin = performance.now();
    const batch: Sample[] = [];
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw e;
      }
      if (n <= 0) break;
      const text = this.rest + this.buf.toString("latin1", 0, n);
      const lines = text.split("\n");
      this.rest = lines.pop() ?? "";
      for (const l of lines) this.line(l, batch);
      if (n < this.buf.length) break;
    }
    for (const s of batch) this.samples.push(s);
    if (batch.length > 0) this.opts.onBatch?.(batch);
    this.busyMs += performance.now() - begin;
    return batch;
  }

  private isOurs(tid: number): boolean {
    let v = this.ours.get(tid);
    if (v === undefined) {
      v = tid === this.opts.pid || existsSync(`/proc/${this.opts.pid}/task/${tid}`);
      // a thread seen once stays ours (it may have exited by the next look)
      if (v || this.ours.size < 100_000) this.ours.set(tid, v);
    }
    return v;
  }

  private line(l: string, out: Sample[]) {
    const m = LINE.exec(l);
    if (!m) return;
    this.events++;
    const cpu = Number(m[1]);
    const ns = BigInt(m[2]!) * 1_000_000_000n + BigInt(m[3]!.padEnd(9, "0").slice(0, 9));
    const t = Number(ns - this.monoAtT0) / 1e6;
    const push = (tid: number, name: string, onCpu: number, state: string, ranUs: number) => {
      if (!this.isOurs(tid) || !this.keep(name, tid, this.opts.pid)) return;
      // the spawn gate (launch.ts) before it execs QEMU in its place: not QEMU yet
      if (tid === this.opts.pid && GATE_NAMES.has(name)) return;
      out.push({ t: Math.round(t * 1000) / 1000, tid, name, cpu: onCpu, node: this.opts.nodeOf(onCpu), state, ranUs });
    };
    if (m[4] === "sched_switch") {
      const s = SWITCH.exec(m[5]!);
      if (!s) return;
      const prev = Number(s[2]);
      const next = Number(s[5]);
      if (prev !== 0) {
        const since = this.onCpuSince.get(prev);
        this.onCpuSince.delete(prev);
        // prev_state: R (preempted, still runnable), S, D, … ("R+" = preempted)
        push(prev, s[1]!, cpu, s[3]![0] ?? "?", since !== undefined ? Math.max(0, (t - since) * 1000) : 0);
      }
      if (next !== 0) {
        this.onCpuSince.set(next, t);
        push(next, s[4]!, cpu, "R", 0);
      }
    } else if (m[4] === "sched_process_fork") {
      const f = FORK.exec(m[5]!);
      if (f && this.ours.get(Number(f[1])) === true) this.ours.set(Number(f[2]), true);
    } else {
      const g = MIGRATE.exec(m[5]!);
      if (!g) return;
      // the thread is moved to dest_cpu (it runs there next): every migration is a sample
      push(Number(g[2]), g[1]!, Number(g[4]), "R", 0);
    }
  }

  /** Stop (once), drain, remove the instance; what was traced. */
  stop(): { samples: Sample[]; stats: TraceStats } {
    if (this.stopped) return this.stopped;
    if (this.timer) clearInterval(this.timer);
    this.tick();
    this.stoppedAt = performance.now();
    const lost = readLost(this.instance);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    removeInstance(this.instance);
    if (this.unmountDir) unmount(this.unmountDir);
    const span = Math.max(1, this.stoppedAt - this.startedAt);
    this.stopped = { samples: this.samples, stats: { mode: "tracepoint", events: this.events, lost, cpuPercent: Math.round((this.busyMs / span) * 10000) / 100 } };
    return this.stopped;
  }
}

function readTids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

function readLost(instance: string): number {
  let lost = 0;
  try {
    for (const cpu of readdirSync(join(instance, "per_cpu"))) {
      const text = readFileSync(join(instance, "per_cpu", cpu, "stats"), "utf8");
      lost += Number(/^overrun: (\d+)/m.exec(text)?.[1] ?? 0) + Number(/^dropped events: (\d+)/m.exec(text)?.[1] ?? 0);
    }
  } catch {
    /* no stats: nothing known lost */
  }
  return lost;
}

function removeInstance(instance: string) {
  try {
    writeFileSync(join(instance, "tracing_on"), "0");
  } catch {
    /* not set up */
  }
  try {
    rmdirSync(instance);
  } catch {
    /* gone, or never made */
  }
}
