// Edits the UI makes to a layout, as pure functions: each returns a new layout and leaves
// every element it does not concern as it was (so an imported command line keeps its text).

import type { Backend, Layout, ThreadContext } from "./schema";
import type { HostTopology } from "../topology/schema";
import { formatIdList, parseIdList } from "../cpulist/cpulist";
import { formatSize, parseSize } from "../size/size";
import { nearestCpuNode, nodeById, onlineCpusOf } from "../topology/query";
import { movePinsWithNode } from "../pin/follow";
import { copyData } from "./copy";
import { shareOfMemory } from "./memory-share";

/**
 * The node whose CPUs should preallocate memory bound to `node`: itself, or for a memory-only
 * node the nearest node with CPUs (QEMU 7.2 refuses a thread-context whose node-affinity
 * selects no CPUs: "The nodes select no CPUs"). One rule for the edits, the fixes and the planner.
 */
export function preallocNode(host: HostTopology | undefined, node: number): number {
  const n = host ? nodeById(host, node) : undefined;
  if (!host || !n || onlineCpusOf(host, n).length > 0) return node;
  return nearestCpuNode(host, n)?.id ?? node;
}

function clone(l: Layout): Layout {
  return copyData(l);
}

/** The thread-context pinned to exactly this host node, if there is one. */
export function contextForNode(l: Layout, node: number): ThreadContext | undefined {
  const want = String(node);
  // "3" as written is the usual case; "3-3" or " 3" are read as the list they are
  return l.threadContexts.find((t) => t.nodeAffinity !== undefined && t.cpuAffinity === undefined && (t.nodeAffinity === want || formatIdList(ids(t.nodeAffinity)) === want));
}

function ids(text: string | undefined): number[] {
  const r = text === undefined ? undefined : parseIdList(text);
  return r && r.ok ? r.ids : [];
}

export function freeId(l: Layout, base: string): string {
  const used = new Set([...l.backends.map((b) => b.id), ...l.threadContexts.map((t) => t.id)]);
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

function ensureContext(l: Layout, node: number): ThreadContext {
  const existing = contextForNode(l, node);
  if (existing) return existing;
  const tc: ThreadContext = { id: freeId(l, `tc${node}`), nodeAffinity: String(node) };
  l.threadContexts.push(tc);
  return tc;
}

/** Drop contexts that no backend uses any more (ones the user wrote by hand stay if used). */
export function pruneContexts(l: Layout) {
  const used = new Set(l.backends.map((b) => b.preallocContext).filter(Boolean));
  l.threadContexts = l.threadContexts.filter((t) => used.has(t.id));
}

/**
 * Drop a memory backend chip on a host node: bind it there, and move its threads with it (to
 * the nearest node with CPUs when the node has none, given the host).
 */
export function bindBackend(layout: Layout, backendId: string, hostNode: number, host?: HostTopology): Layout {
  const l = clone(layout);
  const b = l.backends.find((x) => x.id === backendId);
  if (!b) return layout;
  b.hostNodes = String(hostNode);
  if (!b.policy || b.policy === "default") b.policy = "bind";
  if (b.preallocContext) {
    b.preallocContext = ensureContext(l, preallocNode(host, hostNode)).id;
    pruneContexts(l);
  }
  return l;
}

/**
 * Drop a backend chip on a host node from the canvas: bind it (above), and the vCPU pins of every
 * guest node whose memory it is follow it there, as a dragged guest node's do (moveGuestNode);
 * pins left on the old node would read all of that memory remotely (PIN001).
 */
export function bindBackendAndPins(layout: Layout, backendId: string, hostNode: number, host?: HostTopology): Layout {
  const l = bindBackend(layout, backendId, hostNode, host);
  if (l === layout || !host) return l;
  l.nodes.forEach((n, i) => {
    if (n.memdev === backendId) movePinsWithNode(l, i, hostNode, host);
  });
  return l;
}

/** Drop a thread budget on a host node: a context there, and `threads` threads for each backend bound to it. */
export function applyThreadBudget(layout: Layout, hostNode: number, threads: number, host?: HostTopology): Layout {
  const l = clone(layout);
  const here = l.backends.filter((b) => formatIdList(ids(b.hostNodes)) === String(hostNode));
  if (here.length === 0) return layout;
  if (threads <= 0) {
    for (const b of here) {
      delete b.preallocThreads;
      delete b.preallocContext;
    }
    pruneContexts(l);
    return l;
  }
  const tc = threads >= 2 ? ensureContext(l, preallocNode(host, hostNode)) : undefined;
  for (const b of here) {
    b.prealloc = true;
    b.preallocThreads = threads;
    if (tc) b.preallocContext = tc.id;
    else delete b.preallocContext;
  }
  pruneContexts(l);
  return l;
}

export function setBackendSize(layout: Layout, backendId: string, size: string): Layout {
  const r = parseSize(size);
  if (!r.ok || r.bytes === 0) return layout;
  const l = clone(layout);
  const b = l.backends.find((x) => x.id === backendId);
  if (!b) return layout;
  b.size = size;
  syncMemory(l);
  return l;
}

/** Keep -m equal to the guest nodes' memory after an edit of sizes (mutates `l`). */
export function syncMemory(l: Layout) {
  if (l.nodes.length === 0 || !l.nodes.every((n) => n.memdev)) return;
  const sum = l.nodes.reduce((a, n) => {
    const b = l.backends.find((x) => x.id === n.memdev);
    const r = b ? parseSize(b.size) : undefined;
    return a + (r && r.ok ? r.bytes : 0);
  }, 0);
  const cur = l.memory ? parseSize(l.memory.size, "M") : undefined;
  if (!cur || !cur.ok || cur.bytes !== sum) l.memory = { ...(l.memory ?? {}), size: formatSize(sum, "M") };
}

/** Keep -smp covering every vCPU the guest nodes name. */
function syncSmp(l: Layout) {
  const all = l.nodes.flatMap((n) => ids(n.cpus));
  const need = all.length ? Math.max(...all) + 1 : 1;
  const have = l.smp?.maxcpus ?? l.smp?.cpus ?? 1;
  if (need > have || !l.smp) l.smp = { ...(l.smp ?? {}), cpus: Math.max(need, l.smp?.cpus ?? 0) };
}

/**
 * A new guest node with its own backend bound to a host node; `vcpus` more vCPUs after the highest one, or exactly these vCPUs (taken from the nodes that had them).
 * With a size, -m becomes the nodes' sum; without one (a canvas drop), the node shares -m (shared/layout/memory-share.ts) and -m is kept.
 */
export function addGuestNode(layout: Layout, hostNode: number, size: string | undefined, vcpus: number | readonly number[]): Layout {
  if (typeof vcpus !== "number") {
    const added = addGuestNode(layout, hostNode, size, 0);
    return vcpus.length ? moveVcpus(added, vcpus, added.nodes.length - 1) : added;
  }
  if (size === undefined) {
    const share = shareOfMemory(layout);
    const added = addGuestNode(layout, hostNode, share.size, vcpus);
    if (share.kind === "sum") return added;
    // the node was added with the size -m leaves (or its even share): the others take theirs, and -m is as typed
    if (share.kind === "even") share.sizes.forEach((s, i) => (added.backends.find((b) => b.id === added.nodes[i]!.memdev)!.size = s));
    added.memory = { ...added.memory, size: share.memory };
    return added;
  }
  const l = clone(layout);
  const nodeid = l.nodes.length === 0 ? 0 : Math.max(...l.nodes.map((n, i) => n.nodeid ?? i)) + 1;
  const first = l.nodes.flatMap((n) => ids(n.cpus)).reduce((a, c) => Math.max(a, c + 1), 0);
  const backend: Backend = { id: freeId(l, `ram-node${nodeid}`), type: "ram", size, hostNodes: String(hostNode), policy: "bind" };
  l.backends.push(backend);
  const node = { nodeid, memdev: backend.id } as Layout["nodes"][number];
  if (vcpus > 0) node.cpus = formatIdList(Array.from({ length: vcpus }, (_, i) => first + i));
  l.nodes.push(node);
  syncMemory(l);
  syncSmp(l);
  return l;
}

/** Remove a guest node and the backend only it used. */
export function removeGuestNode(layout: Layout, index: number): Layout {
  const l = clone(layout);
  const [node] = l.nodes.splice(index, 1);
  if (!node) return layout;
  if (node.memdev && !l.nodes.some((n) => n.memdev === node.memdev) && l.machine?.memoryBackend !== node.memdev) {
    l.backends = l.backends.filter((b) => b.id !== node.memdev);
  }
  l.distances = l.distances.filter((d) => d.src !== (node.nodeid ?? index) && d.dst !== (node.nodeid ?? index));
  pruneContexts(l);
  syncMemory(l);
  return l;
}

/** Split a guest node in two on the same host node: half the memory and half the vCPUs each. */
export function splitGuestNode(layout: Layout, index: number): Layout {
  const node = layout.nodes[index];
  const backend = node?.memdev ? layout.backends.find((b) => b.id === node.memdev) : undefined;
  if (!node || !backend) return layout;
  const r = parseSize(backend.size);
  const half = r.ok ? Math.floor(r.bytes / 2 / 2 ** 21) * 2 ** 21 : 0;
  if (half === 0) return layout;
  const cpus = ids(node.cpus);
  const keep = cpus.slice(0, Math.ceil(cpus.length / 2));
  const give = cpus.slice(keep.length);
  let l = clone(layout);
  const b = l.backends.find((x) => x.id === backend.id)!;
  b.size = formatSize(r.ok ? r.bytes - half : 0);
  if (keep.length) l.nodes[index]!.cpus = formatIdList(keep);
  else delete l.nodes[index]!.cpus;
  const host = ids(backend.hostNodes)[0] ?? 0;
  l = addGuestNode(l, host, formatSize(half), 0);
  const added = l.nodes[l.nodes.length - 1]!;
  if (give.length) added.cpus = formatIdList(give);
  const addedBackend = l.backends.find((x) => x.id === added.memdev)!;
  for (const k of ["prealloc", "preallocThreads", "preallocContext", "policy"] as const) if (backend[k] !== undefined) (addedBackend as Record<string, unknown>)[k] = backend[k];
  return l;
}

/** Drag a guest node onto a host node: its backend is bound there, its thread-context and its vCPU pins follow (host-aware). */
export function moveGuestNode(layout: Layout, index: number, hostNode: number, host?: HostTopology): Layout {
  const memdev = layout.nodes[index]?.memdev;
  if (!memdev) return layout;
  const l = bindBackend(layout, memdev, hostNode, host);
  if (l !== layout && host) movePinsWithNode(l, index, hostNode, host);
  return l;
}

/**
 * Move vCPUs to the guest node at `toIndex` (-1: to none): out of every other node, into that one, each list
 * kept canonical (sorted ranges, "0-25,52-77"). A node left with none loses its cpus= (QEMU
 * takes a memory-only guest node). -smp grows to cover the highest vCPU named.
 */
export function moveVcpus(layout: Layout, vcpus: readonly number[], toIndex: number): Layout {
  // toIndex -1: out of every node (back to the unassigned vCPUs -smp still makes)
  if ((toIndex !== -1 && !layout.nodes[toIndex]) || vcpus.length === 0) return layout;
  const moving = new Set(vcpus);
  const l = clone(layout);
  let changed = false;
  l.nodes.forEach((n, i) => {
    const have = ids(n.cpus);
    const next = i === toIndex ? [...new Set([...have, ...moving])] : have.filter((c) => !moving.has(c));
    if (next.length === have.length) return; // untouched nodes keep their imported text
    changed = true;
    if (next.length) n.cpus = formatIdList(next.sort((a, b) => a - b));
    else delete n.cpus;
  });
  if (!changed) return layout; // dropped where they already were: no edit, no undo step
  syncSmp(l);
  return l;
}

/** vCPUs that -smp makes (cpus, or maxcpus when larger) but no guest node names. */
export function unassignedVcpus(layout: Layout): number[] {
  const total = Math.max(layout.smp?.cpus ?? (layout.smp ? 1 : 0), layout.smp?.maxcpus ?? 0);
  const named = new Set(layout.nodes.flatMap((n) => ids(n.cpus)));
  const out: number[] = [];
  for (let c = 0; c < Math.min(total, 4096); c++) if (!named.has(c)) out.push(c);
  return out;
}
