// A guest node moved onto another host node takes its vCPU pins along: its memory is bound
// there, so vCPUs left on the old node's CPUs would read every byte remotely (PIN001). The one
// rule for every way a guest node moves — dragging its title (layout/edits.ts moveGuestNode),
// dropping its backend chip (bindBackendAndPins) and NUMA042's fix (layout/fixes.ts):
// - where on the node: the fewest whole L3 groups that hold its vCPUs when the node has several
//   (EPYC CCDs, Intel SNC), groups no other guest node's vCPUs are pinned into first, as the
//   planner (pin/l3-fit.ts) places them and NUMA041 expects; else the whole node;
// - a node-wide pin (or a pin of several of its vCPUs to several PUs) becomes that set;
// - a vCPU with a PU of its own gets a PU of the new node in core order (a core's SMT siblings
//   to consecutive vCPUs, one per core with smt "core"), as the planner's --pin cpu gives them;
// - reserved CPUs are never used, PUs other vCPUs hold keep their owners;
// - a dedicated design gives every vCPU of the node its own PU while free PUs suffice (and
//   takes those PUs out of the emulator's and the I/O threads' sets, PIN005); when they do not, the node is pinned
//   node-wide and the design is no longer dedicated;
// - a memory-only host node (CXL) runs no vCPU: they go to the nearest node with CPUs, where
//   its preallocation context goes too (layout/edits.ts preallocNode).

import type { Layout } from "../layout/schema";
import type { HostNode, HostTopology } from "../topology/schema";
import type { VcpuPin } from "./schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { nearestCpuNode, nodeById, onlineCpusOf } from "../topology/query";
import { coreOrderedCpus } from "./plan-pins";
import { fewestGroups, nodeL3Groups } from "./l3-fit";

/** The host node whose CPUs run the vCPUs of a guest node whose memory is on `os`: itself, or the nearest node with CPUs. */
export function vcpuNodeFor(host: HostTopology, os: number): HostNode | undefined {
  const target = nodeById(host, os);
  return target && onlineCpusOf(host, target).length === 0 ? nearestCpuNode(host, target) : target;
}

/**
 * The PUs (ascending) of the fewest whole L3 groups of `node` that hold `want` units, counting
 * in each group the PUs `units` has; groups holding none of `occupied` first. Undefined when the
 * node has fewer than two groups or they hold fewer units together (then the whole node it is).
 */
function l3Choice(host: HostTopology, node: HostNode, want: number, units: readonly number[], occupied: ReadonlySet<number>): Set<number> | undefined {
  const groups = nodeL3Groups(host, node.id);
  if (!groups) return undefined;
  const has = new Set(units);
  const counts = groups.map((g) => g.filter((c) => has.has(c)).length);
  const free = groups.flatMap((g, k) => (g.some((c) => occupied.has(c)) ? [] : [k]));
  const picked = fewestGroups(counts, want, free) ?? fewestGroups(counts, want);
  return picked ? new Set(picked.flatMap((k) => groups[k]!)) : undefined;
}

/** Does ascending `all` hold every id of ascending `some`? */
function coversAll(all: readonly number[], some: readonly number[]): boolean {
  let i = 0;
  for (const id of some) {
    while (i < all.length && all[i]! < id) i++;
    if (all[i] !== id) return false;
  }
  return true;
}

/** Guest node `index`'s vCPU pins moved onto host node `os` (the layout is changed in place). */
export function movePinsWithNode(l: Layout, index: number, os: number, host: HostTopology): void {
  const p = l.pinning;
  const node = vcpuNodeFor(host, os);
  const guest = l.nodes[index];
  if (!p?.vcpus?.length || !node || !guest) return;
  const g = guest.nodeid ?? index;
  const mine = new Set(idList(guest.cpus));
  const isOurs = (x: VcpuPin) => x.node === g || (x.vcpus !== undefined && idList(x.vcpus).some((v) => mine.has(v)));
  if (mine.size === 0 || !p.vcpus.some(isOurs)) return; // not pinned: nothing follows
  const reserved = new Set(idList(p.reserved));
  const usable = onlineCpusOf(host, node).filter((c) => !reserved.has(c));
  if (usable.length === 0) return;

  // the other vCPUs' pins, without ours
  const others = p.vcpus.flatMap((x): VcpuPin[] => {
    if (x.node === g) return [];
    if (x.vcpus === undefined) return [x];
    const left = idList(x.vcpus).filter((v) => !mine.has(v));
    return left.length === 0 ? [] : [left.length === idList(x.vcpus).length ? x : { ...x, vcpus: formatIdList(left) }];
  });
  // PUs other vCPUs keep to themselves stay theirs; in a dedicated design every PU another vCPU may use does
  const taken = new Set(others.flatMap((x) => (p.dedicated || idList(x.hostCpus).length === 1 ? idList(x.hostCpus) : [])));
  // L3 groups other vCPUs are placed in (a pin narrower than the whole node) are theirs
  // (only this node's PUs matter: the groups are the node's; both lists are ascending, so a
  // merge walk says whether a pin covers the node, without a set per pin on a 1024-PU host)
  const inNode = new Set(node.cpus);
  const occupied = new Set<number>();
  for (const x of others) {
    const cpus = idList(x.hostCpus);
    if (coversAll(cpus, usable)) continue;
    for (const c of cpus) if (inNode.has(c)) occupied.add(c);
  }
  // which vCPUs get a PU each: all of them in a dedicated design, else those that had one
  const exact = p.dedicated
    ? [...mine].sort((a, b) => a - b)
    : p.vcpus
        .filter((x) => x.vcpus !== undefined && idList(x.hostCpus).length === 1)
        .flatMap((x) => idList(x.vcpus).filter((v) => mine.has(v)))
        .sort((a, b) => a - b);
  // the free PUs in core order, only where a vCPU gets one of them (a node-wide pin needs none,
  // and ordering a 128-PU node by core was most of a drop's edit; npm run bench -- ui)
  const free = exact.length > 0 ? coreOrderedCpus(host, node, reserved, p.smt === "core").filter((c) => !taken.has(c)) : [];
  const dedicatedFits = p.dedicated === true && free.length >= exact.length;
  const groups = l3Choice(host, node, mine.size, exact.length > 0 ? free : usable, occupied);
  const wide = groups ? usable.filter((c) => groups.has(c)) : usable;
  // PUs inside the chosen groups first, then the rest of the node, each in core order
  const pus = groups ? [...free.filter((c) => groups.has(c)), ...free.filter((c) => !groups.has(c))] : free;

  if (p.dedicated && !dedicatedFits) {
    // not enough free PUs for one each: node-wide, and no longer dedicated (PIN002 would say why)
    delete p.dedicated;
    p.vcpus = [...others, { node: g, hostCpus: formatIdList(wide) }];
    return;
  }
  if (dedicatedFits) {
    p.vcpus = [...others, ...exact.map((v, k) => ({ vcpus: String(v), hostCpus: String(pus[k]) }))];
    // the planner gave the emulator the PUs the vCPUs left: the ones the moved vCPUs take now
    // leave its set, unless that would empty it (PIN005 then says so)
    const given = new Set(pus.slice(0, exact.length));
    const emulator = idList(p.emulator).filter((c) => !given.has(c));
    if (p.emulator !== undefined && emulator.length > 0) p.emulator = formatIdList(emulator);
    // the I/O threads too (a dedicated vCPU's PU runs nothing else, PIN005); one left with none
    // of its own PUs goes where the emulator runs, off every vCPU's PU, else it stays (PIN005 says so)
    const vcpuPus = new Set([...taken, ...given]);
    const emulatorOff = idList(p.emulator).filter((c) => !vcpuPus.has(c));
    for (const t of l.iothreads ?? []) {
      if (t.hostCpus === undefined) continue;
      const own = idList(t.hostCpus).filter((c) => !given.has(c));
      if (own.length > 0) t.hostCpus = formatIdList(own);
      else if (emulatorOff.length > 0) t.hostCpus = formatIdList(emulatorOff);
    }
    return;
  }
  const exactSet = new Set(exact);
  const moved = p.vcpus.flatMap((x): VcpuPin[] => {
    if (x.node === g) return [{ ...x, hostCpus: formatIdList(wide) }];
    if (x.vcpus === undefined) return [x];
    const vs = idList(x.vcpus);
    const ours = vs.filter((v) => mine.has(v));
    if (ours.length === 0) return [x];
    const rest = vs.filter((v) => !mine.has(v));
    const kept = rest.length ? [{ ...x, vcpus: formatIdList(rest) }] : [];
    const shared = ours.filter((v) => !exactSet.has(v));
    return shared.length ? [...kept, { vcpus: formatIdList(shared), hostCpus: formatIdList(wide) }] : kept;
  });
  // one PU each, in vCPU order; more such vCPUs than free PUs share the chosen set
  p.vcpus = [...moved, ...exact.map((v, k) => ({ vcpus: String(v), hostCpus: k < pus.length ? String(pus[k]) : formatIdList(wide) }))];
}
