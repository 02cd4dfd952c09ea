// Reserve huge pages on this host: write each node's new nr_hugepages and read back what the
// kernel really gave. The kernel allocates a persistent huge page from free, contiguous memory
// on that node; when memory is fragmented it gives fewer than asked and says nothing, so the
// count is read back, never assumed.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ReserveStep } from "../../shared/hugepages/need";
import { readInt } from "../probe/sysfs-attr";

export interface ReserveResult {
  step: ReserveStep;
  /** nr_hugepages after the write */
  got: number;
  /** free_hugepages after the write */
  free: number;
  /** the write itself failed (errno code) */
  error?: string;
}

export class ReserveError extends Error {
  override name = "ReserveError";
}

/** The node's pool folder under `root` (the live /sys, or a copy in tests). */
export function poolDir(node: number, pageSize: number, root = "/sys"): string {
  return join(root, `devices/system/node/node${node}/hugepages/hugepages-${pageSize / 1024}kB`);
}

export function readPool(node: number, pageSize: number, root = "/sys"): { total: number; free: number } | undefined {
  const d = poolDir(node, pageSize, root);
  const total = readInt(join(d, "nr_hugepages"));
  const free = readInt(join(d, "free_hugepages"));
  return total === undefined || free === undefined ? undefined : { total, free };
}

/** Set one pool's nr_hugepages (the kernel frees unused pages when it shrinks). */
export function writePool(node: number, pageSize: number, pages: number, root = "/sys"): void {
  if (!Number.isSafeInteger(pages) || pages < 0) throw new ReserveError(`not a page count: ${pages}`);
  writeFileSync(join(poolDir(node, pageSize, root), "nr_hugepages"), `${pages}\n`);
}

export function applyReserve(steps: ReserveStep[], root = "/sys"): ReserveResult[] {
  return steps.map((step) => {
    let error: string | undefined;
    try {
      writePool(step.node, step.pageSize, step.to, root);
    } catch (e) {
      error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    const now = readPool(step.node, step.pageSize, root);
    return { step, got: now?.total ?? 0, free: now?.free ?? 0, ...(error ? { error } : {}) };
  });
}
