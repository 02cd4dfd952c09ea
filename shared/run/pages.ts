// Which page size a run's memory got: what the kernel reported (smaps_rollup) after
// preallocation, not what the layout asked for — THP may or may not have backed anonymous
// memory, and a hugetlb backend only gets huge pages when the pool had them.

import type { Layout } from "../layout/schema";
import { backendPageSize } from "../qemu/prealloc";
import type { RunRecord } from "./types";

type Memory = RunRecord["memory"];
export type Pages = NonNullable<Memory["pages"]>;

const SMALL = 4096;
const THP = 2 * 1024 * 1024;

export function pagesGot(layout: Layout, memory: Omit<Memory, "pages">): Pages | undefined {
  if (memory.rssBytes === undefined) return undefined;
  if ((memory.hugetlbBytes ?? 0) > 0) {
    const sizes = layout.backends.filter((b) => b.hugetlb).map(backendPageSize);
    return { kind: "hugetlb", bytes: sizes.length ? Math.max(...sizes) : THP };
  }
  const thp = memory.anonHugeBytes ?? 0;
  const share = memory.preallocBytes > 0 ? Math.min(1, thp / memory.preallocBytes) : 0;
  if (share >= 0.999) return { kind: "thp", bytes: THP, thpShare: 1 };
  if (thp === 0) return { kind: "base", bytes: SMALL, thpShare: 0 };
  return { kind: "mixed", bytes: THP, thpShare: Math.round(share * 1000) / 1000 };
}
