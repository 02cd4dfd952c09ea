// Pinning edits the app makes (pure, one undo step each): choose how vCPUs are pinned, which
// host CPUs are kept for the host, and where the emulator runs; and the canvas's drops (a vCPU,
// the emulator or an I/O thread on a PU or a node) and its reserve/release of a PU. The vCPUs
// follow their guest node's memory: a guest node is pinned to the host node its backend is bound to.

import type { Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import { formatIdList, idList, parseIdList } from "../cpulist/cpulist";
import { nodeById, onlineCpusOf } from "../topology/query";
import { memoryNodesOf } from "../validate/rules/pinning";
import { coreOrderedCpus, planPins, type GuestHost, type PinMode } from "./plan-pins";
import { spanNodes } from "./span-pins";
import { withoutCpus } from "./fixes";
import type { VcpuPin } from "./schema";

export type PinEdit = { ok: true; layout: Layout } | { ok: false; error: string };

/** The pin mode a layout shows: cpu when every pin is one PU, node when pins are by guest node. */
export function pinModeOf(layout: Layout): PinMode {
  const pins = layout.pinning?.vcpus ?? [];
  if (pins.length === 0) return "none";
  return pins.every((p) => p.vcpus !== undefined && idList(p.hostCpus).length === 1) ? "cpu" : "node";
}

/** planPins speaks the CLI's words (--pin cpu, --reserve, --nodes); the pinning panel's are its modes and "reserved for the host". */
const panelWords = (text: string) =>
  text
    .replace(/^--pin (cpu|node): /, "")
    .replace(/ (left )?after --reserve/, " not reserved for the host")
    .replace(/ \(--pin node\)/, "")
    .replace(/, or leave the node out with --nodes/, ", or bind the guest node to another host node");

/** Re-pin every guest node's vCPUs in `mode`, on the host node its memory is bound to. */
export function setPinMode(layout: Layout, host: HostTopology, mode: PinMode): PinEdit {
  const reserve = idList(layout.pinning?.reserved);
  const hostNodes: GuestHost[] = [];
  for (const [i, n] of layout.nodes.entries()) {
    const mem = memoryNodesOf(layout, n.nodeid ?? i);
    // a guest node whose memory spans host nodes (host-nodes=0-1) is pinned across them (plan-pins.ts spanBlocks)
    const span = mem && mem.length > 1 ? spanNodes(host, mem) : undefined;
    const h = span ?? (mem?.length === 1 ? nodeById(host, mem[0]!) : undefined);
    if (!h && mode !== "none") return { ok: false, error: `guest node ${n.nodeid ?? i}'s memory is not bound to a host node: bind it first, then pin its vCPUs there` };
    if (h) hostNodes.push(h);
  }
  const l: Layout = structuredClone(layout);
  const keep = { ...(layout.pinning?.process ? { process: layout.pinning.process } : {}) };
  delete l.pinning;
  const r = planPins(host, l, hostNodes, { pin: mode, reserve, ...(layout.pinning?.smt === "core" ? { smt: "core" as const } : {}) });
  if (!r.ok) return { ok: false, error: `${mode === "cpu" ? "one PU per vCPU" : "node-wide"}: ${panelWords(r.message)}; ${panelWords(r.fix)}` };
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

// ---- canvas edits: a vCPU, the emulator chip or an I/O-thread chip dropped on a PU or a node ----

/** Where a thread was dropped: one PU, or a host node as a whole (node-wide: its online CPUs). */
export type PinTarget = { pu: number } | { node: number };

/** A host node's CPUs a node-wide pin takes: the online ones, without the reserved ones. */
function nodeWideCpus(layout: Layout, host: HostTopology, os: number): { ok: false; error: string } | { ok: true; cpus: number[] } {
  const n = nodeById(host, os);
  if (!n) return { ok: false, error: `host node ${os} does not exist on ${host.name}` };
  const reserved = new Set(idList(layout.pinning?.reserved));
  const cpus = onlineCpusOf(host, n).filter((c) => !reserved.has(c));
  if (cpus.length === 0) return { ok: false, error: `host node ${os} has no CPU to pin to${reserved.size ? " that is not reserved for the host" : ""}` };
  return { ok: true, cpus };
}

/** One host CPU as a pin target: it must exist, be online and not be reserved. */
function checkPu(layout: Layout, host: HostTopology, pu: number): string | undefined {
  const c = host.cpus.find((x) => x.id === pu);
  if (!c) return `${host.name} has no CPU ${pu}`;
  if (!c.online) return `CPU ${pu} is offline`;
  if (idList(layout.pinning?.reserved).includes(pu)) return `CPU ${pu} is reserved for the host: release it first (right-click it)`;
  return undefined;
}

/** The vCPUs' own entries removed from every per-vCPU pin (a node-wide pin stays: a vCPU's own pin overrides it). */
function withoutOwnPins(pins: VcpuPin[], vcpus: ReadonlySet<number>): VcpuPin[] {
  return pins.flatMap((p) => {
    if (p.vcpus === undefined) return [p];
    const left = idList(p.vcpus).filter((v) => !vcpus.has(v));
    if (left.length === idList(p.vcpus).length) return [p];
    return left.length ? [{ ...p, vcpus: formatIdList(left) }] : [];
  });
}

/**
 * vCPUs dropped on a PU: each gets one PU of its own. The first vCPU goes on the PU it was
 * dropped on; the others take the next PUs of that host node in core order (a core's SMT
 * siblings one after the other, or one PU per core under the "core" SMT policy), skipping
 * reserved PUs and PUs another vCPU already has to itself. Fails, changing nothing, when the
 * node has fewer such PUs from there.
 */
export function pinVcpusToPu(layout: Layout, host: HostTopology, vcpus: readonly number[], pu: number): PinEdit {
  if (vcpus.length === 0) return { ok: false, error: "no vCPU to pin" };
  const bad = checkPu(layout, host, pu);
  if (bad) return { ok: false, error: bad };
  const node = nodeById(host, host.cpus.find((c) => c.id === pu)!.node)!;
  const moving = new Set(vcpus);
  const reserved = new Set(idList(layout.pinning?.reserved));
  const taken = new Set(
    (layout.pinning?.vcpus ?? []).filter((p) => p.vcpus !== undefined && idList(p.hostCpus).length === 1 && idList(p.vcpus).some((v) => !moving.has(v))).map((p) => idList(p.hostCpus)[0]!),
  );
  const order = coreOrderedCpus(host, node, reserved, layout.pinning?.smt === "core");
  const from = order.indexOf(pu);
  const rest = (from < 0 ? [] : order.slice(from + 1)).filter((c) => !taken.has(c));
  const sorted = [...moving].sort((a, b) => a - b);
  const pus = [pu, ...rest].slice(0, sorted.length);
  if (pus.length < sorted.length) {
    return { ok: false, error: `${sorted.length} vCPUs need ${sorted.length} PUs of their own from CPU ${pu}, but host node ${node.id} has ${pus.length} left from there: drop them on an earlier PU` };
  }
  const l: Layout = structuredClone(layout);
  const pins = withoutOwnPins(l.pinning?.vcpus ?? [], moving);
  sorted.forEach((v, k) => pins.push({ vcpus: String(v), hostCpus: String(pus[k]) }));
  l.pinning = { ...l.pinning, vcpus: pins };
  return { ok: true, layout: l };
}

/**
 * vCPUs dropped on a host node's cores: node-wide to that node (its online CPUs, not the
 * reserved ones). A guest node's whole vCPU list becomes the node's own pin (libvirt's
 * per-cell cpuset); fewer vCPUs get a pin of their own.
 */
export function pinVcpusToNode(layout: Layout, host: HostTopology, vcpus: readonly number[], os: number): PinEdit {
  if (vcpus.length === 0) return { ok: false, error: "no vCPU to pin" };
  const r = nodeWideCpus(layout, host, os);
  if (!r.ok) return r;
  const moving = new Set(vcpus);
  const l: Layout = structuredClone(layout);
  let pins = withoutOwnPins(l.pinning?.vcpus ?? [], moving);
  const hostCpus = formatIdList(r.cpus);
  const whole = l.nodes.findIndex((n) => {
    const mine = idList(n.cpus);
    return mine.length === moving.size && mine.every((v) => moving.has(v));
  });
  if (whole >= 0) {
    const g = l.nodes[whole]!.nodeid ?? whole;
    pins = pins.filter((p) => p.node !== g);
    pins.push({ node: g, hostCpus });
  } else pins.push({ vcpus: formatIdList([...moving]), hostCpus });
  l.pinning = { ...l.pinning, vcpus: pins };
  return { ok: true, layout: l };
}

/** Which helper thread a chip stands for: the emulator set, or one -object iothread. */
export type ThreadRef = { kind: "emulator" } | { kind: "iothread"; id: string };

/** The emulator chip or an I/O-thread chip dropped on a PU or a host node; `undefined` unpins it. */
export function pinThread(layout: Layout, host: HostTopology, thread: ThreadRef, target: PinTarget | undefined): PinEdit {
  let set: string | undefined;
  if (target && "pu" in target) {
    const bad = checkPu(layout, host, target.pu);
    if (bad) return { ok: false, error: bad };
    set = String(target.pu);
  } else if (target) {
    const r = nodeWideCpus(layout, host, target.node);
    if (!r.ok) return r;
    set = formatIdList(r.cpus);
  }
  const l: Layout = structuredClone(layout);
  if (thread.kind === "emulator") {
    const p = { ...l.pinning };
    if (set === undefined) delete p.emulator;
    else p.emulator = set;
    if (Object.keys(p).length === 0) delete l.pinning;
    else l.pinning = p;
    return { ok: true, layout: l };
  }
  const t = l.iothreads?.find((x) => x.id === thread.id);
  if (!t) return { ok: false, error: `there is no I/O thread ${thread.id}` };
  if (set === undefined) delete t.hostCpus;
  else t.hostCpus = set;
  return { ok: true, layout: l };
}

/**
 * Reserve a host CPU for the host, or release it. Reserving takes it out of every pin at once
 * (what PIN007's fix does): no QEMU thread is left there, and a vCPU whose own pin was that
 * CPU falls back to its guest node's pin.
 */
export function toggleReserved(layout: Layout, host: HostTopology, pu: number): PinEdit {
  if (!host.cpus.some((c) => c.id === pu)) return { ok: false, error: `${host.name} has no CPU ${pu}` };
  const now = idList(layout.pinning?.reserved);
  if (now.includes(pu)) return setPinList(layout, "reserved", formatIdList(now.filter((c) => c !== pu)));
  const r = setPinList(layout, "reserved", formatIdList([...now, pu]));
  return r.ok ? { ok: true, layout: withoutCpus(r.layout, (c) => c === pu) } : r;
}

/** A new -object iothread (id io0, io1, … the first free), unpinned: its chip is then dragged where it should run. */
export function addIothread(layout: Layout): Layout {
  const l: Layout = structuredClone(layout);
  const taken = new Set([...(l.iothreads ?? []).map((t) => t.id), ...l.backends.map((b) => b.id), ...l.threadContexts.map((t) => t.id)]);
  let k = 0;
  while (taken.has(`io${k}`)) k++;
  l.iothreads = [...(l.iothreads ?? []), { id: `io${k}` }];
  return l;
}
