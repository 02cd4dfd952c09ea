// Live progress of a run: bytes populated so far in each memory backend, read from QEMU's
// /proc/PID/smaps a few times a second (the parsing and the mapping → backend rule are in
// shared/run/populated.ts). Reading smaps makes the kernel walk the page tables of every
// mapping: measured here, one look at a QEMU with a 4 GiB backend cost 6 ms of system time
// (and 4 ms of ours before only the backends' fields were read). So it is done at most 5
// times a second and less when a look costs more: each look waits 100× its own CPU cost, which
// keeps it under 1 % of one core whatever the size.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Layout } from "../../shared/layout/schema";
import { backendBytes } from "../../shared/qemu/prealloc";
import { appendPopulated, BackendFill, parseSmaps, type FillBackend, type PopulatedSeries } from "../../shared/run/populated";

export const FILL_RATE_HZ = 5;
/** the next look waits this many times what the last one cost */
const BACKOFF = 100;

/** The backends a run preallocates, in creation order, as the fill reader matches them. */
export function fillBackends(layout: Layout, order: readonly string[], memPaths?: ReadonlyMap<string, string>): FillBackend[] {
  return order.flatMap((id) => {
    const b = layout.backends.find((x) => x.id === id);
    if (!b || !b.prealloc) return [];
    const kind = b.type === "memfd" ? "memfd" : b.type === "file" ? "file" : b.type === "ram" ? "ram" : undefined;
    if (!kind) return [];
    const memPath = memPaths?.get(id) ?? b.memPath;
    return [{ id, bytes: backendBytes(b), kind, ...(kind === "file" && memPath !== undefined ? { memPath } : {}) }];
  });
}

export class FillWatcher {
  private readonly fill: BackendFill;
  private timer: NodeJS.Timeout | undefined;
  readonly series: PopulatedSeries = { t: [], bytes: {} };
  private last = "";

  constructor(
    private readonly pid: number,
    backends: readonly FillBackend[],
    private readonly t0: number,
    private readonly onChange: (t: number, bytes: Record<string, number>) => void,
  ) {
    this.fill = new BackendFill(backends);
  }

  /** CPU time the looks took (ms), for the record's cost line */
  costMs = 0;
  looks = 0;

  start(): void {
    const next = (waitMs: number) => {
      this.timer = setTimeout(() => {
        const cost = this.look();
        if (this.timer !== undefined) next(Math.max(1000 / FILL_RATE_HZ, Math.min(2000, cost * BACKOFF)));
      }, waitMs);
    };
    next(1000 / FILL_RATE_HZ);
  }

  /** One look at smaps; a change is kept and told. Public for a last look when preallocation is done. */
  look(): number {
    const before = process.cpuUsage();
    let text: string;
    try {
      text = readFileSync(`/proc/${this.pid}/smaps`, "utf8");
    } catch {
      return 0; // QEMU is gone
    }
    const now = this.fill.look(parseSmaps(text, this.fill.sizes));
    const used = process.cpuUsage(before);
    const cost = (used.user + used.system) / 1000;
    this.costMs += cost;
    this.looks++;
    const key = JSON.stringify(now);
    if (key === this.last) return cost;
    this.last = key;
    const t = performance.now() - this.t0;
    appendPopulated(this.series, t, now);
    this.onChange(t, now);
    return cost;
  }

  stop(): PopulatedSeries {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.series;
  }
}
