// How many touch_pages threads QEMU really starts for a backend, and facts about -smp.

import type { Backend, Layout, SmpOpt } from "../layout/schema";
import { MiB, parseSize } from "../size/size";

// QEMU clamps preallocation threads to 16 (MAX_MEM_PREALLOC_THREAD_COUNT, util/oslib-posix.c).
export const MAX_PREALLOC_THREADS = 16;
// ...and starts no more than one thread per 64 MiB (get_memset_num_threads()).
export const BYTES_PER_PREALLOC_THREAD = 64 * MiB;
export const SMALL_PAGE = 4096;

function topologyProduct(smp: SmpOpt): number | undefined {
  const parts = [smp.sockets, smp.dies, smp.clusters, smp.cores, smp.threads];
  if (parts.every((p) => p === undefined)) return undefined;
  return parts.reduce<number>((acc, p) => acc * (p ?? 1), 1);
}

/** vCPUs present at start (-smp cpus); QEMU's default is 1. */
export function smpCpus(smp: SmpOpt | undefined): number {
  if (!smp) return 1;
  return smp.cpus ?? smp.maxcpus ?? topologyProduct(smp) ?? 1;
}

/** The highest vCPU count (-smp maxcpus); vCPU indexes run below it. */
export function smpMaxCpus(smp: SmpOpt | undefined): number {
  if (!smp) return 1;
  return smp.maxcpus ?? smp.cpus ?? topologyProduct(smp) ?? 1;
}

export function backendBytes(b: Backend): number {
  const r = parseSize(b.size);
  return r.ok ? r.bytes : 0;
}

export function backendPageSize(b: Backend): number {
  if (b.hugetlb) {
    const r = b.hugetlbsize ? parseSize(b.hugetlbsize) : undefined;
    // memfd hugetlb without hugetlbsize uses the kernel's default huge page size (2 MiB on x86).
    return r && r.ok ? r.bytes : 2 * MiB;
  }
  return SMALL_PAGE;
}

export interface PreallocThreads {
  /** what the layout asks for (prealloc-threads, or QEMU's default: the -smp CPU count) */
  requested: number;
  /** what QEMU will start */
  effective: number;
  /** why effective < requested */
  limits: string[];
}

export function preallocThreads(b: Backend, layout: Layout, hostOnlineCpus?: number): PreallocThreads {
  // Since QEMU 7.1 an unset prealloc-threads defaults to the -smp CPU count.
  const requested = b.preallocThreads ?? smpCpus(layout.smp);
  const bytes = backendBytes(b);
  const pages = Math.floor(bytes / backendPageSize(b));
  const limits: string[] = [];
  let effective = Math.max(1, requested);
  if (hostOnlineCpus !== undefined && hostOnlineCpus < effective) {
    effective = hostOnlineCpus;
    limits.push(`${hostOnlineCpus} online host CPUs`);
  }
  if (MAX_PREALLOC_THREADS < effective) {
    effective = MAX_PREALLOC_THREADS;
    limits.push(`QEMU's cap of ${MAX_PREALLOC_THREADS}`);
  }
  if (pages < effective) {
    effective = Math.max(1, pages);
    limits.push(`${pages} pages`);
  }
  const bySize = Math.max(1, Math.floor(bytes / BYTES_PER_PREALLOC_THREAD));
  if (bySize < effective) {
    effective = bySize;
    limits.push(`one thread per 64 MiB`);
  }
  return { requested, effective, limits };
}
