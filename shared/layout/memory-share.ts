// How much memory a guest node added without a size gets, so a -m the user typed survives the
// canvas's "+ guest node" drops (128G became 4G after four drops: each new node was 1G and -m
// was set to their sum).
//
// QEMU's rule (7.2.22, -S, TCG, measured here): with -numa node,memdev= the backends' sizes must
// add up to exactly -m, more or less is refused with "total memory for NUMA nodes (0x18000000)
// should equal RAM size (0x20000000)"; sizes need not be equal (170M + 171M + 171M for -m 512M
// boots). So -m is the guest's RAM and the guest nodes share it:
// - a new node takes what -m leaves (-m minus the other nodes' backends), when that is at least
//   MIN_REST;
// - when the nodes already use all of -m, every guest node gets an even share (oVirt's NUMA
//   dialog divides a VM's memory the same way), in whole units of 2 MiB (or the largest huge
//   page a backend uses), the first nodes taking one unit more when it does not divide;
// - with no -m written, or a node whose memory cannot be shared (no backend, a legacy mem=, a
//   backend two nodes name), the new node gets NEW_NODE_SIZE and -m becomes the nodes' sum, as
//   before; the note says so.

import type { Layout } from "./schema";
import { formatSize, MiB, parseSize } from "../size/size";

/** What a guest node made by a drop gets when -m cannot be shared. */
export const NEW_NODE_SIZE = "1G";
/** Less than this left by the other nodes is not a node's memory: the nodes share -m evenly instead. */
export const MIN_REST = 64 * MiB;

export type MemoryShare =
  /** the new node gets what -m leaves */
  | { kind: "rest"; size: string; memory: string }
  /** every node (in layout.nodes order, then the new one) gets its share of -m */
  | { kind: "even"; size: string; sizes: string[]; memory: string }
  /** the new node gets `size` and -m becomes the sum; `why` says why -m was not shared */
  | { kind: "sum"; size: string; why: string };

const bytesOf = (text: string | undefined, unit: "B" | "M" = "B"): number | undefined => {
  if (text === undefined) return undefined;
  const r = parseSize(text, unit);
  return r.ok ? r.bytes : undefined;
};

/** The memory of a guest node added to `layout` without a size, and what it does to the other nodes. */
export function shareOfMemory(layout: Layout): MemoryShare {
  const memory = layout.memory?.size;
  const m = bytesOf(memory, "M");
  if (memory === undefined || m === undefined) return { kind: "sum", size: NEW_NODE_SIZE, why: "no -m was given" };
  const sizes: number[] = [];
  const seen = new Set<string>();
  let unit = 2 * MiB;
  for (const [i, n] of layout.nodes.entries()) {
    const b = n.memdev !== undefined && !seen.has(n.memdev) ? layout.backends.find((x) => x.id === n.memdev) : undefined;
    const bytes = bytesOf(b?.size);
    if (!b || bytes === undefined) return { kind: "sum", size: NEW_NODE_SIZE, why: `guest node ${n.nodeid ?? i} has no memory backend of its own to share -m with` };
    seen.add(b.id);
    sizes.push(bytes);
    // a hugetlb backend's size is a whole number of its pages
    const page = bytesOf(b.hugetlbsize);
    if (page !== undefined && page > unit) unit = page;
  }
  const rest = m - sizes.reduce((a, s) => a + s, 0);
  if (rest >= MIN_REST) return { kind: "rest", size: formatSize(rest), memory };
  const count = sizes.length + 1;
  const units = Math.floor(m / unit);
  if (m % unit !== 0 || units < count) return { kind: "sum", size: NEW_NODE_SIZE, why: `-m ${memory} cannot be shared by ${count} guest nodes in whole ${formatSize(unit)} units` };
  const each = Math.floor(units / count);
  const extra = units - each * count;
  const shares = Array.from({ length: count }, (_, i) => formatSize((each + (i < extra ? 1 : 0)) * unit));
  return { kind: "even", size: shares[count - 1]!, sizes: shares.slice(0, -1), memory };
}

/** The sentence the app says after such an add: what the new node got and what happened to -m. */
export function shareNote(share: MemoryShare, nodeName: string, sumAfter: string | undefined): string {
  if (share.kind === "rest") return `${nodeName} takes what -m ${share.memory} leaves: ${share.size}`;
  if (share.kind === "even") {
    const all = [...share.sizes, share.size];
    const same = all.every((s) => s === all[0]);
    return `-m ${share.memory} kept: the ${all.length} guest nodes now share it evenly (${same ? `${all[0]} each` : all.join(", ")})`;
  }
  return `${nodeName} gets ${share.size} and -m is now the guest nodes' sum${sumAfter ? `, ${sumAfter}` : ""} (${share.why})`;
}
