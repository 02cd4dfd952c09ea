// Where a layout's ordinary (not huge-page) memory lands on the host's nodes: one rule for the
// canvas's memory bars (node-memory.ts) and the NUMA013 check (memory-fit.ts), so a bar is red
// exactly when NUMA013 says the layout does not fit.
//
// What Linux does (mm/mempolicy.c): a policy=bind backend over several nodes takes each page
// from the node of its nodemask nearest to the CPU that touches it, and falls to the next
// nearest when that node has no free memory; with prealloc=on the touching CPU is a
// touch_pages thread, on the prealloc-context's node when there is one. interleave hands pages
// round robin over its nodes; preferred and default start on a node and may use any other.
// So the rule: each backend fills the nodes it may use nearest first (interleave: evenly), and
// where that leaves some of a preallocated backend unplaced while another backend could have
// used a different node, the pages are moved as a max-flow would (Linux gets there when the
// backends are created in a favourable order; NUMA013 asks whether any order works: Hall's
// condition over the bound node sets). What cannot be placed at all is over-committed, drawn on
// the backend's nearest node. Memory that is not preallocated is drawn where it would go but
// is never called over-committed (it is touched later, as the guest uses it), as NUMA013 does.
// Assumed, not measured here (this machine has one node): the fall-back order is the distance order.

import type { Backend, Layout } from "./schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { backendBytes } from "../qemu/prealloc";
import { countsAgainstFree, pageNodes } from "./memory-fit";

export interface OrdinaryPlacement {
  /** bytes of ordinary pages placed on each host node (free memory permitting), by node id */
  placed: Map<number, number>;
  /** preallocated bytes that fit on no node of their set, by the node they are drawn on */
  over: Map<number, number>;
  /** bytes not preallocated beyond what is free, by node: drawn, never over-committed */
  later: Map<number, number>;
}

interface Group {
  /** nodes the pages may come from, nearest first */
  order: number[];
  bytes: number;
  interleave: number[] | undefined;
}

/** The node whose CPUs touch the backend's pages: its prealloc-context's node when that is one node, else its first host node. */
function touchNode(b: Backend, contexts: ReadonlyMap<string, Layout["threadContexts"][number]>, nodes: number[]): number | undefined {
  const tc = b.preallocContext ? contexts.get(b.preallocContext) : undefined;
  const affinity = idList(tc?.nodeAffinity);
  if (affinity.length === 1) return affinity[0];
  return idList(b.hostNodes)[0] ?? nodes[0];
}

/** The nodes a backend may use, nearest to `from` first (host distances; ties by node id). */
function nearestFirst(host: HostTopology, position: ReadonlyMap<number, number>, nodes: number[], from: number | undefined): number[] {
  const at = from === undefined ? -1 : (position.get(from) ?? -1);
  const distance = (id: number) => (at < 0 ? 0 : (host.distances[at]?.[position.get(id) ?? -1] ?? 255));
  return [...nodes].sort((a, b) => (a === from ? -1 : b === from ? 1 : distance(a) - distance(b) || a - b));
}

/** Where the layout's bound ordinary memory goes (backends without host-nodes are not drawn on a node). */
export function placeOrdinaryMemory(layout: Layout, host: HostTopology): OrdinaryPlacement {
  const spare = new Map(host.nodes.map((n) => [n.id, n.memFree]));
  const known = new Set(host.nodes.map((n) => n.id));
  const placed = new Map<number, number>();
  const over = new Map<number, number>();
  const later = new Map<number, number>();
  const add = (m: Map<number, number>, node: number, bytes: number) => m.set(node, (m.get(node) ?? 0) + bytes);
  const drawn = (b: Backend) => !b.hugetlb && idList(b.hostNodes).some((id) => known.has(id));
  // contexts by id, the first of a repeated id as QEMU's lookup finds it (4096 backends × 4096 contexts otherwise)
  const contexts = new Map<string, Layout["threadContexts"][number]>();
  for (const t of layout.threadContexts) if (!contexts.has(t.id)) contexts.set(t.id, t);
  const position = new Map(host.nodes.map((n, i) => [n.id, i]));
  // one order per node set and touching node: thousands of backends share a few
  const orders = new Map<string, number[]>();
  const orderOf = (nodes: number[], from: number | undefined) => {
    const key = `${nodes.join(",")}@${from ?? ""}`;
    let order = orders.get(key);
    if (!order) orders.set(key, (order = nearestFirst(host, position, nodes, from)));
    return order;
  };

  // preallocated backends first, as groups that share a node order (a flow's sources)
  const groups: Group[] = [];
  const flow: Array<Map<number, number>> = [];
  const byKey = new Map<string, number>();
  for (const b of layout.backends) {
    if (!drawn(b) || !countsAgainstFree(b, host)) continue;
    const nodes = pageNodes(b, host);
    if (nodes.length === 0) continue;
    const interleave = b.policy === "interleave" ? idList(b.hostNodes).filter((id) => known.has(id)) : undefined;
    const order = orderOf(nodes, touchNode(b, contexts, nodes));
    const key = `${order.join(",")}|${interleave?.join(",") ?? ""}`;
    const g = byKey.get(key);
    const bytes = backendBytes(b);
    if (g !== undefined) groups[g]!.bytes += bytes;
    else {
      byKey.set(key, groups.length);
      groups.push({ order, bytes, interleave });
      flow.push(new Map());
    }
  }
  const put = (g: number, node: number, bytes: number) => {
    flow[g]!.set(node, (flow[g]!.get(node) ?? 0) + bytes);
    spare.set(node, spare.get(node)! - bytes);
  };
  // most constrained first: a one-node group has nowhere else to go
  const fillOrder = groups.map((_, i) => i).sort((a, b) => groups[a]!.order.length - groups[b]!.order.length || a - b);
  const left = groups.map((g) => g.bytes);
  for (const g of fillOrder) {
    const group = groups[g]!;
    if (group.interleave && group.interleave.length > 0) {
      const share = group.bytes / group.interleave.length;
      for (const node of group.interleave) {
        const take = Math.min(share, Math.max(0, spare.get(node)!));
        if (take > 0) put(g, node, take);
        left[g]! -= take;
      }
    }
    for (const node of group.order) {
      if (left[g]! <= 0) break;
      const take = Math.min(left[g]!, Math.max(0, spare.get(node)!));
      if (take > 0) put(g, node, take);
      left[g]! -= take;
    }
  }
  // what is left: move other groups' pages along augmenting paths (node → group with pages there → another of its nodes)
  for (const g of fillOrder) {
    // each pass saturates a node or empties a group's share on a node (Edmonds-Karp: O(nodes × edges) passes); the bound only guards against float residue
    for (let pass = 0; left[g]! >= 1 && pass < 4 * (groups.length + 1) * (host.nodes.length + 1) + 64; pass++) {
      const path = augmentingPath(g, groups, flow, spare);
      if (!path) break;
      let amount = Math.min(left[g]!, spare.get(path.end)!);
      for (const step of path.steps) amount = Math.min(amount, flow[step.group]!.get(step.from)!);
      if (!(amount > 0)) break;
      // the end node gains, each step shifts `amount` of a group from one node to the next, the first node takes g's pages
      for (const step of path.steps) {
        flow[step.group]!.set(step.from, flow[step.group]!.get(step.from)! - amount);
        flow[step.group]!.set(step.to, (flow[step.group]!.get(step.to) ?? 0) + amount);
      }
      spare.set(path.end, spare.get(path.end)! - amount);
      flow[g]!.set(path.start, (flow[g]!.get(path.start) ?? 0) + amount);
      left[g]! -= amount;
    }
    if (left[g]! >= 1) add(over, groups[g]!.order[0]!, left[g]!);
  }
  flow.forEach((f) => f.forEach((bytes, node) => add(placed, node, bytes)));

  // then what is not preallocated, nearest first into what is still free
  for (const b of layout.backends) {
    if (!drawn(b) || countsAgainstFree(b, host)) continue;
    const nodes = idList(b.hostNodes).filter((id) => known.has(id));
    const order = b.policy === "interleave" ? nodes : orderOf(nodes, touchNode(b, contexts, nodes));
    let rest = backendBytes(b);
    const portions = b.policy === "interleave" ? order.map(() => rest / order.length) : undefined;
    order.forEach((node, i) => {
      const want = portions ? portions[i]! : rest;
      const take = Math.min(want, Math.max(0, spare.get(node)!));
      if (take > 0) {
        add(placed, node, take);
        spare.set(node, spare.get(node)! - take);
      }
      rest -= take;
      if (portions && want > take) add(later, node, want - take);
    });
    if (!portions && rest > 0) add(later, order[0]!, rest);
  }
  return { placed, over, later };
}

interface PathStep {
  group: number;
  from: number;
  to: number;
}

/** A way to make room for group g: from one of its full nodes, through groups that can move pages, to a node with free memory. */
function augmentingPath(g: number, groups: Group[], flow: Array<Map<number, number>>, spare: Map<number, number>): { start: number; end: number; steps: PathStep[] } | undefined {
  const came = new Map<number, PathStep | null>();
  const queue: number[] = [];
  for (const node of groups[g]!.order) {
    if (came.has(node)) continue;
    came.set(node, null);
    queue.push(node);
  }
  while (queue.length > 0) {
    const u = queue.shift()!;
    if (spare.get(u)! > 0 && came.get(u) !== null) return walkBack(u, came);
    if (spare.get(u)! > 0) return { start: u, end: u, steps: [] };
    for (let h = 0; h < groups.length; h++) {
      if (!((flow[h]!.get(u) ?? 0) > 0)) continue;
      for (const v of groups[h]!.order) {
        if (came.has(v)) continue;
        came.set(v, { group: h, from: u, to: v });
        queue.push(v);
      }
    }
  }
  return undefined;
}

function walkBack(end: number, came: Map<number, PathStep | null>): { start: number; end: number; steps: PathStep[] } {
  const steps: PathStep[] = [];
  let at = end;
  for (let step = came.get(at); step; step = came.get(at)) {
    steps.unshift(step);
    at = step.from;
  }
  return { start: at, end, steps };
}
