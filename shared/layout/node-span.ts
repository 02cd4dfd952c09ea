// A guest node whose memory spans several host nodes: -object memory-backend-*,host-nodes=0-1
// (libvirt's <memnode cellid='0' mode='strict' nodeset='0-1'/>). The canvas's menus and drags
// took one host node; these edits give a guest node a further host node or take one away, each
// one undoable step, and its preallocation context and vCPU pins follow (pin/span-pins.ts).
//
// QEMU 7.2.22 (-S, TCG, measured here): host-nodes=0-1 is read as a range (as libvirt writes
// it), with policy bind, interleave and preferred alike, and so is thread-context
// node-affinity=0-1; on this one-node host both lines start and preallocate, since mbind takes a
// set that holds an online node ("host-nodes=7" alone is refused: "cannot bind memory to host
// NUMA nodes: Invalid argument"). A span is bound with policy bind (interleave is kept): the
// kernel then fills each node's part from the vCPUs that run there, where "preferred" names one
// node (MPOL_PREFERRED before Linux 5.15's MPOL_PREFERRED_MANY).

import type { Layout, ThreadContext } from "./schema";
import type { HostTopology } from "../topology/schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { copyData } from "./copy";
import { freeId, moveGuestNode, preallocNode, pruneContexts } from "./edits";
import { movePinsWithSpan } from "../pin/span-pins";

/** The host nodes guest node `index`'s memory is bound to (none when it is not bound, or interleaved/default). */
export function boundHostNodes(layout: Layout, index: number): number[] {
  const memdev = layout.nodes[index]?.memdev;
  const b = memdev ? layout.backends.find((x) => x.id === memdev) : undefined;
  if (!b || b.policy === undefined || b.policy === "default") return [];
  return idList(b.hostNodes);
}

/** The thread-context whose node-affinity is exactly these nodes, made when there is none. */
function contextForNodes(l: Layout, nodes: number[]): ThreadContext {
  const want = formatIdList(nodes);
  const have = l.threadContexts.find((t) => t.cpuAffinity === undefined && t.nodeAffinity !== undefined && formatIdList(idList(t.nodeAffinity)) === want);
  if (have) return have;
  const tc: ThreadContext = { id: freeId(l, `tc${want.replace(/,/g, "_")}`), nodeAffinity: want };
  l.threadContexts.push(tc);
  return tc;
}

/** Bind guest node `index`'s memory to `nodes` (two or more): its backend, its preallocation context and its pins. */
function bindSpan(layout: Layout, index: number, nodes: number[], host: HostTopology | undefined): Layout {
  const l = copyData(layout);
  const b = l.backends.find((x) => x.id === l.nodes[index]!.memdev)!;
  b.hostNodes = formatIdList(nodes);
  if (b.policy !== "interleave") b.policy = "bind";
  if (b.preallocContext) {
    // its touch_pages threads on every spanned node with CPUs (a memory-only node's: the nearest one's)
    b.preallocContext = contextForNodes(
      l,
      [...new Set(nodes.map((n) => preallocNode(host, n)))].sort((x, y) => x - y),
    ).id;
    pruneContexts(l);
  }
  if (host) movePinsWithSpan(l, index, nodes, host);
  return l;
}

/** Also bind guest node `index`'s memory to host node `hostNode` (host-nodes=0 → 0-1); an unbound node is bound there alone. */
export function spanGuestNode(layout: Layout, index: number, hostNode: number, host?: HostTopology): Layout {
  const memdev = layout.nodes[index]?.memdev;
  if (!memdev || !layout.backends.some((b) => b.id === memdev)) return layout;
  const now = boundHostNodes(layout, index);
  if (now.length === 0) return moveGuestNode(layout, index, hostNode, host);
  if (now.includes(hostNode)) return layout;
  return bindSpan(
    layout,
    index,
    [...now, hostNode].sort((a, b) => a - b),
    host,
  );
}

/** Take host node `hostNode` out of guest node `index`'s memory nodes; the last one stays (bind elsewhere with moveGuestNode). */
export function unspanGuestNode(layout: Layout, index: number, hostNode: number, host?: HostTopology): Layout {
  const now = boundHostNodes(layout, index);
  if (now.length < 2 || !now.includes(hostNode)) return layout;
  const left = now.filter((n) => n !== hostNode);
  return left.length === 1 ? moveGuestNode(layout, index, left[0]!, host) : bindSpan(layout, index, left, host);
}
