// QEMU's preallocation rules in one place: how many touch_pages workers a backend gets, whether
// a worker thread exists at all, and whether the command line's backends preallocate together
// or one after another. Read from QEMU's sources (util/oslib-posix.c get_memset_num_threads(),
// touch_all_pages(), qemu_finish_async_prealloc_mem(); backends/hostmem.c
// host_memory_backend_memory_complete(); system/vl.c qemu_create_late_backends()) and checked
// against Debian's QEMU 7.2.22 and bookworm-backports' 10.0.2 on this machine by counting
// touch_pages threads and timing when each backend's workers start
// (electron/qemu/versions.test.ts).

import type { Backend, Layout } from "../layout/schema";
import { versionBelow } from "../validate/context";
import { backendBytes, backendPageSize, BYTES_PER_PREALLOC_THREAD, MAX_PREALLOC_THREADS, preallocThreads } from "./prealloc";

// get_memset_num_threads(): MIN(host CPUs online, MAX_MEM_PREALLOC_THREAD_COUNT = 16,
// prealloc-threads), then MIN(pages), then MIN(MAX(1, size / 64 MiB)) — the same in 7.2 and
// 10.0 (the constants and preallocThreads() live in ./prealloc.ts, re-exported here).

// QEMU 9.0 ("hostmem: add support for parallel preallocation of memory backends", Mark Kanda):
// backends created before PHASE_LATE_BACKENDS_CREATED pass async=true to qemu_prealloc_mem();
// touch_all_pages() keeps async only when MADV_POPULATE_WRITE works and a prealloc-context is
// set; qemu_finish_async_prealloc_mem() then releases every queued backend's workers at once.
export const PARALLEL_PREALLOC_SINCE = { major: 9, minor: 0 } as const;
// MADV_POPULATE_WRITE arrived in Linux 5.14; without it QEMU touches pages itself, synchronously.
export const POPULATE_WRITE_SINCE_KERNEL = { major: 5, minor: 14 } as const;

export interface KernelFacts {
  /** `uname -r`, e.g. "6.1.0-37-amd64"; unknown: assume a kernel with MADV_POPULATE_WRITE */
  release?: string;
}

function kernelBelow(release: string | undefined, major: number, minor: number): boolean {
  const m = release ? /^(\d+)\.(\d+)/.exec(release) : null;
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a < major || (a === major && b < minor);
}

/** Does this QEMU run command-line backends' preallocation in parallel at all? */
export function runsBackendsInParallel(qemuVersion: string | undefined, kernel: KernelFacts = {}): { parallel: boolean; why: string } {
  if (qemuVersion === undefined) return { parallel: false, why: "the QEMU version is unknown (give --qemu PATH or --qemu-version X.Y.Z); assuming one backend after another" };
  if (versionBelow(qemuVersion, PARALLEL_PREALLOC_SINCE.major, PARALLEL_PREALLOC_SINCE.minor)) {
    return { parallel: false, why: `QEMU ${qemuVersion} preallocates backends one after another (in parallel only since QEMU 9.0)` };
  }
  if (kernelBelow(kernel.release, POPULATE_WRITE_SINCE_KERNEL.major, POPULATE_WRITE_SINCE_KERNEL.minor)) {
    return { parallel: false, why: `Linux ${kernel.release} has no MADV_POPULATE_WRITE (since 5.14), which QEMU's parallel preallocation needs` };
  }
  return { parallel: true, why: `QEMU ${qemuVersion} preallocates backends that have a prealloc-context in parallel` };
}

export interface BackendPrealloc {
  id: string;
  /** touch_pages workers QEMU computes (get_memset_num_threads) */
  workers: number;
  /** touch_pages threads that appear: 0 when QEMU populates from its main thread */
  threadsSeen: number;
  /** runs at the same time as the other backends with parallel = true */
  parallel: boolean;
  /** why it runs alone, when it does */
  why?: string;
  /** the limits that cut prealloc-threads down to `workers` */
  limits: string[];
}

/**
 * What QEMU does with each preallocated backend of the layout, in command-line order.
 * `hostOnlineCpus`: sysconf(_SC_NPROCESSORS_ONLN) of the host QEMU runs on.
 */
export function preallocPlan(layout: Layout, qemuVersion: string | undefined, hostOnlineCpus?: number, kernel: KernelFacts = {}): BackendPrealloc[] {
  const engine = runsBackendsInParallel(qemuVersion, kernel);
  return layout.backends
    .filter((b) => b.prealloc)
    .map((b) => {
      const t = preallocThreads(b, layout, hostOnlineCpus);
      const hasContext = b.preallocContext !== undefined;
      // Backends created later (hot-plugged with object-add) never run async; on the command
      // line every backend is created before PHASE_LATE_BACKENDS_CREATED.
      const parallel = engine.parallel && hasContext;
      // touch_all_pages(): with MADV_POPULATE_WRITE, one worker and no async, QEMU calls
      // madvise from its main thread and creates no thread (7.1+). An async backend gets its
      // one thread (created in its context, released later).
      const threadsSeen = t.effective === 1 && !parallel ? 0 : t.effective;
      const out: BackendPrealloc = { id: b.id, workers: t.effective, threadsSeen, parallel, limits: t.limits };
      if (!parallel) out.why = engine.parallel ? `${b.id} has no prealloc-context, so QEMU preallocates it on its own, before the parallel ones` : engine.why;
      return out;
    });
}

/** Backends that preallocate at the same time, in the order QEMU runs the groups. */
export function preallocPhases(plan: readonly BackendPrealloc[]): BackendPrealloc[][] {
  // Sequential backends complete inside their object's creation, in command-line order; the
  // parallel ones are all released after the last late backend is created (qemu_create_late_backends).
  const phases: BackendPrealloc[][] = plan.filter((p) => !p.parallel).map((p) => [p]);
  const together = plan.filter((p) => p.parallel);
  if (together.length > 0) phases.push(together);
  return phases;
}

/** One line per backend for the app and the CLI: "8 workers on node 1, parallel with ram-node0". */
export function describePrealloc(plan: readonly BackendPrealloc[], layout: Layout): Map<string, string> {
  const byId = new Map(layout.backends.map((b: Backend) => [b.id, b]));
  const out = new Map<string, string>();
  for (const p of plan) {
    const b = byId.get(p.id);
    const where = b?.hostNodes !== undefined ? ` on node ${b.hostNodes}` : "";
    const who = p.threadsSeen === 0 ? "QEMU's main thread" : `${p.workers} worker${p.workers === 1 ? "" : "s"}`;
    const others = plan.filter((q) => q.parallel && q.id !== p.id).map((q) => q.id);
    const how = p.parallel ? (others.length > 0 ? `parallel with ${others.join(", ")}` : "on its own") : "one backend after another";
    out.set(p.id, `${who}${where}, ${how}${p.limits.length > 0 ? ` (capped by ${p.limits.join(", ")})` : ""}`);
  }
  return out;
}

/** Workers per backend QEMU allows for `bytes` of memory in pages of `pageSize`. */
export function maxWorkersFor(bytes: number, pageSize: number, hostOnlineCpus: number): number {
  return Math.max(1, Math.min(hostOnlineCpus, MAX_PREALLOC_THREADS, Math.floor(bytes / pageSize), Math.max(1, Math.floor(bytes / BYTES_PER_PREALLOC_THREAD))));
}

export { backendBytes, backendPageSize, BYTES_PER_PREALLOC_THREAD, MAX_PREALLOC_THREADS };
