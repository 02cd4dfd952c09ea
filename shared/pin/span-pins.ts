// A guest node whose memory spans several host nodes (host-nodes=0-1, given on the canvas with
// "also bind to host node N" or a Shift-drop): where its vCPU pins go. The follow rules
// (follow.ts) move a guest node's pins to one host node; for a span they follow the same
// choice the planner makes (plan-pins.ts spanBlocks and pinSpan):
// - node-wide pins become the union of the spanned nodes' usable CPUs (libvirt's cpuset for a
//   cell whose <memnode nodeset='0-1'>);
// - one PU per vCPU puts the node's vCPUs in contiguous blocks, one per host node, each on free
//   PUs of its node in core order; when a node has too few free PUs the guest node is pinned
//   node-wide instead (as follow.ts does for a dedicated design that no longer fits), so an
//   edit of memory never fails on account of pins;
// - a memory-only node in the span runs no vCPU: its nearest node with CPUs does (vcpuNodeFor).

import type { Layout } from "../layout/schema";
import type { HostNode, HostTopology } from "../topology/schema";
import type { VcpuPin } from "./schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { vcpuNodeFor } from "./follow";
import { pinSpan } from "./plan-pins";

/** The host nodes whose CPUs run the vCPUs of a guest node whose memory is on `memory`, in that order, each once; undefined when one is not on the host. */
export function spanNodes(host: HostTopology, memory: readonly number[]): HostNode[] | undefined {
  const out: HostNode[] = [];
  for (const os of memory) {
    const n = vcpuNodeFor(host, os);
    if (!n) return undefined;
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Guest node `index`'s vCPU pins spread over host nodes `memory` (the layout is changed in place); nothing when it has none. */
export function movePinsWithSpan(l: Layout, index: number, memory: readonly number[], host: HostTopology): void {
  const p = l.pinning;
  const guest = l.nodes[index];
  const span = spanNodes(host, memory);
  if (!p?.vcpus?.length || !guest || !span) return;
  const g = guest.nodeid ?? index;
  const mine = idList(guest.cpus);
  const own = new Set(mine);
  const isOurs = (x: VcpuPin) => x.node === g || (x.vcpus !== undefined && idList(x.vcpus).some((v) => own.has(v)));
  if (mine.length === 0 || !p.vcpus.some(isOurs)) return; // not pinned: nothing follows
  // the other vCPUs' pins, without ours
  const others = p.vcpus.flatMap((x): VcpuPin[] => {
    if (x.node === g) return [];
    if (x.vcpus === undefined) return [x];
    const left = idList(x.vcpus).filter((v) => !own.has(v));
    return left.length === 0 ? [] : [left.length === idList(x.vcpus).length ? x : { ...x, vcpus: formatIdList(left) }];
  });
  // one PU each when every vCPU of the node had one, as the pin mode "one PU per vCPU" gives them
  const exact = mine.every((v) => p.vcpus!.some((x) => x.vcpus !== undefined && idList(x.hostCpus).length === 1 && idList(x.vcpus).includes(v)));
  const reserved = new Set(idList(p.reserved));
  // PUs other vCPUs keep to themselves stay theirs
  const used = new Set(others.flatMap((x) => (idList(x.hostCpus).length === 1 ? idList(x.hostCpus) : [])));
  const r = exact ? pinSpan(host, span, mine, g, "cpu", reserved, p.smt === "core", used) : undefined;
  if (r?.ok) {
    p.vcpus = [...others, ...r.pins];
    return;
  }
  const wide = pinSpan(host, span, mine, g, "node", reserved, false, used);
  if (!wide.ok) return;
  // not enough free PUs for one each: node-wide, and no longer dedicated (PIN002 would say why)
  if (exact) delete p.dedicated;
  p.vcpus = [...others, ...wide.pins];
}
