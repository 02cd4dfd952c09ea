// One-click fixes: for a diagnostic whose fix is mechanical, the edit that makes it. Each is a
// pure function of the layout (and the target host), so the app applies it as one undoable
// edit and a test can apply it without the app. A diagnostic with no entry here keeps its
// written advice only.

import type { Diagnostic } from "../diagnostics/diagnostic";
import type { HostTopology } from "../topology/schema";
import type { Backend, Layout } from "./schema";
import { contextForNode } from "./edits";
import { formatIdList, parseIdList } from "../cpulist/cpulist";
import { formatSize, parseSize } from "../size/size";
import { nearestCpuNode, nodeById } from "../topology/query";
import { smpMaxCpus } from "../qemu/prealloc";
import { pinFixFor } from "../pin/fixes";

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

/** The node whose CPUs should preallocate memory on `node`: itself, or the nearest node with CPUs (memory-only nodes). */
function preallocNode(host: HostTopology | undefined, node: number): number {
  const n = host ? nodeById(host, node) : undefined;
  if (!host || !n || n.cpus.length > 0) return node;
  return nearestCpuNode(host, n)?.id ?? node;
}

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

export function fixFor(d: Diagnostic, layout: Layout, host?: HostTopology): Fix | undefined {
  switch (d.code) {
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
      const total = layout.backends.filter((b) => used.has(b.id)).reduce((a, b) => {
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
      const nodes = ids(tc?.nodeAffinity);
      if (!tc || !host || nodes.length !== 1) return undefined;
      const target = preallocNode(host, nodes[0]!);
      if (target === nodes[0]) return undefined;
      return {
        label: `move ${tc.id} to node ${target}, the nearest with CPUs`,
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
    case "NUMA030":
      return { label: "turn on debug-threads", apply: (l0) => ({ ...structuredClone(l0), name: { ...(l0.name ?? {}), debugThreads: true } }) };
    default:
      return pinFixFor(d, layout, host);
  }
}
