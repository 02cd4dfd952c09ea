// One-click fixes for the pinning rules (PIN001–PIN007), in the style of layout/fixes.ts:
// each a pure edit of the layout, so the app applies it as one undoable step.

import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Layout } from "../layout/schema";
import type { HostNode, HostTopology } from "../topology/schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { nodeById, onlineCpusOf } from "../topology/query";
import { memoryNodesOf } from "../validate/rules/pinning";
import { planPins } from "./plan-pins";
import { vcpuHostSets } from "./resolve";

export interface PinFix {
  label: string;
  apply: (layout: Layout) => Layout;
}

const guestNodeIds = (l: Layout) => l.nodes.map((n, i) => n.nodeid ?? i);

/** The host CPUs a guest node's vCPUs belong on: its memory's host node, without reserved CPUs. */
function homeCpus(l: Layout, host: HostTopology, g: number): number[] | undefined {
  const mem = memoryNodesOf(l, g);
  if (!mem) return undefined;
  const reserved = new Set(idList(l.pinning?.reserved));
  const cpus = mem.flatMap((id) => {
    const n = nodeById(host, id);
    return n ? onlineCpusOf(host, n) : [];
  });
  const left = cpus.filter((c) => !reserved.has(c)).sort((a, b) => a - b);
  return left.length > 0 ? left : undefined;
}

/** Replace every pin of guest node g's vCPUs by one node-wide pin. */
function pinNodeWide(l0: Layout, g: number, cpus: number[]): Layout {
  const l = structuredClone(l0);
  const mine = new Set(idList(l.nodes.find((n, i) => (n.nodeid ?? i) === g)?.cpus));
  const rest = (l.pinning?.vcpus ?? []).flatMap((p) => {
    if (p.node === g) return [];
    if (p.vcpus === undefined) return [p];
    const left = idList(p.vcpus).filter((v) => !mine.has(v));
    return left.length === 0 ? [] : [{ ...p, vcpus: formatIdList(left) }];
  });
  l.pinning = { ...l.pinning, vcpus: [...rest, { node: g, hostCpus: formatIdList(cpus) }] };
  return l;
}

/** Guest node index of the pin a diagnostic points at (pinning.vcpus[i]). */
function guestNodeAt(l: Layout, d: Diagnostic): number | undefined {
  const m = /^pinning\.vcpus\[(\d+)\]/.exec(d.at?.path ?? "");
  const pin = m ? l.pinning?.vcpus?.[Number(m[1])] : undefined;
  if (pin?.node !== undefined) return pin.node;
  const v = pin?.vcpus !== undefined ? idList(pin.vcpus)[0] : undefined;
  const i = v === undefined ? -1 : l.nodes.findIndex((n) => idList(n.cpus).includes(v));
  return i >= 0 ? (l.nodes[i]!.nodeid ?? i) : undefined;
}

/** One PU per vCPU on each guest node's memory node, siblings to consecutive vCPUs. */
function exactPins(layout: Layout, host: HostTopology): PinFix | undefined {
  const hostNodes: HostNode[] = [];
  for (const g of guestNodeIds(layout)) {
    const mem = memoryNodesOf(layout, g);
    const n = mem?.length === 1 ? nodeById(host, mem[0]!) : undefined;
    if (!n) return undefined;
    hostNodes.push(n);
  }
  const trial = structuredClone(layout);
  const r = planPins(host, trial, hostNodes, { pin: "cpu", reserve: idList(layout.pinning?.reserved), smt: layout.pinning?.smt === "core" ? "core" : "siblings" });
  if (!r.ok) return undefined;
  return {
    label: "give each vCPU its own PU on its memory's node, SMT pairs on sibling pairs",
    apply: (l0) => {
      const l = structuredClone(l0);
      l.pinning = { ...trial.pinning, ...(l0.pinning?.process ? { process: l0.pinning.process } : {}) };
      return l;
    },
  };
}

/** Every pin (vCPUs, emulator, I/O threads) without the CPUs `drop` says; a pin left empty is removed. */
export function withoutCpus(l0: Layout, drop: (c: number) => boolean): Layout {
  const l = structuredClone(l0);
  const keep = (text: string | undefined) => {
    const left = idList(text).filter((c) => !drop(c));
    return left.length > 0 ? formatIdList(left) : undefined;
  };
  const p = l.pinning;
  if (p) {
    p.vcpus = (p.vcpus ?? []).flatMap((x) => {
      const h = keep(x.hostCpus);
      return h ? [{ ...x, hostCpus: h }] : [];
    });
    if (p.emulator !== undefined) {
      const e = keep(p.emulator);
      if (e) p.emulator = e;
      else delete p.emulator;
    }
  }
  for (const t of l.iothreads ?? []) {
    if (t.hostCpus === undefined) continue;
    const h = keep(t.hostCpus);
    if (h) t.hostCpus = h;
    else delete t.hostCpus;
  }
  return l;
}

export function pinFixFor(d: Diagnostic, layout: Layout, host?: HostTopology): PinFix | undefined {
  switch (d.code) {
    case "PIN001":
    case "PIN006": {
      const g = guestNodeAt(layout, d) ?? (d.code === "PIN006" ? guestNodeOfContext(layout, d) : undefined);
      const cpus = host && g !== undefined ? homeCpus(layout, host, g) : undefined;
      if (g === undefined || !cpus) return undefined;
      return { label: `pin guest node ${g}'s vCPUs to its memory's node (CPUs ${formatIdList(cpus)})`, apply: (l) => pinNodeWide(l, g, cpus) };
    }
    case "PIN002":
    case "PIN004":
      return host ? exactPins(layout, host) : undefined;
    case "PIN003": {
      if (!host) return undefined;
      const online = new Set(host.cpus.filter((c) => c.online).map((c) => c.id));
      return { label: "drop absent and offline CPUs from the pins", apply: (l) => withoutCpus(l, (c) => !online.has(c)) };
    }
    case "PIN005": {
      if (!host) return undefined;
      const vcpuPus = new Set([...vcpuHostSets(layout).values()].flat());
      const reserved = new Set(idList(layout.pinning?.reserved));
      const nodes = new Set([...vcpuPus].map((c) => host.cpus.find((x) => x.id === c)?.node));
      const spare = host.cpus.filter((c) => c.online && nodes.has(c.node) && !vcpuPus.has(c.id) && !reserved.has(c.id)).map((c) => c.id);
      if (spare.length === 0) return undefined;
      const set = formatIdList(spare);
      return {
        label: `pin the emulator and I/O threads to CPUs ${set}, which no vCPU uses`,
        apply: (l0) => {
          const l = structuredClone(l0);
          l.pinning = { ...l.pinning, emulator: set };
          for (const t of l.iothreads ?? []) t.hostCpus = set;
          return l;
        },
      };
    }
    case "PIN007": {
      const reserved = new Set(idList(layout.pinning?.reserved));
      return { label: "take the reserved CPUs out of the pins", apply: (l) => withoutCpus(l, (c) => reserved.has(c)) };
    }
    default:
      return undefined;
  }
}

function guestNodeOfContext(l: Layout, d: Diagnostic): number | undefined {
  const el = d.at?.element;
  if (el?.kind !== "threadContext") return undefined;
  const b = l.backends.find((x) => x.preallocContext === el.id);
  const i = b ? l.nodes.findIndex((n) => n.memdev === b.id) : -1;
  return i >= 0 ? (l.nodes[i]!.nodeid ?? i) : undefined;
}
