// How much free memory the over-commit fixes (NUMA013: shrink, spread) leave to the host. A
// backend sized to exactly the free memory leaves nothing for the page cache, the kernel's own
// allocations and QEMU's overhead beside guest RAM (its binary, TCG/KVM state, I/O buffers),
// so a preallocated guest sized that way is the next OOM-killer victim. The rule, Numadesk's
// policy: leave max(1 GiB, 5 % of the nodes' total memory) free, and give sizes people read:
// whole GiB, or whole 2 MiB huge pages below 1 GiB (so a later switch to 2M pages still fits;
// QEMU 7.2 takes either for memory-backend-ram and -m, measured by electron/qemu/headroom.test.ts).

import type { HostNode } from "../topology/schema";

export const GIB = 2 ** 30;
/** the smallest headroom, and the unit sizes of 1 GiB and more round down to */
export const MIN_HEADROOM = GIB;
/** the share of the nodes' total memory kept free, when that is more than 1 GiB */
export const HEADROOM_SHARE = 0.05;
/** 2 MiB: the unit of sizes below 1 GiB, a whole number of x86 huge pages */
export const SMALL_UNIT = 2 ** 21;

/** The free memory the host keeps on these nodes after a fix: max(1 GiB, 5 % of their total). */
export function headroomFor(nodes: readonly Pick<HostNode, "memTotal">[]): number {
  const total = nodes.reduce((a, n) => a + n.memTotal, 0);
  return Math.max(MIN_HEADROOM, Math.ceil((total * HEADROOM_SHARE) / SMALL_UNIT) * SMALL_UNIT);
}

/** A size rounded down to whole GiB, or to whole 2 MiB pages below 1 GiB (0 below 2 MiB). */
export function roundDownSize(bytes: number): number {
  const unit = bytes >= GIB ? GIB : SMALL_UNIT;
  return Math.max(0, Math.floor(bytes / unit) * unit);
}

/** What the nodes can give a fix: their free memory less the headroom (0 when there is none). */
export function usableFree(nodes: readonly Pick<HostNode, "memTotal" | "memFree">[]): { free: number; headroom: number; usable: number } {
  const free = nodes.reduce((a, n) => a + n.memFree, 0);
  const headroom = headroomFor(nodes);
  return { free, headroom, usable: Math.max(0, free - headroom) };
}
