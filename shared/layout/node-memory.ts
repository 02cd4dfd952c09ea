// What a layout puts on each host node: the backends bound there, the bytes they take from
// the node's free memory or from its huge-page pools, and how far that goes beyond what is
// free. The host canvas draws it; the numbers follow the NUMA013/NUMA015 rules' reading.

import type { Backend, Layout } from "./schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { backendBytes, backendPageSize } from "../qemu/prealloc";

export interface NodeMemoryUse {
  node: number;
  /** backends whose host-nodes include this node, in layout order */
  backends: string[];
  /** bytes of ordinary pages this layout binds here (a backend over k nodes counts 1/k on each) */
  bound: number;
  /** free memory of the node */
  free: number;
  /** bound beyond free: 0 when it fits */
  over: number;
  /** huge pages per page size: bytes bound here, bytes free in the pool, and beyond free */
  huge: Array<{ pageSize: number; bound: number; free: number; over: number }>;
}

/** The host nodes a backend's memory may come from (host-nodes=, any policy). */
export function backendNodes(b: Backend): number[] {
  return idList(b.hostNodes);
}

/** Per host node, in host order: what the layout binds there and whether it fits. */
export function nodeMemoryUse(host: HostTopology, layout: Layout): NodeMemoryUse[] {
  return host.nodes.map((n) => {
    let bound = 0;
    const huge = new Map<number, number>();
    const backends: string[] = [];
    for (const b of layout.backends) {
      const nodes = backendNodes(b);
      if (!nodes.includes(n.id)) continue;
      backends.push(b.id);
      // an interleaved or multi-node bind spreads its pages over its nodes
      const share = backendBytes(b) / nodes.length;
      if (b.hugetlb) {
        const page = backendPageSize(b);
        huge.set(page, (huge.get(page) ?? 0) + share);
      } else bound += share;
    }
    return {
      node: n.id,
      backends,
      bound,
      free: n.memFree,
      over: Math.max(0, bound - n.memFree),
      huge: [...huge].map(([pageSize, bytes]) => {
        const pool = n.hugepages.find((h) => h.pageSize === pageSize);
        const free = pool ? pool.free * pageSize : 0;
        return { pageSize, bound: bytes, free, over: Math.max(0, bytes - free) };
      }),
    };
  });
}
