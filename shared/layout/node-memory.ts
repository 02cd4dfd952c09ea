// What a layout puts on each host node: the backends bound there, the bytes they take from
// the node's free memory or from its huge-page pools, and how far that goes beyond what is
// free. The host canvas draws it; ordinary pages are placed by the rule NUMA013 reads (node-placement.ts), huge pages as NUMA015 counts them.

import type { Backend, Layout } from "./schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { backendBytes, backendPageSize } from "../qemu/prealloc";
import { placeOrdinaryMemory } from "./node-placement";

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
    return {
      node: n.id,
      backends,
      bound: (ordinary.placed.get(n.id) ?? 0) + over + (ordinary.later.get(n.id) ?? 0),
      free: n.memFree,
      over,
      huge: [...huge].map(([pageSize, bytes]) => {
        const pool = n.hugepages.find((h) => h.pageSize === pageSize);
        const free = pool ? pool.free * pageSize : 0;
        return { pageSize, bound: bytes, free, over: Math.max(0, bytes - free) };
      }),
    };
  });
}
