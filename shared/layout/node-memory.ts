// What a layout puts on each host node: the backends bound there, the bytes they take from
// the node's free memory or from its huge-page pools, and how far that goes beyond what is
// free. The host canvas draws it: ordinary pages placed by the rule NUMA013 reads
// (node-placement.ts: a bind set filled nearest node first; what fits nowhere is the red, on its
// nearest node, so the bars' red adds up to NUMA013's bytes), huge pages as NUMA015 counts them.
// Its red words are NUMA013's own reading (layout/memory-fit.ts): the node set short and by how
// much. The bar's even split of a multi-node backend, and memory that is not preallocated (QEMU
// 7.2 starts, the pages come as the guest touches them), had drawn red where the checker said nothing.

import type { Backend, Layout } from "./schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { backendBytes, backendPageSize } from "../qemu/prealloc";
import { placeOrdinaryMemory } from "./node-placement";
import { memoryShortages } from "./memory-fit";
import { humanSize } from "../size/size";
import { formatIdList } from "../cpulist/cpulist";

export interface NodeMemoryUse {
  node: number;
  /** backends whose host-nodes include this node, in layout order */
  backends: string[];
  /** bytes of ordinary pages this layout puts here: a backend over several nodes where Linux takes its pages (node-placement.ts) */
  bound: number;
  /** free memory of the node */
  free: number;
  /** preallocated bytes that fit nowhere in their node set (NUMA013's error), drawn on their nearest node: 0 when it fits */
  over: number;
  /** NUMA013's over-commit of the node set holding this node that is short the most (memory-fit.ts), for the bar's words: absent when it fits */
  setOver?: number;
  /** that node set, when it is more than this node */
  overNodes?: number[];
  /** huge pages per page size: bytes bound here, bytes free in the pool, and beyond free */
  huge: Array<{ pageSize: number; bound: number; free: number; over: number }>;
}

/** The host nodes a backend's memory may come from (host-nodes=, any policy). */
export function backendNodes(b: Backend): number[] {
  return idList(b.hostNodes);
}

/** Per host node, in host order: what the layout binds there and whether it fits (ordinary pages placed by node-placement.ts, the rule NUMA013 reads). */
export function nodeMemoryUse(host: HostTopology, layout: Layout): NodeMemoryUse[] {
  const ordinary = placeOrdinaryMemory(layout, host);
  // NUMA013's sets are asked for only when something is placed nowhere: the placement is red exactly
  // when NUMA013 errs (node-placement.test.ts), and the sets cost ~0.8 ms on the 1024-PU bench host, on every edit
  const anyUnplaced = [...ordinary.over.values()].some((v) => v > 0);
  const overs = anyUnplaced ? memoryShortages(layout, host).filter((s) => s.kind === "over") : [];
  return host.nodes.map((n) => {
    const huge = new Map<number, number>();
    const backends: string[] = [];
    for (const b of layout.backends) {
      const nodes = backendNodes(b);
      if (!nodes.includes(n.id)) continue;
      backends.push(b.id);
      // a huge-page pool is per node and per size (NUMA015): a backend over k nodes counts 1/k on each
      if (b.hugetlb) {
        const page = backendPageSize(b);
        huge.set(page, (huge.get(page) ?? 0) + backendBytes(b) / nodes.length);
      }
    }
    const over = ordinary.over.get(n.id) ?? 0;
    // the set NUMA013 reports for this node; of several, the one short of the most
    const short = overs.filter((s) => s.nodes.includes(n.id)).sort((a, b) => b.bytes - b.free - (a.bytes - a.free))[0];
    return {
      node: n.id,
      backends,
      bound: (ordinary.placed.get(n.id) ?? 0) + over + (ordinary.later.get(n.id) ?? 0),
      free: n.memFree,
      over,
      ...(short ? { setOver: short.bytes - short.free } : {}),
      ...(short && short.nodes.length > 1 ? { overNodes: short.nodes } : {}),
      huge: [...huge].map(([pageSize, bytes]) => {
        const pool = n.hugepages.find((h) => h.pageSize === pageSize);
        const free = pool ? pool.free * pageSize : 0;
        return { pageSize, bound: bytes, free, over: Math.max(0, bytes - free) };
      }),
    };
  });
}

/** The red words of a node's memory bar: NUMA013's over-commit (of the node, or of the node set it shares), and its huge pages short. */
export function overText(use: NodeMemoryUse): string {
  const huge = use.huge.reduce((a, u) => a + u.over, 0);
  const parts: string[] = [];
  const over = use.setOver ?? use.over;
  if (over > 0) parts.push(use.overNodes ? `${humanSize(over)} more than nodes ${formatIdList(use.overNodes)} have free` : `${humanSize(over)} more than is free`);
  if (huge > 0) parts.push(`${humanSize(huge)} more huge pages than are free`);
  return parts.join(", ");
}
