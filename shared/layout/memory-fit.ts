// Whether a layout's preallocated ordinary memory fits the free memory of the host nodes it is
// bound to, counting every backend at once. Linux serves a policy=bind backend from any node of
// its host-nodes (the nearest first, then the others), so backends bound to overlapping node
// sets share those nodes' free memory: a 300 GiB backend on node 0 and a 600 GiB one on nodes
// 0-1 fit neither alone-checked set's complaint, yet need 900 GiB of nodes 0-1. The memory fits
// exactly when, for every union U of the bound node sets, the backends bound inside U need no
// more than U's free memory (Hall's condition for the assignment of pages to nodes). NUMA013
// and its fixes (fixes.ts: shrink, spread) read this one model.

import type { Backend, Layout } from "./schema";
import type { HostTopology } from "../topology/schema";
import { parseIdList } from "../cpulist/cpulist";
import { backendBytes } from "../qemu/prealloc";
import { mountOf } from "../hugepages/need";
import { headroomFor } from "./headroom";

/** A union of bound node sets, with what it holds and what it must hold. */
export interface NodeSetFit {
  /** host node ids, ascending */
  nodes: number[];
  /** true when the set is every host node: unbound (or not policy=bind) backends live there */
  whole: boolean;
  /** free memory of the nodes */
  free: number;
  /** what Numadesk leaves the host there (headroom.ts) */
  headroom: number;
  /** bytes of the counted backends bound inside the set */
  bytes: number;
  /** layout indices of those backends, in layout order */
  backends: number[];
  /** the nodes as a bit mask over the host's node positions */
  mask: bigint;
}

/** At most this many unions are examined, built from at most MAX_BASES distinct bound sets; past
 *  either, the bound sets and their whole union are (a 4096-backend layout over 64 distinct
 *  pairs of nodes stays under 100 ms). */
const MAX_UNIONS = 512;
const MAX_BASES = 64;

/** Whether NUMA013 counts a backend: preallocated ordinary pages (huge pages come from the pools, NUMA015). */
export function countsAgainstFree(b: Backend, host: HostTopology): boolean {
  if (!b.prealloc || b.hugetlb) return false;
  return !(b.type === "file" && b.memPath !== undefined && host.hugetlbfs !== undefined && mountOf(b.memPath, host.hugetlbfs) !== undefined);
}

/** The host nodes a counted backend's pages may come from: its policy=bind nodes that exist, or every node. */
export function pageNodes(b: Backend, host: HostTopology): number[] {
  const all = host.nodes.map((n) => n.id);
  if (b.policy !== "bind") return all;
  const r = b.hostNodes === undefined ? undefined : parseIdList(b.hostNodes);
  const named = r && r.ok ? r.ids : [];
  return all.filter((id) => named.includes(id));
}

/** Every union of the layout's bound node sets (up to MAX_UNIONS), with its bytes, free memory and headroom. */
export function nodeSetFits(layout: Layout, host: HostTopology): NodeSetFit[] {
  // node sets as bit masks over the host's node positions: a union is an OR, "inside" an AND-NOT
  const position = new Map<number, number>(host.nodes.map((n, i) => [n.id, i]));
  const maskOf = (nodes: readonly number[]) => nodes.reduce((m, id) => m | (1n << BigInt(position.get(id)!)), 0n);
  const base = new Map<bigint, { bytes: number; backends: number[] }>();
  layout.backends.forEach((b, i) => {
    if (!countsAgainstFree(b, host)) return;
    const nodes = pageNodes(b, host);
    if (nodes.length === 0) return; // NUMA010 says the nodes are absent
    const m = maskOf(nodes);
    const g = base.get(m) ?? { bytes: 0, backends: [] };
    g.bytes += backendBytes(b);
    g.backends.push(i);
    base.set(m, g);
  });
  const bases = [...base.keys()];
  const sets = new Set<bigint>(bases);
  // the closure under union, breadth first, bounded
  const queue = [...bases];
  while (bases.length <= MAX_BASES && queue.length > 0 && sets.size < MAX_UNIONS) {
    const s = queue.shift()!;
    for (const t of bases) {
      const u = s | t;
      if (sets.has(u)) continue;
      sets.add(u);
      queue.push(u);
      if (sets.size >= MAX_UNIONS) break;
    }
  }
  if (bases.length > 0) sets.add(bases.reduce((a, m) => a | m, 0n));
  const groups = [...base];
  return [...sets].map((u) => {
    const pool = host.nodes.filter((_, i) => (u >> BigInt(i)) & 1n);
    const inside = groups.filter(([m]) => (m & ~u) === 0n);
    return {
      mask: u,
      nodes: pool.map((n) => n.id),
      whole: pool.length === host.nodes.length,
      free: pool.reduce((a, n) => a + n.memFree, 0),
      headroom: headroomFor(pool),
      bytes: inside.reduce((a, [, g]) => a + g.bytes, 0),
      // worked out when read (for the sets reported): a union of a 4096-backend layout holds thousands
      get backends() {
        return Array.from(Uint32Array.from(inside.flatMap(([, g]) => g.backends)).sort());
      },
    };
  });
}

const within = (a: NodeSetFit, b: NodeSetFit) => a !== b && (a.mask & ~b.mask) === 0n;

export interface MemoryShortage extends NodeSetFit {
  /** over: more than the free memory (QEMU fails or the OOM killer ends it); tight: it fits, but eats the headroom */
  kind: "over" | "tight";
}

/** The node sets short of memory: the smallest ones over their free memory, then the smallest
 *  ones that fit but leave less than the headroom (none containing an over-committed set). */
export function memoryShortages(layout: Layout, host: HostTopology): MemoryShortage[] {
  const fits = nodeSetFits(layout, host);
  const overs = fits.filter((f) => f.bytes > f.free);
  const tights = fits.filter((f) => f.bytes <= f.free && f.bytes > f.free - f.headroom);
  const minimal = (list: NodeSetFit[]) => list.filter((f) => !list.some((g) => within(g, f)));
  const over = minimal(overs);
  const tight = minimal(tights).filter((f) => !over.some((g) => within(g, f)));
  return [...over.map((f) => ({ ...f, kind: "over" as const })), ...tight.map((f) => ({ ...f, kind: "tight" as const }))];
}
