// Samples where a process's threads run: for each thread, its name (`comm`), state and last
// CPU (fields 3 and 39 of /proc/PID/task/TID/stat) and the CPU time it used (schedstat).
// Files are opened once per thread and re-read with pread at offset 0, which costs far less
// than opening them on every tick (DESIGN: readFileSync every 5 ms ≈ 7 % of a core for 8
// threads).

import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Sample } from "../../shared/run/types";

export interface SamplerOptions {
  pid: number;
  rateHz?: number;
  /** host node of a CPU */
  nodeOf: (cpu: number) => number;
  /** performance.now() at spawn: sample times are ms after it */
  t0: number;
  /** which threads to record (default: touch_pages, thread-contexts and the main thread) */
  keep?: (name: string, tid: number, pid: number) => boolean;
  /** called with each tick's samples */
  onBatch?: (samples: Sample[]) => void;
}

export interface SamplerStats {
  rateHz: number;
  ticks: number;
  /** ticks that came later than one period after the one before */
  missedTicks: number;
  /** time spent sampling as a share of the time sampled, in % of one core */
  cpuPercent: number;
}

interface Task {
  tid: number;
  stat: number;
  schedstat: number;
  comm: number;
  name: string;
  lastRunNs: number;
  looks: number;
}

const buf = Buffer.alloc(1024);

function pread(fd: number): string | undefined {
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString("latin1", 0, n);
  } catch {
    return undefined; // the thread has exited
  }
}

/** state and last CPU from a stat line; the name in parentheses may contain spaces and ')'. */
export function parseStat(line: string): { state: string; cpu: number } | undefined {
  const close = line.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = line.slice(close + 2).split(" ");
  // fields[0] is field 3 (state); field 39 (processor) is fields[36]
  const cpu = Number(fields[36]);
  if (!fields[0] || !Number.isInteger(cpu)) return undefined;
  return { state: fields[0], cpu };
}

export const defaultKeep = (name: string, tid: number, pid: number) => name === "touch_pages" || name.startsWith("TC ") || tid === pid;

export class Sampler {
  private tasks = new Map<number, Task>();
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

  private loop = (): void => {
    const now = performance.now();
    if (now - this.nextAt > this.periodMs) this.missed++;
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
    try {
      tids = readdirSync(dir).map(Number);
    } catch {
      tids = [];
    }
    const seen = new Set(tids);
    for (const [tid, task] of this.tasks) {
      if (!seen.has(tid)) this.drop(tid, task);
    }
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
            lastRunNs: -1,
            looks: 0,
          };
        } catch {
          continue; // gone between readdir and open
        }
        this.tasks.set(tid, task);
      }
      // QEMU names a thread right after creating it: look again until the name settles.
      if (task.looks < 3 || task.name.startsWith("qemu-system") || task.name === "") {
        if (task.looks % 8 === 0 || task.looks < 3) task.name = (pread(task.comm) ?? task.name).trim();
        task.looks++;
      }
      if (!this.keep(task.name, tid, this.opts.pid)) continue;
      const stat = pread(task.stat);
      const parsed = stat ? parseStat(stat) : undefined;
      if (!parsed) continue;
      const sched = pread(task.schedstat);
      const runNs = sched ? Number(sched.split(" ")[0]) : 0;
      const ranUs = task.lastRunNs >= 0 ? Math.max(0, (runNs - task.lastRunNs) / 1000) : 0;
      task.lastRunNs = runNs;
      batch.push({ t, tid, name: task.name, cpu: parsed.cpu, node: this.opts.nodeOf(parsed.cpu), state: parsed.state, ranUs });
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
