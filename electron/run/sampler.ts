// Samples where a process's threads run: for each thread, its name (`comm`), state and last
// CPU (fields 3 and 39 of /proc/PID/task/TID/stat) and the CPU time it used (schedstat).
// Files are opened once per thread and re-read with pread at offset 0, which costs far less
// than opening them on every tick (DESIGN: readFileSync every 5 ms ≈ 7 % of a core for 8
// threads).
//
// A thread seen asleep is looked at through schedstat first: the kernel makes that line from
// three counters (time on CPU, time waiting on a runqueue, timeslices), where stat gathers some
// fifty fields (measured here at load 8: 3.3 µs a read against 7 µs). While those counters
// stand still the thread has not run since, so it is still asleep on the CPU it left and its
// sample is the last one again; once they move, stat is read as for a running thread. What
// this gives up: a thread woken and queued, but not yet on a CPU, shows as still asleep until
// it runs (its wait is at most the time to its first slice). Exact mode sees every switch.

import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Sample } from "../../shared/run/types";

export interface SamplerOptions {
  pid: number;
  rateHz?: number;
  /** host node of a CPU */
  nodeOf: (cpu: number) => number;
  /** performance.now() when QEMU was let go (at spawn, or at a gated spawn's release): sample times are ms after it; read at start() */
  t0: number;
  /** which threads to record (default: touch_pages, thread-contexts and the main thread) */
  keep?: (name: string, tid: number, pid: number) => boolean;
  /** called with each tick's samples */
  onBatch?: (samples: Sample[]) => void;
}

export interface SamplerStats {
  rateHz: number;
  ticks: number;
  /** periods in which no tick happened because the one before came too late */
  missedTicks: number;
  /** time spent sampling as a share of the time sampled, in % of one core */
  cpuPercent: number;
}

interface Task {
  tid: number;
  /** the last stat's state and CPU, and the schedstat line it was read with */
  lastState: number;
  lastCpu: number;
  lastSched: string;
  stat: number;
  schedstat: number;
  comm: number;
  name: string;
  lastRunNs: number;
  looks: number;
  settled: boolean;
  kept: boolean;
}

const buf = Buffer.alloc(1024);

function preadBytes(fd: number): number {
  try {
    return readSync(fd, buf, 0, buf.length, 0);
  } catch {
    return -1; // the thread has exited
  }
}

function pread(fd: number): string | undefined {
  const n = preadBytes(fd);
  return n < 0 ? undefined : buf.toString("latin1", 0, n);
}

/** The first number of a schedstat line (ns on CPU), from the bytes. */
function firstNumber(n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

const STATE_CHARS = new Map<number, string>();
function stateChar(code: number): string {
  let s = STATE_CHARS.get(code);
  if (s === undefined) {
    s = String.fromCharCode(code);
    STATE_CHARS.set(code, s);
  }
  return s;
}

// CPU time moves slowly compared with the last-CPU field: read it every few ticks, and list
// the threads every fourth tick (a new thread is noticed within 4 periods, 20 ms at 200 Hz;
// touch_pages threads live for the whole preallocation of their backend).
const SCHEDSTAT_EVERY = 8;
const LIST_EVERY = 4;

/** state and last CPU from a stat line; the name in parentheses may contain spaces and ')'. */
export function parseStat(line: string): { state: string; cpu: number } | undefined {
  const b = Buffer.from(line, "latin1");
  const r = parseStatBytes(b, b.length);
  return r ? { state: String.fromCharCode(r.state), cpu: r.cpu } : undefined;
}

const CLOSE_PAREN = 0x29;
const R_STATE = 0x52; // 'R'
const SPACE = 0x20;

/**
 * The same, straight from the bytes pread returned: no string is made on the hot path.
 * Field 3 (state) follows ") "; field 39 (processor) is 36 spaces further on.
 */
export function parseStatBytes(b: Buffer, n: number): { state: number; cpu: number } | undefined {
  let i = n - 1;
  while (i >= 0 && b[i] !== CLOSE_PAREN) i--;
  if (i < 0 || i + 2 >= n) return undefined;
  const state = b[i + 2]!;
  let field = 3;
  let j = i + 3;
  for (; j < n && field < 39; j++) if (b[j] === SPACE) field++;
  if (field !== 39) return undefined;
  let cpu = 0;
  let digits = 0;
  for (; j < n; j++) {
    const c = b[j]!;
    if (c < 0x30 || c > 0x39) break;
    cpu = cpu * 10 + (c - 0x30);
    digits++;
  }
  return digits > 0 ? { state, cpu } : undefined;
}

export const defaultKeep = (name: string, tid: number, pid: number) => name === "touch_pages" || name.startsWith("TC ") || tid === pid;

export class Sampler {
  private tasks = new Map<number, Task>();
  private tidList: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly samples: Sample[] = [];
  private ticks = 0;
  private missed = 0;
  private busyMs = 0;
  private startedAt = 0;
  private stoppedAt = 0;
  private nextAt = 0;
  private readonly periodMs: number;
  private readonly keep: NonNullable<SamplerOptions["keep"]>;

  constructor(private readonly opts: SamplerOptions) {
    this.periodMs = 1000 / (opts.rateHz ?? 200);
    this.keep = opts.keep ?? defaultKeep;
  }

  start(): void {
    this.startedAt = performance.now();
    this.nextAt = this.startedAt;
    this.loop();
  }

  private lastTickAt = 0;

  private loop = (): void => {
    const now = performance.now();
    // A tick is missed when the gap since the last one could have held another whole tick.
    if (this.lastTickAt > 0) {
      const gap = now - this.lastTickAt;
      if (gap >= 2 * this.periodMs) this.missed += Math.floor(gap / this.periodMs) - 1;
    }
    this.lastTickAt = now;
    this.tick();
    this.nextAt += this.periodMs;
    // catch up without bursts: never schedule in the past
    if (this.nextAt < performance.now()) this.nextAt = performance.now();
    this.timer = setTimeout(this.loop, Math.max(0, this.nextAt - performance.now()));
  };

  /** One pass over the threads; public so a caller can take a last look. */
  tick(): Sample[] {
    const begin = performance.now();
    this.ticks++;
    const dir = `/proc/${this.opts.pid}/task`;
    let tids: number[];
    if (this.ticks % LIST_EVERY === 1 || this.tasks.size === 0) {
      try {
        tids = readdirSync(dir).map(Number);
      } catch {
        tids = [];
      }
      const seen = new Set(tids);
      for (const [tid, task] of this.tasks) {
        if (!seen.has(tid)) this.drop(tid, task);
      }
    } else tids = this.tidList;
    this.tidList = tids;
    const readSched = this.ticks % SCHEDSTAT_EVERY === 1;
    const batch: Sample[] = [];
    const t = begin - this.opts.t0;
    for (const tid of tids) {
      let task = this.tasks.get(tid);
      if (!task) {
        try {
          task = {
            tid,
            stat: openSync(`${dir}/${tid}/stat`, "r"),
            schedstat: openSync(`${dir}/${tid}/schedstat`, "r"),
            comm: openSync(`${dir}/${tid}/comm`, "r"),
            name: "",
            lastState: 0,
            lastCpu: -1,
            lastSched: "",
            lastRunNs: -1,
            looks: 0,
            settled: false,
            kept: false,
          };
        } catch {
          continue; // gone between readdir and open
        }
        this.tasks.set(tid, task);
      }
      // QEMU names a thread right after creating it: look again until the name settles.
      // the main thread changes its name when setpriv and the spawn gate's sh exec QEMU: look again now and then
      if (task.settled && tid === this.opts.pid && this.ticks % 16 === 0) task.settled = false;
      if (!task.settled) {
        if (task.looks % 8 === 0 || task.looks < 3 || task.name.startsWith("TC ")) task.name = (pread(task.comm) ?? task.name).trim();
        task.looks++;
        // a new thread carries its creator's name until it names itself: a worker made by the
        // thread-context starts as "TC <id>", so that name is never final
        task.settled = task.looks >= 3 && task.name !== "" && !task.name.startsWith("qemu-system") && task.name !== "setpriv" && task.name !== "sh" && !task.name.startsWith("TC ");
        task.kept = this.keep(task.name, tid, this.opts.pid);
      }
      if (!task.kept) continue;
      // asleep at the last look: has it run (or queued) since? schedstat says, for less
      let sched: string | undefined;
      if (task.lastCpu >= 0 && task.lastState !== R_STATE) {
        const m = preadBytes(task.schedstat);
        if (m < 0) continue;
        sched = buf.toString("latin1", 0, m);
        if (sched === task.lastSched) {
          batch.push({ t, tid, name: task.name, cpu: task.lastCpu, node: this.opts.nodeOf(task.lastCpu), state: stateChar(task.lastState), ranUs: 0 });
          continue;
        }
      }
      const n = preadBytes(task.stat);
      const parsed = n > 0 ? parseStatBytes(buf, n) : undefined;
      if (!parsed) continue;
      task.lastState = parsed.state;
      task.lastCpu = parsed.cpu;
      let ranUs = 0;
      if (sched !== undefined) {
        // read just now: the CPU time since the last look, and the line the next look compares
        const runNs = Number(sched.slice(0, sched.indexOf(" ")));
        if (task.lastRunNs >= 0) ranUs = Math.max(0, (runNs - task.lastRunNs) / 1000);
        task.lastRunNs = runNs;
        task.lastSched = sched;
      } else if (readSched || task.lastRunNs < 0 || parsed.state !== R_STATE) {
        // time for it, or about to be asleep: the next look compares this line
        const m = preadBytes(task.schedstat);
        if (m > 0) {
          const runNs = firstNumber(m);
          if (task.lastRunNs >= 0) ranUs = Math.max(0, (runNs - task.lastRunNs) / 1000);
          task.lastRunNs = runNs;
          task.lastSched = buf.toString("latin1", 0, m);
        }
      }
      batch.push({ t, tid, name: task.name, cpu: parsed.cpu, node: this.opts.nodeOf(parsed.cpu), state: stateChar(parsed.state), ranUs });
    }
    for (const s of batch) this.samples.push(s);
    if (batch.length > 0) this.opts.onBatch?.(batch);
    this.busyMs += performance.now() - begin;
    return batch;
  }

  private drop(tid: number, task: Task) {
    for (const fd of [task.stat, task.schedstat, task.comm]) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    this.tasks.delete(tid);
  }

  /** Stop (once) and return what was sampled; calling it again returns the same. */
  stop(): { samples: Sample[]; stats: SamplerStats } {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stoppedAt === 0) this.stoppedAt = performance.now();
    for (const [tid, task] of this.tasks) this.drop(tid, task);
    const span = Math.max(1, this.stoppedAt - this.startedAt);
    return {
      samples: this.samples,
      stats: { rateHz: 1000 / this.periodMs, ticks: this.ticks, missedTicks: this.missed, cpuPercent: Math.round((this.busyMs / span) * 10000) / 100 },
    };
  }
}
