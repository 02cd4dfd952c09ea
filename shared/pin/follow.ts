// A guest node dragged onto another host node takes its vCPU pins along: its memory is bound
// there (layout/edits.ts moveGuestNode), so vCPUs left on the old node's CPUs would read every
// byte remotely (PIN001). A node-wide pin becomes the new node's CPUs; vCPUs with a PU of their
// own get PUs of the new node in core order (siblings together), as the planner's --pin cpu
// gives them, skipping PUs other vCPUs hold and reserved ones. A memory-only host node (CXL) has
// no CPU: the vCPUs go to the nearest node with CPUs, where its preallocation context goes too.

import type { Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { nearestCpuNode, nodeById, onlineCpusOf } from "../topology/query";
import { coreOrderedCpus } from "./plan-pins";

/** Guest node `index`'s vCPU pins moved onto host node `os` (the layout is changed in place). */
export function movePinsWithNode(l: Layout, index: number, os: number, host: HostTopology): void {
  const p = l.pinning;
  // a memory-only node (CXL) runs no vCPU: they go to the nearest node with CPUs, as its preallocation does
  const target = nodeById(host, os);
  const node = target && onlineCpusOf(host, target).length === 0 ? nearestCpuNode(host, target) : target;
  const guest = l.nodes[index];
  if (!p?.vcpus?.length || !node || !guest) return;
  const g = guest.nodeid ?? index;
  const mine = new Set(idList(guest.cpus));
  const reserved = new Set(idList(p.reserved));
  const wide = onlineCpusOf(host, node).filter((c) => !reserved.has(c));
  if (wide.length === 0) return;
  // PUs other vCPUs keep to themselves stay theirs
  const taken = new Set(p.vcpus.filter((x) => x.vcpus !== undefined && idList(x.hostCpus).length === 1 && idList(x.vcpus).some((v) => !mine.has(v))).map((x) => idList(x.hostCpus)[0]!));
  const free = coreOrderedCpus(host, node, reserved, p.smt === "core").filter((c) => !taken.has(c));
  const exact: number[] = [];
  p.vcpus = p.vcpus.flatMap((x) => {
    if (x.node === g) return [{ ...x, hostCpus: formatIdList(wide) }];
    if (x.vcpus === undefined) return [x];
    const vs = idList(x.vcpus);
    const ours = vs.filter((v) => mine.has(v));
    if (ours.length === 0) return [x];
    const others = vs.filter((v) => !mine.has(v));
    const kept = others.length ? [{ ...x, vcpus: formatIdList(others) }] : [];
    if (idList(x.hostCpus).length === 1) {
      exact.push(...ours);
      return kept;
    }
    return [...kept, { vcpus: formatIdList(ours), hostCpus: formatIdList(wide) }];
  });
  // one PU each, in vCPU order; more vCPUs than free PUs share the node (PIN002 says so in a dedicated design)
  exact.sort((a, b) => a - b);
  exact.forEach((v, k) => p.vcpus!.push({ vcpus: String(v), hostCpus: k < free.length ? String(free[k]) : formatIdList(wide) }));
}
