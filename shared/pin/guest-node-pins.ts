// One guest node's pin policy, as its title's menu on the canvas sets it: node-wide on the host
// node(s) its memory is bound to, one PU per vCPU there, or none; the other guest nodes' pins stay.
// The same rules as the pinning panel's modes for the whole guest (edits.ts setPinMode), through
// plan-pins.ts's pinSpan, so a guest node spanning two host nodes is pinned across both.

import type { Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import type { VcpuPin } from "./schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { memoryNodesOf } from "../validate/rules/pinning";
import { pinSpan, type PinMode } from "./plan-pins";
import { spanNodes } from "./span-pins";
import type { PinEdit } from "./edits";

/** Which pin policy guest node `index` has now: cpu when each of its vCPUs has one PU, node when pinned otherwise, none. */
export function guestNodePinMode(layout: Layout, index: number): PinMode {
  const n = layout.nodes[index];
  const mine = idList(n?.cpus);
  const pins = layout.pinning?.vcpus ?? [];
  const g = n?.nodeid ?? index;
  const own = (v: number) => pins.filter((p) => (p.vcpus !== undefined && idList(p.vcpus).includes(v)) || p.node === g);
  if (mine.length === 0 || mine.every((v) => own(v).length === 0)) return "none";
  return mine.every((v) => pins.some((p) => p.vcpus !== undefined && idList(p.vcpus).includes(v) && idList(p.hostCpus).length === 1)) ? "cpu" : "node";
}

/** Pin guest node `index`'s vCPUs in `mode` on its memory's host node(s). */
export function pinGuestNode(layout: Layout, host: HostTopology, index: number, mode: PinMode): PinEdit {
  const n = layout.nodes[index];
  if (!n) return { ok: false, error: "no such guest node" };
  const g = n.nodeid ?? index;
  const mine = idList(n.cpus);
  const own = new Set(mine);
  const pins = layout.pinning?.vcpus ?? [];
  // the other vCPUs' pins, without this node's
  const others = pins.flatMap((x): VcpuPin[] => {
    if (x.node === g) return [];
    if (x.vcpus === undefined) return [x];
    const left = idList(x.vcpus).filter((v) => !own.has(v));
    return left.length === 0 ? [] : [left.length === idList(x.vcpus).length ? x : { ...x, vcpus: formatIdList(left) }];
  });
  let added: VcpuPin[] = [];
  if (mode !== "none") {
    if (mine.length === 0) return { ok: false, error: `guest node ${g} has no vCPUs to pin` };
    const mem = memoryNodesOf(layout, g);
    const span = mem ? spanNodes(host, mem) : undefined;
    if (!span || span.length === 0) return { ok: false, error: `guest node ${g}'s memory is not bound to a host node: bind it first, then pin its vCPUs there` };
    const used = new Set(others.flatMap((x) => (idList(x.hostCpus).length === 1 ? idList(x.hostCpus) : [])));
    const r = pinSpan(host, span, mine, g, mode, new Set(idList(layout.pinning?.reserved)), layout.pinning?.smt === "core", used);
    if (!r.ok)
      return {
        ok: false,
        error: `${mode === "cpu" ? "one PU per vCPU" : "node-wide"}: ${r.message.replace(/^--pin cpu: /, "").replace(/ left after --reserve/, " not reserved for the host")}; ${r.fix.replace(/ \(--pin node\)/, "")}`,
      };
    added = r.pins;
  }
  const l: Layout = structuredClone(layout);
  const vcpus = [...others, ...added];
  const p = { ...l.pinning };
  if (vcpus.length) p.vcpus = vcpus;
  else delete p.vcpus;
  // one PU each is a dedicated design only when every vCPU of the guest has its own PU
  if (mode !== "cpu") delete p.dedicated;
  if (Object.keys(p).length === 0) delete l.pinning;
  else l.pinning = p;
  return { ok: true, layout: l };
}
