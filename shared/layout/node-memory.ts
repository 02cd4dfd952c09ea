// What a layout puts on each host node: the backends bound there, the bytes they take from
// the node's free memory or from its huge-page pools, and how far that goes beyond what is
// free. The host canvas draws it. Its red "N GiB more than is free" is NUMA013's own reading
// (layout/memory-fit.ts: preallocated ordinary pages, policy=bind node sets filled as Linux
// fills them, every backend at once), so the canvas and the checker say the same: the bar's
// even split of a multi-node backend, and memory that is not preallocated (QEMU 7.2 starts,
// the pages come as the guest touches them), had drawn red where the checker said nothing.

import type { Backend, Layout } from "./schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { backendBytes, backendPageSize } from "../qemu/prealloc";
import { memoryShortages } from "./memory-fit";
import { humanSize } from "../size/size";
import { formatIdList } from "../cpulist/cpulist";

export interface NodeMemoryUse {
  node: number;
  /** backends whose host-nodes include this node, in layout order */
  backends: string[];
  /** bytes of ordinary pages this layout binds here (a backend over k nodes counts 1/k on each) */
  bound: number;
  /** free memory of the node */
  free: number;
  /** NUMA013's over-commit of the smallest node set holding this node that is over (memory-fit.ts): 0 when it fits */
  over: number;
  /** that node set, when it is more than this node */
  overNodes?: number[];
  /** huge pages per page size: bytes bound here, bytes free in the pool, and beyond free */
  huge: Array<{ pageSize: number; bound: number; free: number; over: number }>;
}

/** The host nodes a backend's memory may come from (host-nodes=, any policy). */
export function backendNodes(b: Backend): number[] {
  return idList(b.hostNodes);
}

/** Per host node, in host order: what the layout binds there and whether it fits. */
export function nodeMemoryUse(host: HostTopology, layout: Layout): NodeMemoryUse[] {
  const overs = memoryShortages(layout, host).filter((s) => s.kind === "over");
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
    // the set NUMA013 reports for this node; of several, the one short of the most
    const short = overs.filter((s) => s.nodes.includes(n.id)).sort((a, b) => b.bytes - b.free - (a.bytes - a.free))[0];
    return {
      node: n.id,
      backends,
      bound,
      free: n.memFree,
      over: short ? short.bytes - short.free : 0,
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
  if (use.over > 0) parts.push(use.overNodes ? `${humanSize(use.over)} more than nodes ${formatIdList(use.overNodes)} have free` : `${humanSize(use.over)} more than is free`);
  if (huge > 0) parts.push(`${humanSize(huge)} more huge pages than are free`);
  return parts.join(", ");
}
