// One-click fixes: for a diagnostic whose fix is mechanical, the edit that makes it. Each is a
// pure function of the layout (and the target host), so the app applies it as one undoable
// edit and a test can apply it without the app. A diagnostic with no entry here keeps its
// written advice only.

import type { Diagnostic } from "../diagnostics/diagnostic";
import type { HostTopology } from "../topology/schema";
import type { Backend, Layout } from "./schema";
import { contextForNode, moveGuestNode, preallocNode, syncMemory } from "./edits";
import { formatIdList, parseIdList } from "../cpulist/cpulist";
import { formatSize, humanSize, parseSize } from "../size/size";
import { backendBytes } from "../qemu/prealloc";
import { smpMaxCpus } from "../qemu/prealloc";
import { pinFixFor } from "../pin/fixes";
import { misplacedDevices } from "../validate/rules/host-devices";
import { withConsole } from "./guest-console";
import { roundDownSize } from "./headroom";
import { nodeById, onlineCpusOf } from "../topology/query";
import { memoryShortages, nodeSetFits, type MemoryShortage } from "./memory-fit";
import { hostNodesFix, smpFix } from "./topology-fixes";

export interface Fix {
  /** the button's words: what it will do */
  label: string;
  apply: (layout: Layout) => Layout;
}

const ids = (text: string | undefined): number[] => {
  const r = text === undefined ? undefined : parseIdList(text);
  return r && r.ok ? r.ids : [];
};

/** The one host node a backend is bound to, if it is bound to exactly one. */
const boundNode = (b: Backend): number | undefined => {
  const n = ids(b.hostNodes);
  return n.length === 1 && b.policy !== undefined && b.policy !== "default" ? n[0] : undefined;
};

function freeId(l: Layout, base: string): string {
  const used = new Set([...l.backends.map((b) => b.id), ...l.threadContexts.map((t) => t.id)]);
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Point a backend's preallocation at a context on `node`, making one if there is none. */
function useContextOn(l: Layout, b: Backend, node: number) {
  let tc = contextForNode(l, node);
  if (!tc) {
    tc = { id: freeId(l, `tc${node}`), nodeAffinity: String(node) };
    l.threadContexts.push(tc);
  }
  b.preallocContext = tc.id;
}

function highestVcpu(l: Layout): number {
  return Math.max(-1, ...l.nodes.flatMap((n) => ids(n.cpus)));
}

function backendOf(l: Layout, d: Diagnostic): Backend | undefined {
  const el = d.at?.element;
  if (el?.kind === "backend") return l.backends.find((b) => b.id === el.id) ?? l.backends[el.index ?? -1];
  const m = /^backends\[(\d+)\]/.exec(d.at?.path ?? "");
  return m ? l.backends[Number(m[1])] : undefined;
}

/** Every fix a diagnostic offers, the first being `fixFor`'s (NUMA013 offers two: shrink and spread). */
export function fixesFor(d: Diagnostic, layout: Layout, host?: HostTopology): Fix[] {
  if (d.code === "NUMA013") return [shrinkToFit(d, layout, host), spreadOverNodes(d, layout, host)].filter((f): f is Fix => f !== undefined);
  const f = fixFor(d, layout, host);
  return f ? [f] : [];
}

/** The node set NUMA013 reported with the diagnostic (memory-fit.ts), as it points at its first backend. */
function shortageOf(d: Diagnostic, layout: Layout, host: HostTopology | undefined): MemoryShortage | undefined {
  const first = backendOf(layout, d);
  if (!host || !first) return undefined;
  const index = layout.backends.indexOf(first);
  const kind = d.severity === "error" ? "over" : "tight";
  return memoryShortages(layout, host).find((s) => s.kind === kind && s.backends[0] === index);
}

/** NUMA013: make the backends of the short node set smaller, in proportion, so they fit its free
 *  memory less the host's headroom (headroom.ts); -m follows. None when the headroom leaves no room. */
function shrinkToFit(d: Diagnostic, layout: Layout, host: HostTopology | undefined): Fix | undefined {
  const s = shortageOf(d, layout, host);
  if (!s) return undefined;
  const members = s.backends.map((i) => layout.backends[i]!);
  const usable = Math.max(0, s.free - s.headroom);
  const sizes = new Map(members.map((b) => [b.id, roundDownSize(Math.floor((backendBytes(b) * usable) / s.bytes))]));
  if ([...sizes.values()].some((v) => v <= 0)) return undefined;
  const left = s.free - [...sizes.values()].reduce((a, v) => a + v, 0);
  return {
    label: `shrink ${members.map((b) => b.id).join(", ")} to ${[...sizes.values()].map((v) => formatSize(v)).join(", ")}, leaving ${humanSize(left)} of ${humanSize(s.free)} free for the host`,
    apply: (l0) => {
      const l = structuredClone(l0);
      for (const b of l.backends) {
        const size = sizes.get(b.id);
        if (size !== undefined) b.size = formatSize(size);
      }
      syncMemory(l);
      return l;
    },
  };
}

/** NUMA013 on bound backends: bind the short set's backends to its nodes and the nearest others
 *  (by distance), one at a time, until those nodes hold them and every other backend bound
 *  inside them with the host's headroom to spare (the backends already on the added nodes count). */
function spreadOverNodes(d: Diagnostic, layout: Layout, host: HostTopology | undefined): Fix | undefined {
  const s = shortageOf(d, layout, host);
  if (!s || !host || s.whole) return undefined;
  const from = host.nodes.findIndex((n) => n.id === s.nodes[0]);
  const others = host.nodes
    .map((n, i) => ({ n, dist: host.distances[from]?.[i] ?? 99 }))
    .filter(({ n }) => !s.nodes.includes(n.id))
    .sort((a, b) => a.dist - b.dist || a.n.id - b.n.id);
  const members = new Set(s.backends);
  const chosen = [...s.nodes];
  const rebind = (l0: Layout, list: string) => {
    const l = structuredClone(l0);
    l.backends.forEach((b, i) => {
      if (members.has(i)) b.hostNodes = list;
    });
    return l;
  };
  for (const { n } of others) {
    chosen.push(n.id);
    const list = formatIdList([...chosen].sort((a, b) => a - b));
    const spread = rebind(layout, list);
    // a node set holding the moved backends holds all of `chosen`; the larger ones held them before the move too
    const room = nodeSetFits(spread, host).find((x) => formatIdList(x.nodes) === list)!;
    if (room.bytes > room.free - room.headroom) continue;
    const names = s.backends.map((i) => layout.backends[i]!.id);
    return {
      label: `spread ${names.join(", ")} over host nodes ${list}, leaving ${humanSize(room.free - room.bytes)} of ${humanSize(room.free)} free for the host`,
      apply: (l0) => {
        const l = structuredClone(l0);
        for (const b of l.backends) if (names.includes(b.id)) b.hostNodes = list;
        return l;
      },
    };
  }
  return undefined; // the whole host has not that much to spare: only shrinking helps
}

export function fixFor(d: Diagnostic, layout: Layout, host?: HostTopology): Fix | undefined {
  switch (d.code) {
    case "NUMA013":
      return shrinkToFit(d, layout, host);
    case "NUMA002": {
      const need = highestVcpu(layout) + 1;
      if (need <= 0 || (layout.smp !== undefined && need <= smpMaxCpus(layout.smp))) return undefined;
      return {
        label: layout.smp ? `raise -smp to ${need}` : `add -smp ${need}`,
        apply: (l0) => {
          const l = structuredClone(l0);
          l.smp = { ...(l.smp ?? {}) };
          if (l.smp.maxcpus !== undefined && l.smp.maxcpus < need) l.smp.maxcpus = need;
          if (l.smp.cpus === undefined || l.smp.cpus < need) l.smp.cpus = need;
          return l;
        },
      };
    }
    case "NUMA001": {
      if (layout.backends.length === 0 || layout.nodes.some((n) => n.memdev === undefined)) return undefined;
      const used = new Set(layout.nodes.map((n) => n.memdev));
      const total = layout.backends
        .filter((b) => used.has(b.id))
        .reduce((a, b) => {
          const r = parseSize(b.size);
          return a + (r.ok ? r.bytes : 0);
        }, 0);
      if (total <= 0) return undefined;
      const size = formatSize(total);
      return { label: `set -m to ${size}`, apply: (l0) => ({ ...structuredClone(l0), memory: { ...(l0.memory ?? {}), size } }) };
    }
    case "NUMA019":
      return {
        label: "add a thread-context per node",
        apply: (l0) => {
          const l = structuredClone(l0);
          for (const b of l.backends) {
            const node = boundNode(b);
            if (!b.prealloc || b.preallocContext !== undefined || node === undefined) continue;
            // a context needs two or more threads: with one, QEMU's main thread does the work and no context applies
            if (b.preallocThreads !== undefined && b.preallocThreads < 2) b.preallocThreads = 2;
            useContextOn(l, b, preallocNode(host, node));
          }
          return l;
        },
      };
    case "NUMA018": {
      const b = backendOf(layout, d);
      const node = b ? boundNode(b) : undefined;
      if (!b || node === undefined) return undefined;
      const target = preallocNode(host, node);
      return {
        label: `preallocate ${b.id} from node ${target}`,
        apply: (l0) => {
          const l = structuredClone(l0);
          const lb = l.backends.find((x) => x.id === b.id)!;
          useContextOn(l, lb, target);
          const used = new Set(l.backends.map((x) => x.preallocContext));
          l.threadContexts = l.threadContexts.filter((t) => used.has(t.id) || !l0.backends.some((x) => x.preallocContext === t.id));
          return l;
        },
      };
    }
    case "NUMA011": {
      const el = d.at?.element;
      const tc = el?.kind === "threadContext" ? layout.threadContexts.find((t) => t.id === el.id) : undefined;
      if (tc && host && d.at?.path?.endsWith("cpuAffinity")) return cpuAffinityFix(tc, layout, host);
      const nodes = ids(tc?.nodeAffinity);
      if (!tc || !host || nodes.length !== 1) return undefined;
      // a node the host lacks (QEMU 7.2: "The nodes select no CPUs"): the node with CPUs nearest
      // the memory the context preallocates, as a drop would put it (edits.ts preallocNode)
      const absent = !nodeById(host, nodes[0]!);
      const served = layout.backends.filter((b) => b.preallocContext === tc.id).map(boundNode);
      const memory = served.length > 0 && served.every((n) => n === served[0] && n !== undefined && nodeById(host, n)) ? served[0]! : undefined;
      const target = absent ? (memory !== undefined ? preallocNode(host, memory) : host.nodes.find((n) => onlineCpusOf(host, n).length > 0)?.id) : preallocNode(host, nodes[0]!);
      if (target === undefined || target === nodes[0]) return undefined;
      return {
        label: absent ? `move ${tc.id} to node ${target}, ${memory !== undefined ? "nearest its memory" : "the host's first with CPUs"}` : `move ${tc.id} to node ${target}, the nearest with CPUs`,
        apply: (l0) => {
          const l = structuredClone(l0);
          l.threadContexts.find((t) => t.id === tc.id)!.nodeAffinity = formatIdList([target]);
          return l;
        },
      };
    }
    case "NUMA023": {
      const b = backendOf(layout, d);
      if (!b) return undefined;
      return {
        label: `use 2 threads for ${b.id}`,
        apply: (l0) => {
          const l = structuredClone(l0);
          l.backends.find((x) => x.id === b.id)!.preallocThreads = 2;
          return l;
        },
      };
    }
    case "NUMA042": {
      const m = host ? misplacedDevices(layout, host).find((x) => x.at.path === d.at?.path) : undefined;
      if (!m || !host) return undefined;
      const { guest } = m.serves[0]!;
      return {
        label: `move guest node ${guest}'s memory and vCPUs to host node ${m.device.numaNode}, the device's`,
        // the same edit as dragging the guest node onto that host node: memory, context and pins (pin/follow.ts)
        apply: (l) =>
          moveGuestNode(
            l,
            l.nodes.findIndex((n, i) => (n.nodeid ?? i) === guest),
            m.device.numaNode,
            host,
          ),
      };
    }
    case "NUMA045":
      return { label: "use -display none (the monitor stays on stdio)", apply: (l0) => ({ ...structuredClone(l0), console: withConsole(l0.console, { display: "none" }) }) };
    case "NUMA026":
      return smpFix(layout);
    case "NUMA010":
      return hostNodesFix(layout, host, backendOf(layout, d));
    case "NUMA030":
      return { label: "turn on debug-threads", apply: (l0) => ({ ...structuredClone(l0), name: { ...(l0.name ?? {}), debugThreads: true } }) };
    default:
      return pinFixFor(d, layout, host);
  }
}

/**
 * NUMA011 for cpu-affinity= naming absent or offline CPUs. Some online: keep those (QEMU 7.2
 * starts with the rest and runs the threads there, so the line then says what happens). None:
 * QEMU refuses ("Setting CPU affinity failed: Invalid argument"); the online CPUs of the node
 * the named CPUs belong to, or, for CPUs the host lacks, of the node with CPUs nearest the
 * memory the context preallocates (as the node-affinity case picks), else the first with CPUs.
 */
function cpuAffinityFix(tc: Layout["threadContexts"][number], layout: Layout, host: HostTopology): Fix | undefined {
  const online = new Set(host.cpus.filter((c) => c.online).map((c) => c.id));
  const named = ids(tc.cpuAffinity);
  const kept = named.filter((c) => online.has(c));
  const set = (cpus: number[]) => (l0: Layout) => {
    const l = structuredClone(l0);
    l.threadContexts.find((t) => t.id === tc.id)!.cpuAffinity = formatIdList(cpus);
    return l;
  };
  if (kept.length > 0) return { label: `keep ${tc.id} on its online CPUs (${formatIdList(kept)})`, apply: set(kept) };
  const nodeOfCpu = new Map(host.cpus.map((c) => [c.id, c.node]));
  const homes = [...new Set(named.map((c) => nodeOfCpu.get(c)).filter((n): n is number => n !== undefined))];
  const served = layout.backends.filter((b) => b.preallocContext === tc.id).map(boundNode);
  const memory = served.length > 0 && served.every((n) => n === served[0] && n !== undefined && nodeById(host, n)) ? served[0]! : undefined;
  const from = homes.length === 1 ? homes[0]! : memory;
  const target = from !== undefined ? preallocNode(host, from) : host.nodes.find((n) => onlineCpusOf(host, n).length > 0)?.id;
  const node = target === undefined ? undefined : nodeById(host, target);
  const cpus = node ? onlineCpusOf(host, node) : [];
  if (cpus.length === 0) return undefined;
  const why =
    homes.length === 1 ? (homes[0] === target ? "the online CPUs of its node" : "its node's nearest with online CPUs") : memory !== undefined ? "nearest its memory" : "the host's first with CPUs";
  return { label: `put ${tc.id} on node ${target}'s online CPUs (${formatIdList(cpus)}), ${why}`, apply: set(cpus) };
}
