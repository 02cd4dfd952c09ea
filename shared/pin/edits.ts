// Pinning edits the app makes (pure, one undo step each): choose how vCPUs are pinned, which
// host CPUs are kept for the host, and where the emulator runs. The vCPUs follow their guest
// node's memory: a guest node is pinned to the host node its backend is bound to.

import type { Layout } from "../layout/schema";
import type { HostNode, HostTopology } from "../topology/schema";
import { formatIdList, idList, parseIdList } from "../cpulist/cpulist";
import { nodeById } from "../topology/query";
import { memoryNodesOf } from "../validate/rules/pinning";
import { planPins, type PinMode } from "./plan-pins";

export type PinEdit = { ok: true; layout: Layout } | { ok: false; error: string };

/** The pin mode a layout shows: cpu when every pin is one PU, node when pins are by guest node. */
export function pinModeOf(layout: Layout): PinMode {
  const pins = layout.pinning?.vcpus ?? [];
  if (pins.length === 0) return "none";
  return pins.every((p) => p.vcpus !== undefined && idList(p.hostCpus).length === 1) ? "cpu" : "node";
}

/** Re-pin every guest node's vCPUs in `mode`, on the host node its memory is bound to. */
export function setPinMode(layout: Layout, host: HostTopology, mode: PinMode): PinEdit {
  const reserve = idList(layout.pinning?.reserved);
  const hostNodes: HostNode[] = [];
  for (const [i, n] of layout.nodes.entries()) {
    const mem = memoryNodesOf(layout, n.nodeid ?? i);
    const h = mem?.length === 1 ? nodeById(host, mem[0]!) : undefined;
    if (!h && mode !== "none") return { ok: false, error: `guest node ${n.nodeid ?? i}'s memory is not bound to one host node: bind it first, then pin its vCPUs there` };
    if (h) hostNodes.push(h);
  }
  const l: Layout = structuredClone(layout);
  const keep = { ...(layout.pinning?.process ? { process: layout.pinning.process } : {}) };
  delete l.pinning;
  const r = planPins(host, l, hostNodes, { pin: mode, reserve, ...(layout.pinning?.smt === "core" ? { smt: "core" as const } : {}) });
  if (!r.ok) return { ok: false, error: r.message };
  if (Object.keys(keep).length > 0) l.pinning = { ...(l.pinning ?? {}), ...keep };
  if (l.pinning && Object.keys(l.pinning).length === 0) delete l.pinning;
  return { ok: true, layout: l };
}

/** A cpulist field of the pinning (reserved, emulator); empty text removes it. */
export function setPinList(layout: Layout, field: "reserved" | "emulator", text: string): PinEdit {
  const t = text.trim();
  if (t !== "") {
    const r = parseIdList(t, "host CPU list");
    if (!r.ok) return { ok: false, error: r.error };
  }
  const l: Layout = structuredClone(layout);
  const p = { ...l.pinning };
  if (t === "") delete p[field];
  else p[field] = formatIdList(idList(t));
  if (Object.keys(p).length === 0) delete l.pinning;
  else l.pinning = p;
  return { ok: true, layout: l };
}
