// Preallocation: prealloc-threads and thread-contexts set so QEMU does what the layout seems
// to want, with the threads on the nodes that hold the memory.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import type { Layout } from "../../layout/schema";
import type { HostTopology } from "../../topology/schema";
import { formatIdList } from "../../cpulist/cpulist";
import { preallocThreads } from "../../qemu/prealloc";
import { nodeById, onlineCpuCount, onlineCpusOf } from "../../topology/query";
import { backendLabel, ids } from "./layout-facts";
import { atBackend, atThreadContext } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const NUMA016: RuleMeta = { code: "NUMA016", severity: "warning", title: "`prealloc-threads`/`prealloc-context` without `prealloc=on`", concern: "preallocation", policy: false };
const NUMA017: RuleMeta = {
  code: "NUMA017",
  severity: "warning",
  title: "more preallocation threads than QEMU will start: min(threads, host CPUs, 16, pages, size/64 MiB)",
  concern: "preallocation",
  policy: false,
};
const NUMA018: RuleMeta = {
  code: "NUMA018",
  severity: "warning",
  title: "the preallocation context runs on other nodes than the memory",
  concern: "preallocation",
  qemu: { min: "7.2" },
  policy: false,
};
const NUMA019: RuleMeta = { code: "NUMA019", severity: "hint", title: "multi-node host, bound preallocated memory, no thread-context", concern: "preallocation", policy: false };
const NUMA021: RuleMeta = { code: "NUMA021", severity: "error", title: "both `node-affinity` and `cpu-affinity`", concern: "preallocation", qemu: { min: "7.2" }, policy: false };
const NUMA022: RuleMeta = { code: "NUMA022", severity: "error", title: "`prealloc-threads=0`", concern: "preallocation", policy: false };
const NUMA023: RuleMeta = {
  code: "NUMA023",
  severity: "warning",
  title: "a context with one preallocation thread (QEMU then uses its main thread; the context is ignored)",
  concern: "preallocation",
  qemu: { min: "7.2" },
  policy: false,
};
const NUMA031: RuleMeta = { code: "NUMA031", severity: "error", title: "`prealloc=on` with `reserve=off`", concern: "preallocation", policy: false };

// NUMA016: prealloc-threads / prealloc-context do nothing without prealloc=on.
export const threadsWithoutPrealloc: RuleDef = {
  name: "threadsWithoutPrealloc",
  codes: [NUMA016],
  check: (layout) => {
    const out: Diagnostic[] = [];
    layout.backends.forEach((b, i) => {
      if (b.prealloc) return;
      const what = [b.preallocThreads !== undefined ? "prealloc-threads" : "", b.preallocContext !== undefined ? "prealloc-context" : ""].filter(Boolean).join(" and ");
      if (what) {
        out.push(emit(NUMA016, `${backendLabel(b)} sets ${what} but not prealloc=on, so nothing is preallocated`, `add prealloc=on, or remove ${what}`, atBackend(b, i, "prealloc")));
      }
    });
    return out;
  },
};

// NUMA017: prealloc-threads above what QEMU will start.
export const threadsClamped: RuleDef = {
  name: "threadsClamped",
  codes: [NUMA017],
  check: (layout, { host }) => {
    const out: Diagnostic[] = [];
    const cpus = host ? onlineCpuCount(host) : undefined;
    layout.backends.forEach((b, i) => {
      if (!b.prealloc || b.preallocThreads === undefined || b.preallocThreads === 0) return;
      const t = preallocThreads(b, layout, cpus);
      if (t.effective < t.requested) {
        out.push(
          emit(
            NUMA017,
            `prealloc-threads=${t.requested}, but QEMU will start ${t.effective} (limited by ${t.limits.join(", ")})`,
            `set prealloc-threads=${t.effective} to say what happens`,
            atBackend(b, i, "preallocThreads"),
          ),
        );
      }
    });
    return out;
  },
};

function contextNodes(layout: Layout, contextId: string, host: HostTopology | undefined): number[] | undefined {
  const t = layout.threadContexts.find((x) => x.id === contextId);
  if (!t) return undefined;
  if (t.nodeAffinity !== undefined) return ids(t.nodeAffinity);
  if (t.cpuAffinity !== undefined && host) {
    return [
      ...new Set(
        ids(t.cpuAffinity)
          .map((c) => host.cpus.find((x) => x.id === c)?.node)
          .filter((n): n is number => n !== undefined),
      ),
    ];
  }
  return undefined;
}

/** The nodes with online CPUs closest to any of `nodes` (ties all included). */
function nearestCpuNodes(host: HostTopology, nodes: number[]): number[] {
  const withCpus = host.nodes.filter((n) => onlineCpusOf(host, n).length > 0);
  let best = Infinity;
  let out: number[] = [];
  for (const m of nodes) {
    const i = host.nodes.findIndex((n) => n.id === m);
    for (const c of withCpus) {
      const dist = host.distances[i]?.[host.nodes.indexOf(c)] ?? Infinity;
      if (dist < best) {
        best = dist;
        out = [c.id];
      } else if (dist === best && !out.includes(c.id)) out.push(c.id);
    }
  }
  return out;
}

// NUMA018: the context's threads should run on the nodes the memory is bound to.
export const contextMatchesNodes: RuleDef = {
  name: "contextMatchesNodes",
  codes: [NUMA018],
  check: (layout, { host }) => {
    const out: Diagnostic[] = [];
    layout.backends.forEach((b, i) => {
      if (!b.preallocContext || b.hostNodes === undefined) return;
      const mem = ids(b.hostNodes);
      const ctx = contextNodes(layout, b.preallocContext, host);
      if (!ctx || ctx.length === 0 || mem.length === 0) return;
      const off = ctx.filter((n) => !mem.includes(n));
      // Memory-only nodes (CXL, some SNC/NPS modes) have no CPUs of their own: the nearest node
      // with CPUs is the right place for their threads.
      if (off.length > 0 && host && mem.every((m) => onlineCpusOf(host, nodeById(host, m) ?? { id: m, cpus: [], memTotal: 0, memFree: 0, hugepages: [] }).length === 0)) {
        const nearest = nearestCpuNodes(host, mem);
        if (ctx.every((n) => nearest.includes(n))) return;
      }
      if (off.length > 0) {
        out.push(
          emit(
            NUMA018,
            `${backendLabel(b)} is on host node ${formatIdList(mem)}, but its prealloc-context ${b.preallocContext} runs threads on node ${formatIdList(ctx)}: they would touch the memory from the other node`,
            `use a thread-context with node-affinity=${formatIdList(mem)}`,
            atBackend(b, i, "preallocContext"),
          ),
        );
      }
    });
    return out;
  },
};

// NUMA019: on a multi-node host, bound preallocated memory without a context is slow.
export const suggestContext: RuleDef = {
  name: "suggestContext",
  codes: [NUMA019],
  check: (layout, { host }) => {
    if (!host || host.nodes.filter((n) => onlineCpusOf(host, n).length > 0).length < 2) return [];
    const candidates = layout.backends.map((b, i) => ({ b, i })).filter(({ b }) => b.prealloc && b.policy === "bind" && ids(b.hostNodes).length > 0 && !b.preallocContext);
    if (candidates.length === 0) return [];
    const names = candidates.map(({ b }) => b.id).join(", ");
    const first = candidates[0]!;
    return [
      emit(
        NUMA019,
        `${names} ${candidates.length > 1 ? "are" : "is"} preallocated on bound host nodes without a thread-context, so the touch_pages threads may run on other nodes; on a 2-socket host with 256 GiB a context per node took preallocation from 25.5 s to 10.6 s`,
        `add -object thread-context,id=tcN,node-affinity=N per node and prealloc-context=tcN on each backend (numadesk plan does this)`,
        atBackend(first.b, first.i),
      ),
    ];
  },
};

// NUMA021: node-affinity and cpu-affinity exclude each other.
export const affinityBoth: RuleDef = {
  name: "affinityBoth",
  codes: [NUMA021],
  check: (layout) =>
    layout.threadContexts.flatMap((t, i) =>
      t.nodeAffinity !== undefined && t.cpuAffinity !== undefined
        ? [emit(NUMA021, `thread-context ${t.id} sets both node-affinity and cpu-affinity; QEMU says "Mixing CPU and node affinity not supported"`, "keep one of them", atThreadContext(t, i))]
        : [],
    ),
};

// NUMA022: prealloc-threads=0 is refused.
export const zeroThreads: RuleDef = {
  name: "zeroThreads",
  codes: [NUMA022],
  check: (layout) =>
    layout.backends.flatMap((b, i) =>
      b.preallocThreads === 0
        ? [emit(NUMA022, `prealloc-threads=0 is not accepted by QEMU`, "use 1 or more, or leave it out (QEMU then uses the -smp CPU count)", atBackend(b, i, "preallocThreads"))]
        : [],
    ),
};

// NUMA023: with one preallocation thread QEMU starts no worker and ignores the context.
export const contextNeedsTwoThreads: RuleDef = {
  name: "contextNeedsTwoThreads",
  codes: [NUMA023],
  check: (layout, { host }) => {
    const out: Diagnostic[] = [];
    const cpus = host ? onlineCpuCount(host) : undefined;
    layout.backends.forEach((b, i) => {
      if (!b.prealloc || !b.preallocContext || b.preallocThreads === 0) return;
      const t = preallocThreads(b, layout, cpus);
      if (t.effective === 1) {
        out.push(
          emit(
            NUMA023,
            `${backendLabel(b)} is preallocated by 1 thread${t.limits.length ? ` (${t.limits.join(", ")})` : ""}: QEMU then touches the pages from its main thread and the thread-context ${b.preallocContext} has no effect`,
            "use prealloc-threads=2 or more (and a backend of at least 128 MiB)",
            atBackend(b, i, "preallocThreads"),
          ),
        );
      }
    });
    return out;
  },
};

// NUMA031: prealloc=on with reserve=off is refused.
export const preallocReserve: RuleDef = {
  name: "preallocReserve",
  codes: [NUMA031],
  check: (layout) =>
    layout.backends.flatMap((b, i) => {
      const reserve = b.extra?.reserve;
      const off = reserve === false || (typeof reserve === "string" && /^(off|no|false|n)$/i.test(reserve));
      return b.prealloc && off ? [emit(NUMA031, `prealloc=on and reserve=off are incompatible`, "remove reserve=off", atBackend(b, i))] : [];
    }),
};

export const PREALLOCATION_RULES: readonly RuleDef[] = [
  threadsWithoutPrealloc,
  threadsClamped,
  contextMatchesNodes,
  suggestContext,
  affinityBoth,
  zeroThreads,
  contextNeedsTwoThreads,
  preallocReserve,
];
