// Live progress of a run: bytes populated so far in each memory backend, read from QEMU's
// /proc/PID/smaps a few times a second (the parsing and the mapping → backend rule are in
// shared/run/populated.ts). Reading smaps walks the page tables of every mapping, so it is
// done at a modest rate (5 Hz), never at the thread sampler's 200 Hz.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Layout } from "../../shared/layout/schema";
import { backendBytes } from "../../shared/qemu/prealloc";
import { appendPopulated, BackendFill, parseSmaps, type FillBackend, type PopulatedSeries } from "../../shared/run/populated";

export const FILL_RATE_HZ = 5;

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

  start(): void {
    this.timer = setInterval(() => this.look(), 1000 / FILL_RATE_HZ);
  }

  /** One look at smaps; a change is kept and told. Public for a last look when preallocation is done. */
  look(): void {
    let text: string;
    try {
      text = readFileSync(`/proc/${this.pid}/smaps`, "utf8");
    } catch {
      return; // QEMU is gone
    }
    const now = this.fill.look(parseSmaps(text));
    const key = JSON.stringify(now);
    if (key === this.last) return;
    this.last = key;
    const t = performance.now() - this.t0;
    appendPopulated(this.series, t, now);
    this.onChange(t, now);
  }

  stop(): PopulatedSeries {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.series;
  }
}
