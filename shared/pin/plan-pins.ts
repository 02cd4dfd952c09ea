// The planner's pinning step. node (the default): each guest node's vCPUs may run on every
// CPU of its host node, like libvirt's <vcpu cpuset> per cell. cpu: one PU per vCPU, a host
// core's SMT siblings given to consecutive vCPUs of the node, so the guest's thread pairs
// (-smp threads=2: vCPUs 2k and 2k+1, QEMU's numbering) sit on one host core. none: no pins.
// Reserved CPUs are left out of every set.

import type { Layout } from "../layout/schema";
import type { HostNode, HostTopology } from "../topology/schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { cpuById, onlineCpusOf } from "../topology/query";
import type { SmtPolicy, VcpuPin } from "./schema";
import { nodeL3Groups, placeOnGroups } from "./l3-fit";

export const PIN_MODES = ["cpu", "node", "none"] as const;
export type PinMode = (typeof PIN_MODES)[number];

export interface PinRequest {
  pin?: PinMode;
  reserve?: number[];
  /** cpu mode: siblings (default) fills both threads of a core, core takes one PU per core */
  smt?: Extract<SmtPolicy, "siblings" | "core">;
  /** guest -smp as the host: a socket per guest node, threads as the host's SMT width */
  mirrorSmp?: boolean;
}

export type PinStep = { ok: true; notes: string[] } | { ok: false; message: string; fix: string };

/** A node's usable CPUs core by core: [c0, sibling of c0, c1, sibling of c1, …] (or one per core). */
export function coreOrderedCpus(host: HostTopology, node: HostNode, reserved: ReadonlySet<number>, onePerCore: boolean): number[] {
  const usable = new Set(onlineCpusOf(host, node).filter((c) => !reserved.has(c)));
  const seen = new Set<number>();
  const out: number[] = [];
  for (const id of [...usable].sort((a, b) => a - b)) {
    if (seen.has(id)) continue;
    const cpu = cpuById(host, id);
    const core = (cpu?.siblings ?? [id]).filter((s) => usable.has(s)).sort((a, b) => a - b);
    for (const s of core) seen.add(s);
    out.push(...(onePerCore ? core.slice(0, 1) : core));
  }
  return out;
}

/** The SMT width of a host node: the most siblings any of its cores has. */
export function smtWidth(host: HostTopology, node: HostNode): number {
  const ids = new Set(node.cpus);
  return Math.max(1, ...host.cpus.filter((c) => ids.has(c.id)).map((c) => c.siblings.length));
}

/** Give the guest the host's shape: a socket per guest node, threads = SMT width; guest nodes get whole sockets. */
export function mirrorHostSmp(host: HostTopology, layout: Layout, hostNodes: HostNode[]): PinStep {
  const vcpus = layout.smp?.cpus ?? 1;
  const sockets = layout.nodes.length;
  const threads = Math.min(...hostNodes.map((n) => smtWidth(host, n)));
  if (sockets === 0 || vcpus % (sockets * threads) !== 0) {
    return {
      ok: false,
      message: `--mirror-smp: ${vcpus} vCPUs cannot be ${sockets} socket${sockets > 1 ? "s" : ""} of whole ${threads}-thread cores`,
      fix: `give a multiple of ${sockets * threads} vCPUs`,
    };
  }
  const cores = vcpus / (sockets * threads);
  layout.smp = { cpus: vcpus, sockets, cores, threads };
  const per = cores * threads;
  layout.nodes.forEach((n, g) => {
    n.cpus = formatIdList(Array.from({ length: per }, (_, k) => g * per + k));
  });
  return { ok: true, notes: [`guest -smp mirrors the host: ${sockets} socket${sockets > 1 ? "s" : ""} (one per guest node) × ${cores} cores × ${threads} threads`] };
}

/**
 * A guest node's vCPUs split among the host nodes its memory spans (host-nodes=0-1): contiguous
 * blocks in vCPU order, one per host node in the order given, as even as can be (the first
 * blocks one larger), so each node's CPUs run a share of the vCPUs and the kernel's bind policy
 * fills each node's memory from the vCPUs on it. One rule for the planner's pins, the pin modes
 * and a guest node given a further host node on the canvas (shared/pin/span-pins.ts).
 */
export function spanBlocks<T>(vcpus: readonly T[], nodes: number): T[][] {
  const each = Math.floor(vcpus.length / nodes);
  const extra = vcpus.length - each * nodes;
  const out: T[][] = [];
  let at = 0;
  for (let k = 0; k < nodes; k++) {
    const n = each + (k < extra ? 1 : 0);
    out.push(vcpus.slice(at, at + n));
    at += n;
  }
  return out;
}

/** A guest node's host nodes: one, or the nodes its memory spans. */
export type GuestHost = HostNode | readonly HostNode[];
const nodesOf = (h: GuestHost): readonly HostNode[] => (Array.isArray(h) ? h : [h as HostNode]);

/** Pin each guest node's vCPUs to host node hostNodes[g] (or, for a guest node spanning several, to theirs: spanBlocks). */
export function planPins(host: HostTopology, layout: Layout, hostNodes: GuestHost[], req: PinRequest): PinStep {
  const mode = req.pin ?? "node";
  const reserved = new Set(req.reserve ?? []);
  const notes: string[] = [];
  const absent = [...reserved].filter((c) => !host.cpus.some((x) => x.id === c));
  if (absent.length > 0) return { ok: false, message: `--reserve names CPU ${formatIdList(absent)}, which ${host.name} does not have`, fix: "reserve CPUs the host has (numadesk topo lists them)" };
  if (mode === "none") {
    if (reserved.size > 0) layout.pinning = { reserved: formatIdList([...reserved]) };
    return { ok: true, notes };
  }
  const pinning: NonNullable<Layout["pinning"]> = { vcpus: [] };
  if (reserved.size > 0) pinning.reserved = formatIdList([...reserved]);
  const used = new Set<number>();
  const onL3 = l3Sets(host, layout, hostNodes, reserved, mode === "cpu" && req.smt === "core", notes);
  for (const [g, guest] of layout.nodes.entries()) {
    const vcpus = idList(guest.cpus);
    if (vcpus.length === 0) continue;
    const nodeId = guest.nodeid ?? g;
    const span = nodesOf(hostNodes[g]!);
    if (span.length > 1) {
      const r = pinSpan(host, span, vcpus, nodeId, mode, reserved, req.smt === "core", used);
      if (!r.ok) return r;
      pinning.vcpus!.push(...r.pins);
      continue;
    }
    const hostNode = span[0]!;
    if (mode === "node") {
      const cpus = onL3.get(g) ?? onlineCpusOf(host, hostNode).filter((c) => !reserved.has(c));
      if (cpus.length === 0)
        return {
          ok: false,
          message: `host node ${hostNode.id} has no CPU left for guest node ${nodeId}'s vCPUs${reserved.size ? " after --reserve" : ""}`,
          fix: "reserve fewer CPUs, or leave the node out with --nodes",
        };
      pinning.vcpus!.push({ node: nodeId, hostCpus: formatIdList(cpus) });
      continue;
    }
    const onePerCore = req.smt === "core";
    // a split host node has several guest nodes: each takes PUs the earlier ones left
    const mine = onL3.get(g);
    const pus = coreOrderedCpus(host, hostNode, reserved, onePerCore).filter((c) => !used.has(c) && (mine === undefined || mine.includes(c)));
    if (pus.length < vcpus.length) {
      return {
        ok: false,
        message: `--pin cpu: guest node ${nodeId} has ${vcpus.length} vCPUs but host node ${hostNode.id} has ${pus.length} ${onePerCore ? "core" : "CPU"}${pus.length === 1 ? "" : "s"}${reserved.size ? " left after --reserve" : ""}, so vCPUs would share PUs`,
        fix: "give fewer vCPUs, reserve fewer CPUs, or pin node-wide (--pin node)",
      };
    }
    vcpus.forEach((v, k) => {
      pinning.vcpus!.push({ vcpus: String(v), hostCpus: String(pus[k]) });
      used.add(pus[k]!);
    });
  }
  if (mode === "cpu") {
    pinning.dedicated = true;
    pinning.smt = req.smt ?? "siblings";
    // the emulator gets what the vCPUs leave on the chosen nodes, never a reserved CPU
    const spare = [...new Set(hostNodes.flatMap(nodesOf))].flatMap((n) => onlineCpusOf(host, n)).filter((c) => !used.has(c) && !reserved.has(c));
    if (spare.length > 0) pinning.emulator = formatIdList(spare);
    else notes.push("every CPU of the chosen nodes runs a vCPU: the emulator thread is not pinned, so it competes with vCPUs (give fewer vCPUs to keep a CPU for it)");
  }
  layout.pinning = pinning;
  return { ok: true, notes };
}

/**
 * Guest node index → the usable PUs of the fewest whole L3 groups that hold its vCPUs, for host
 * nodes of several L3 groups where the guest nodes on them fit in separate groups (a guest node
 * that fills the whole host node keeps the node-wide set). In cpu mode with one PU per core a
 * group counts its cores. A note says where they do not fit.
 */
function l3Sets(host: HostTopology, layout: Layout, hostNodes: GuestHost[], reserved: ReadonlySet<number>, onePerCore: boolean, notes: string[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  // a guest node spanning several host nodes is pinned across them (pinSpan), not into one node's L3 groups
  for (const hostNode of new Set(hostNodes.filter((h): h is HostNode => !Array.isArray(h)))) {
    const groups = nodeL3Groups(host, hostNode.id);
    if (!groups) continue;
    const guests = layout.nodes.map((n, g) => ({ g, id: n.nodeid ?? g, vcpus: idList(n.cpus).length })).filter(({ g, vcpus }) => hostNodes[g] === hostNode && vcpus > 0);
    const online = new Set(onlineCpusOf(host, hostNode).filter((c) => !reserved.has(c)));
    const usable = groups.map((pus) => coreOrderedCpus(host, hostNode, reserved, onePerCore).filter((c) => pus.includes(c) && online.has(c)));
    const total = usable.reduce((a, u) => a + u.length, 0);
    // one guest node on the whole host node: every group is its own already
    if (guests.length === 1 && guests[0]!.vcpus >= total) continue;
    const placed = placeOnGroups(
      usable,
      guests.map((x) => x.vcpus),
      (u) => u.length,
    );
    if (!placed) {
      notes.push(
        `host node ${hostNode.id}: guest node${guests.length > 1 ? "s" : ""} ${guests.map((x) => x.id).join(", ")} (${guests.map((x) => x.vcpus).join(" + ")} vCPUs) do not fit in separate whole L3 groups (${groups.length} of ${usable[0]!.length}${onePerCore ? " cores" : " PUs"}): pinned node-wide, so they share L3 caches (NUMA041)`,
      );
      continue;
    }
    guests.forEach(({ g }, k) =>
      out.set(
        g,
        placed[k]!.flatMap((i) => groups[i]!.filter((c) => online.has(c))).sort((a, b) => a - b),
      ),
    );
    const shown = guests.map(({ id, g }) => `guest node ${id} on PU ${formatIdList(out.get(g)!)}`).join(", ");
    notes.push(`host node ${hostNode.id} has ${groups.length} L3 groups: ${shown} (the fewest whole groups that hold ${guests.length > 1 ? "each" : "its vCPUs"})`);
  }
  return out;
}

/**
 * A guest node spanning several host nodes: node-wide, the union of their usable CPUs; one PU
 * per vCPU, spanBlocks' blocks each on its node's free PUs in core order, refused when a node
 * has fewer free PUs than its block (vCPUs would share PUs). `used` collects the PUs given.
 */
export function pinSpan(
  host: HostTopology,
  span: readonly HostNode[],
  vcpus: readonly number[],
  nodeId: number,
  mode: Exclude<PinMode, "none">,
  reserved: ReadonlySet<number>,
  onePerCore: boolean,
  used: Set<number>,
): { ok: true; pins: VcpuPin[] } | { ok: false; message: string; fix: string } {
  const ids = formatIdList(span.map((n) => n.id));
  if (mode === "node") {
    const cpus = span.flatMap((n) => onlineCpusOf(host, n)).filter((c) => !reserved.has(c));
    if (cpus.length === 0) return { ok: false, message: `host nodes ${ids} have no CPU left for guest node ${nodeId}'s vCPUs${reserved.size ? " after --reserve" : ""}`, fix: "reserve fewer CPUs" };
    return { ok: true, pins: [{ node: nodeId, hostCpus: formatIdList(cpus) }] };
  }
  const pins: VcpuPin[] = [];
  const blocks = spanBlocks(vcpus, span.length);
  for (const [k, block] of blocks.entries()) {
    const node = span[k]!;
    const pus = coreOrderedCpus(host, node, reserved, onePerCore).filter((c) => !used.has(c));
    if (pus.length < block.length) {
      return {
        ok: false,
        message: `--pin cpu: guest node ${nodeId} spans host nodes ${ids}, and its vCPUs ${formatIdList(block)} go on host node ${node.id}, which has ${pus.length} ${onePerCore ? "core" : "CPU"}${pus.length === 1 ? "" : "s"}${reserved.size ? " left after --reserve" : ""}, so vCPUs would share PUs`,
        fix: "give fewer vCPUs, reserve fewer CPUs, or pin node-wide (--pin node)",
      };
    }
    block.forEach((v, i) => {
      pins.push({ vcpus: String(v), hostCpus: String(pus[i]) });
      used.add(pus[i]!);
    });
  }
  return { ok: true, pins };
}
