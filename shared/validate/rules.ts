// The checks, one function per rule, each with a stable code. Errors are what QEMU refuses
// or what would break the host; warnings are what QEMU accepts but does not do what the
// layout seems to want; hints are what would make the layout better.

import type { Diagnostic, Severity } from "../diagnostics/diagnostic";
import type { Backend, Layout } from "../layout/schema";
import { formatIdList, parseIdList } from "../cpulist/cpulist";
import { formatSize, humanSize, parseSize } from "../size/size";
import { backendBytes, backendPageSize, preallocThreads, smpMaxCpus } from "../qemu/prealloc";
import { argRefs, deviceMemdevs } from "../layout/refs";
import { freeHugepages, nodeById, nodeIdList, onlineCpuCount, onlineCpusOf } from "../topology/query";
import { versionBelow, type Rule } from "./context";
import type { HostTopology } from "../topology/schema";

const QEMU_DEFAULT_RAM = 128 * 1024 * 1024;

function d(code: string, severity: Severity, message: string, fix: string, path?: string): Diagnostic {
  return path === undefined ? { code, severity, message, fix } : { code, severity, message, fix, at: { path } };
}

function ids(text: string | undefined): number[] {
  if (text === undefined) return [];
  const r = parseIdList(text);
  return r.ok ? r.ids : [];
}

function memoryBytes(layout: Layout): number {
  if (!layout.memory) return QEMU_DEFAULT_RAM;
  const r = parseSize(layout.memory.size, "M");
  return r.ok ? r.bytes : 0;
}

function memoryText(layout: Layout): string {
  return layout.memory ? `-m ${layout.memory.size}` : "QEMU's default -m 128M";
}

/** Guest node ids as QEMU assigns them: an omitted nodeid is the node's position. */
function guestNodeIds(layout: Layout): number[] {
  return layout.nodes.map((n, i) => n.nodeid ?? i);
}

const backendLabel = (b: Backend) => `backend ${b.id}`;

// NUMA001: the memory of the guest nodes (or the boot backend) must add up to -m.
export const memorySum: Rule = (layout) => {
  const out: Diagnostic[] = [];
  const want = memoryBytes(layout);
  const byId = new Map(layout.backends.map((b) => [b.id, b]));
  if (layout.nodes.length > 0 && layout.nodes.every((n) => n.memdev !== undefined)) {
    const used = [...new Set(layout.nodes.map((n) => n.memdev!))].map((id) => byId.get(id)).filter((b): b is Backend => !!b);
    if (used.length === new Set(layout.nodes.map((n) => n.memdev)).size) {
      const sum = used.reduce((a, b) => a + backendBytes(b), 0);
      if (sum !== want) {
        const parts = used.map((b) => `${b.id} ${humanSize(backendBytes(b))}`).join(" + ");
        out.push(
          d(
            "NUMA001",
            "error",
            `the guest nodes' memory adds up to ${humanSize(sum)} (${parts}), but ${memoryText(layout)} is ${humanSize(want)}; QEMU refuses to start`,
            `set -m to ${formatSize(sum, "M")} or resize the backends so they add up to ${humanSize(want)}`,
            "memory",
          ),
        );
      }
    }
  } else if (layout.nodes.length > 0 && layout.nodes.every((n) => n.mem !== undefined)) {
    const sum = layout.nodes.reduce((a, n) => {
      const r = parseSize(n.mem!, "M");
      return a + (r.ok ? r.bytes : 0);
    }, 0);
    if (sum !== want) {
      out.push(d("NUMA001", "error", `the guest nodes' mem= adds up to ${humanSize(sum)}, but ${memoryText(layout)} is ${humanSize(want)}`, "make the node sizes add up to -m", "memory"));
    }
  }
  const boot = layout.machine?.memoryBackend;
  const bootBackend = boot ? byId.get(boot) : undefined;
  if (bootBackend && layout.nodes.length === 0 && backendBytes(bootBackend) !== want) {
    out.push(
      d(
        "NUMA001",
        "error",
        `-machine memory-backend=${boot} is ${humanSize(backendBytes(bootBackend))}, but ${memoryText(layout)} is ${humanSize(want)}; QEMU refuses to start`,
        `make the backend's size equal to -m`,
        "machine.memoryBackend",
      ),
    );
  }
  return out;
};

// NUMA002: guest nodes may only name vCPUs below -smp's maximum.
export const vcpuRange: Rule = (layout) => {
  const max = smpMaxCpus(layout.smp);
  const named = layout.nodes.flatMap((n) => ids(n.cpus));
  if (named.length === 0) return [];
  const highest = Math.max(...named);
  if (!layout.smp) {
    if (highest < 1) return [];
    return [
      d(
        "NUMA002",
        "error",
        `the guest nodes name vCPUs ${formatIdList(named)}, but there is no -smp, so QEMU creates 1 vCPU and refuses CPU indexes of 1 and above`,
        `add -smp ${highest + 1}`,
        "smp",
      ),
    ];
  }
  const out: Diagnostic[] = [];
  layout.nodes.forEach((n, i) => {
    const bad = ids(n.cpus).filter((c) => c >= max);
    if (bad.length > 0) {
      out.push(
        d(
          "NUMA002",
          "error",
          `guest node ${n.nodeid ?? i} names vCPUs ${formatIdList(bad)}, but -smp allows vCPU indexes 0-${max - 1}`,
          `raise -smp to ${highest + 1} (or maxcpus=${highest + 1}), or remove those vCPUs from the node`,
          `nodes[${i}].cpus`,
        ),
      );
    }
  });
  return out;
};

// NUMA003 / NUMA004: every vCPU in exactly one guest node.
export const vcpuMembership: Rule = (layout) => {
  const out: Diagnostic[] = [];
  const owner = new Map<number, number>();
  const gids = guestNodeIds(layout);
  layout.nodes.forEach((n, i) => {
    const twice: number[] = [];
    let other = -1;
    for (const c of ids(n.cpus)) {
      const prev = owner.get(c);
      if (prev !== undefined) {
        twice.push(c);
        other = prev;
      } else owner.set(c, i);
    }
    if (twice.length > 0) {
      out.push(
        d(
          "NUMA003",
          "error",
          `vCPUs ${formatIdList(twice)} are in guest node ${gids[other]} and in guest node ${gids[i]}`,
          "give each vCPU to one guest node only",
          `nodes[${i}].cpus`,
        ),
      );
    }
  });
  if (owner.size > 0) {
    const max = smpMaxCpus(layout.smp);
    const missing: number[] = [];
    for (let c = 0; c < Math.min(max, 65536); c++) if (!owner.has(c)) missing.push(c);
    if (missing.length > 0) {
      out.push(
        d(
          "NUMA004",
          "warning",
          `vCPUs ${formatIdList(missing)} are in no guest node; QEMU puts them on node 0 and warns that this will stop working`,
          "add them to a guest node's cpus=",
          "nodes",
        ),
      );
    }
  }
  return out;
};

// NUMA005: memdev= / memory-backend= must name a memory backend.
export const danglingMemdev: Rule = (layout) => {
  const backends = new Set(layout.backends.map((b) => b.id));
  const otherBackends = new Set(argRefs(layout).flatMap((r) => (r.qomType?.startsWith("memory-backend-") && r.id ? [r.id] : [])));
  const known = (id: string) => backends.has(id) || otherBackends.has(id);
  const out: Diagnostic[] = [];
  const fix = (id: string) =>
    backends.size > 0 ? `use one of ${[...backends].join(", ")}, or add -object memory-backend-ram,id=${id},size=...` : `add -object memory-backend-ram,id=${id},size=...`;
  layout.nodes.forEach((n, i) => {
    if (n.memdev !== undefined && !known(n.memdev)) {
      out.push(d("NUMA005", "error", `guest node ${n.nodeid ?? i} uses memdev=${n.memdev}, but no memory backend has that id`, fix(n.memdev), `nodes[${i}].memdev`));
    }
  });
  const boot = layout.machine?.memoryBackend;
  if (boot !== undefined && !known(boot)) {
    out.push(d("NUMA005", "error", `-machine memory-backend=${boot} names no memory backend`, fix(boot), "machine.memoryBackend"));
  }
  for (const r of argRefs(layout)) {
    if (r.option === "-device" && r.memdev !== undefined && !known(r.memdev)) {
      out.push(d("NUMA005", "error", `-device ${r.driver ?? ""} uses memdev=${r.memdev}, but no memory backend has that id`, fix(r.memdev), `args[${r.arg}]`));
    }
  }
  return out;
};

// NUMA006: prealloc-context= must name a thread-context.
export const danglingContext: Rule = (layout) => {
  const contexts = new Set(layout.threadContexts.map((t) => t.id));
  const out: Diagnostic[] = [];
  layout.backends.forEach((b, i) => {
    if (b.preallocContext !== undefined && !contexts.has(b.preallocContext)) {
      out.push(
        d(
          "NUMA006",
          "error",
          `${backendLabel(b)} uses prealloc-context=${b.preallocContext}, but there is no thread-context with that id`,
          contexts.size > 0 ? `use one of ${[...contexts].join(", ")}` : `add -object thread-context,id=${b.preallocContext},node-affinity=N`,
          `backends[${i}].preallocContext`,
        ),
      );
    }
  });
  return out;
};

const ID_RE = /^[A-Za-z][A-Za-z0-9._-]*$/;

// NUMA007 / NUMA008: object ids are unique and well formed.
export const objectIds: Rule = (layout) => {
  const out: Diagnostic[] = [];
  const all: Array<{ id: string; path: string }> = [
    ...layout.backends.map((b, i) => ({ id: b.id, path: `backends[${i}].id` })),
    ...layout.threadContexts.map((t, i) => ({ id: t.id, path: `threadContexts[${i}].id` })),
    ...argRefs(layout).flatMap((r) => (r.option === "-object" && r.id !== undefined ? [{ id: r.id, path: `args[${r.arg}]` }] : [])),
  ];
  const seen = new Set<string>();
  for (const { id, path } of all) {
    if (seen.has(id)) {
      out.push(d("NUMA007", "error", `the object id '${id}' is used twice; QEMU refuses duplicate ids`, `rename one of them`, path));
    }
    seen.add(id);
    if (!ID_RE.test(id)) {
      out.push(
        d(
          "NUMA008",
          "error",
          `the object id '${id}' is not well formed; QEMU wants a letter first, then letters, digits, '-', '.' or '_'`,
          `rename it, e.g. ${id.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z]*/, "id-") || "ram0"}`,
          path,
        ),
      );
    }
  }
  return out;
};

// NUMA009: guest node ids unique and without gaps (QEMU: "numa: Node ID missing").
export const guestNodeIdsRule: Rule = (layout) => {
  const out: Diagnostic[] = [];
  const gids = guestNodeIds(layout);
  const seen = new Set<number>();
  gids.forEach((g, i) => {
    if (seen.has(g)) out.push(d("NUMA009", "error", `guest node id ${g} is used twice`, "give each -numa node its own nodeid", `nodes[${i}].nodeid`));
    seen.add(g);
  });
  const max = gids.length ? Math.max(...gids) : -1;
  const missing: number[] = [];
  for (let g = 0; g <= max && g < 65536; g++) if (!seen.has(g)) missing.push(g);
  if (missing.length > 0) {
    out.push(d("NUMA009", "error", `guest node ids ${formatIdList(missing)} are missing; QEMU wants ids 0-${max} without gaps`, "number the guest nodes 0, 1, 2, …", "nodes"));
  }
  return out;
};

// NUMA010: host-nodes must exist on the target host.
export const hostNodesExist: Rule = (layout, { host }) => {
  if (!host) return [];
  const out: Diagnostic[] = [];
  layout.backends.forEach((b, i) => {
    const absent = ids(b.hostNodes).filter((n) => !nodeById(host, n));
    if (absent.length > 0) {
      out.push(
        d(
          "NUMA010",
          "error",
          `host node${absent.length > 1 ? "s" : ""} ${formatIdList(absent)} ${absent.length > 1 ? "do" : "does"} not exist on ${host.name} (nodes: ${nodeIdList(host)})`,
          `bind it to one of the host's nodes (${nodeIdList(host)})`,
          `backends[${i}].hostNodes`,
        ),
      );
    }
  });
  return out;
};

// NUMA011: a thread-context must select CPUs that exist and are online.
export const contextAffinityTargets: Rule = (layout, { host }) => {
  if (!host) return [];
  const out: Diagnostic[] = [];
  const withCpus = host.nodes.filter((n) => onlineCpusOf(host, n).length > 0).map((n) => n.id);
  layout.threadContexts.forEach((t, i) => {
    const bad = ids(t.nodeAffinity).filter((n) => !withCpus.includes(n));
    if (bad.length > 0) {
      const absent = bad.filter((n) => !nodeById(host, n));
      out.push(
        d(
          "NUMA011",
          "error",
          `node-affinity=${t.nodeAffinity} names ${absent.length === bad.length ? "absent" : "CPU-less"} host node${bad.length > 1 ? "s" : ""} ${formatIdList(bad)}; QEMU says "The nodes select no CPUs"`,
          `use a node with CPUs (${formatIdList(withCpus)}); for memory-only nodes, put the context on the nearest node with CPUs`,
          `threadContexts[${i}].nodeAffinity`,
        ),
      );
    }
    const online = new Set(host.cpus.filter((c) => c.online).map((c) => c.id));
    const badCpus = ids(t.cpuAffinity).filter((c) => !online.has(c));
    if (badCpus.length > 0) {
      out.push(
        d(
          "NUMA011",
          "error",
          `cpu-affinity names CPUs ${formatIdList(badCpus)}, which are absent or offline on ${host.name}`,
          `use online CPUs (${formatIdList([...online])})`,
          `threadContexts[${i}].cpuAffinity`,
        ),
      );
    }
  });
  return out;
};

// NUMA012: a policy other than default needs host-nodes, and host-nodes needs a policy.
export const policyNeedsNodes: Rule = (layout) => {
  const out: Diagnostic[] = [];
  layout.backends.forEach((b, i) => {
    const policy = b.policy ?? "default";
    const nodes = ids(b.hostNodes);
    if (policy !== "default" && nodes.length === 0) {
      out.push(d("NUMA012", "error", `policy=${policy} without host-nodes; QEMU refuses it`, `add host-nodes=N, or remove policy=${policy}`, `backends[${i}].policy`));
    }
    if (policy === "default" && nodes.length > 0) {
      out.push(
        d(
          "NUMA012",
          "error",
          `host-nodes=${b.hostNodes} with the default policy; QEMU refuses host-nodes without a policy`,
          `add policy=bind (or preferred, interleave)`,
          `backends[${i}].hostNodes`,
        ),
      );
    }
  });
  return out;
};

// NUMA013: preallocated memory must fit in the free memory of the nodes it is bound to.
export const preallocFits: Rule = (layout, { host }) => {
  if (!host) return [];
  const out: Diagnostic[] = [];
  const groups = new Map<string, { nodes: number[]; bytes: number; backends: number[] }>();
  layout.backends.forEach((b, i) => {
    if (!b.prealloc || b.hugetlb) return;
    const nodes = b.policy === "bind" ? ids(b.hostNodes) : [];
    const key = nodes.length > 0 ? formatIdList(nodes) : "*";
    const g = groups.get(key) ?? { nodes, bytes: 0, backends: [] };
    g.bytes += backendBytes(b);
    g.backends.push(i);
    groups.set(key, g);
  });
  for (const g of groups.values()) {
    const pool = g.nodes.length > 0 ? g.nodes.map((n) => nodeById(host, n)).filter((n) => n !== undefined) : host.nodes;
    if (pool.length === 0) continue; // NUMA010 already says the nodes are absent
    const free = pool.reduce((a, n) => a + n.memFree, 0);
    if (g.bytes > free) {
      const where = g.nodes.length > 0 ? `host node${g.nodes.length > 1 ? "s" : ""} ${formatIdList(g.nodes)}` : host.name;
      const names = g.backends.map((i) => layout.backends[i]!.id).join(", ");
      out.push(
        d(
          "NUMA013",
          "error",
          `${names} preallocate${g.backends.length === 1 ? "s" : ""} ${humanSize(g.bytes)}, but ${where} ${g.nodes.length > 1 ? "have" : "has"} ${humanSize(free)} free; QEMU would fail or the OOM killer would end it`,
          "make the backends smaller, spread them over more nodes, or free memory first",
          `backends[${g.backends[0]}].size`,
        ),
      );
    }
  }
  return out;
};

// NUMA014 / NUMA015: huge pages: size a multiple of the page size; enough free pages.
export const hugepages: Rule = (layout, { host }) => {
  const out: Diagnostic[] = [];
  layout.backends.forEach((b, i) => {
    if (!b.hugetlb) return;
    const page = backendPageSize(b);
    const bytes = backendBytes(b);
    if (bytes % page !== 0) {
      out.push(
        d(
          "NUMA014",
          "error",
          `size ${b.size} is not a multiple of its huge page size ${humanSize(page)}`,
          `use a size that is a multiple of ${humanSize(page)}, e.g. ${humanSize(Math.ceil(bytes / page) * page)}`,
          `backends[${i}].size`,
        ),
      );
      return;
    }
    if (!host) return;
    const sizes = new Set(host.nodes.flatMap((n) => n.hugepages.map((h) => h.pageSize)));
    if (sizes.size > 0 && !sizes.has(page)) {
      out.push(
        d(
          "NUMA014",
          "error",
          `${host.name} has no ${humanSize(page)} huge pages (it has ${[...sizes].map(humanSize).join(", ")})`,
          `use hugetlbsize=${[...sizes].map((s) => formatSize(s)).join(" or ")}`,
          `backends[${i}].hugetlbsize`,
        ),
      );
      return;
    }
    const need = bytes / page;
    const nodes = ids(b.hostNodes);
    const pool = nodes.length > 0 && b.policy === "bind" ? nodes.map((n) => nodeById(host, n)).filter((n) => n !== undefined) : host.nodes;
    const free = pool.reduce((a, n) => a + freeHugepages(n, page), 0);
    if (need > free) {
      out.push(
        d(
          "NUMA015",
          "error",
          `${backendLabel(b)} needs ${need} huge pages of ${humanSize(page)}, but ${nodes.length > 0 ? `host node ${formatIdList(nodes)}` : host.name} has ${free} free; QEMU fails with "Cannot allocate memory"`,
          `reserve more: echo ${need} > /sys/devices/system/node/node${nodes[0] ?? 0}/hugepages/hugepages-${page / 1024}kB/nr_hugepages`,
          `backends[${i}].size`,
        ),
      );
    }
  });
  return out;
};

// NUMA016: prealloc-threads / prealloc-context do nothing without prealloc=on.
export const threadsWithoutPrealloc: Rule = (layout) => {
  const out: Diagnostic[] = [];
  layout.backends.forEach((b, i) => {
    if (b.prealloc) return;
    const what = [b.preallocThreads !== undefined ? "prealloc-threads" : "", b.preallocContext !== undefined ? "prealloc-context" : ""].filter(Boolean).join(" and ");
    if (what) {
      out.push(d("NUMA016", "warning", `${backendLabel(b)} sets ${what} but not prealloc=on, so nothing is preallocated`, `add prealloc=on, or remove ${what}`, `backends[${i}].prealloc`));
    }
  });
  return out;
};

// NUMA017: prealloc-threads above what QEMU will start.
export const threadsClamped: Rule = (layout, { host }) => {
  const out: Diagnostic[] = [];
  const cpus = host ? onlineCpuCount(host) : undefined;
  layout.backends.forEach((b, i) => {
    if (!b.prealloc || b.preallocThreads === undefined || b.preallocThreads === 0) return;
    const t = preallocThreads(b, layout, cpus);
    if (t.effective < t.requested) {
      out.push(
        d(
          "NUMA017",
          "warning",
          `prealloc-threads=${t.requested}, but QEMU will start ${t.effective} (limited by ${t.limits.join(", ")})`,
          `set prealloc-threads=${t.effective} to say what happens`,
          `backends[${i}].preallocThreads`,
        ),
      );
    }
  });
  return out;
};

function contextNodes(layout: Layout, contextId: string, host: HostTopology | undefined): number[] | undefined {
  const t = layout.threadContexts.find((x) => x.id === contextId);
  if (!t) return undefined;
  if (t.nodeAffinity !== undefined) return ids(t.nodeAffinity);
  if (t.cpuAffinity !== undefined && host) {
    return [...new Set(ids(t.cpuAffinity).map((c) => host.cpus.find((x) => x.id === c)?.node).filter((n): n is number => n !== undefined))];
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
export const contextMatchesNodes: Rule = (layout, { host }) => {
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
        d(
          "NUMA018",
          "warning",
          `${backendLabel(b)} is on host node ${formatIdList(mem)}, but its prealloc-context ${b.preallocContext} runs threads on node ${formatIdList(ctx)}: they would touch the memory from the other node`,
          `use a thread-context with node-affinity=${formatIdList(mem)}`,
          `backends[${i}].preallocContext`,
        ),
      );
    }
  });
  return out;
};

// NUMA019: on a multi-node host, bound preallocated memory without a context is slow.
export const suggestContext: Rule = (layout, { host }) => {
  if (!host || host.nodes.filter((n) => onlineCpusOf(host, n).length > 0).length < 2) return [];
  const candidates = layout.backends
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.prealloc && b.policy === "bind" && ids(b.hostNodes).length > 0 && !b.preallocContext);
  if (candidates.length === 0) return [];
  const names = candidates.map(({ b }) => b.id).join(", ");
  return [
    d(
      "NUMA019",
      "hint",
      `${names} ${candidates.length > 1 ? "are" : "is"} preallocated on bound host nodes without a thread-context, so the touch_pages threads may run on other nodes; on a 2-socket host with 256 GiB a context per node took preallocation from 25.5 s to 10.6 s`,
      `add -object thread-context,id=tcN,node-affinity=N per node and prealloc-context=tcN on each backend (numadesk plan does this)`,
      `backends[${candidates[0]!.i}]`,
    ),
  ];
};

// NUMA020: thread-context and prealloc-context need QEMU 7.2.
export const contextNeedsQemu72: Rule = (layout, { qemu }) => {
  if (!versionBelow(qemu?.version, 7, 2)) return [];
  const out: Diagnostic[] = [];
  layout.threadContexts.forEach((t, i) => {
    out.push(d("NUMA020", "error", `thread-context ${t.id} needs QEMU 7.2 or newer; this QEMU is ${qemu!.version}`, "upgrade QEMU (Debian 12 ships 7.2) or remove the thread-contexts", `threadContexts[${i}]`));
  });
  return out;
};

// NUMA021: node-affinity and cpu-affinity exclude each other.
export const affinityBoth: Rule = (layout) =>
  layout.threadContexts.flatMap((t, i) =>
    t.nodeAffinity !== undefined && t.cpuAffinity !== undefined
      ? [d("NUMA021", "error", `thread-context ${t.id} sets both node-affinity and cpu-affinity; QEMU says "Mixing CPU and node affinity not supported"`, "keep one of them", `threadContexts[${i}]`)]
      : [],
  );

// NUMA022: prealloc-threads=0 is refused.
export const zeroThreads: Rule = (layout) =>
  layout.backends.flatMap((b, i) =>
    b.preallocThreads === 0 ? [d("NUMA022", "error", `prealloc-threads=0 is not accepted by QEMU`, "use 1 or more, or leave it out (QEMU then uses the -smp CPU count)", `backends[${i}].preallocThreads`)] : [],
  );

// NUMA023: with one preallocation thread QEMU starts no worker and ignores the context.
export const contextNeedsTwoThreads: Rule = (layout, { host }) => {
  const out: Diagnostic[] = [];
  const cpus = host ? onlineCpuCount(host) : undefined;
  layout.backends.forEach((b, i) => {
    if (!b.prealloc || !b.preallocContext || b.preallocThreads === 0) return;
    const t = preallocThreads(b, layout, cpus);
    if (t.effective === 1) {
      out.push(
        d(
          "NUMA023",
          "warning",
          `${backendLabel(b)} is preallocated by 1 thread${t.limits.length ? ` (${t.limits.join(", ")})` : ""}: QEMU then touches the pages from its main thread and the thread-context ${b.preallocContext} has no effect`,
          "use prealloc-threads=2 or more (and a backend of at least 128 MiB)",
          `backends[${i}].preallocThreads`,
        ),
      );
    }
  });
  return out;
};

// NUMA024: -machine none has no NUMA.
export const machineNone: Rule = (layout) =>
  layout.machine?.type === "none" && layout.nodes.length > 0
    ? [d("NUMA024", "error", `-machine none does not support -numa ("NUMA is not supported by this machine-type")`, "use -machine q35 or pc", "machine.type")]
    : [];

// NUMA025: guest nodes use memdev= on all nodes, or on none.
export const memdevAllOrNone: Rule = (layout) => {
  const withDev = layout.nodes.filter((n) => n.memdev !== undefined).length;
  const withMem = layout.nodes.filter((n) => n.mem !== undefined).length;
  if (withDev > 0 && withMem > 0) {
    return [d("NUMA025", "error", "some guest nodes use memdev= and others mem=; QEMU wants one kind for all", "use memdev= on every node", "nodes")];
  }
  if (withDev > 0 && withDev < layout.nodes.length) {
    const i = layout.nodes.findIndex((n) => n.memdev === undefined);
    return [
      d("NUMA025", "error", `guest node ${layout.nodes[i]!.nodeid ?? i} has no memdev= while others have one; QEMU wants memdev= on all nodes or none`, "give every guest node a memdev=, or merge the memory-less node into another", `nodes[${i}]`),
    ];
  }
  return [];
};

// NUMA026: -smp topology must multiply to maxcpus; cpus ≤ maxcpus.
export const smpTopology: Rule = (layout) => {
  const s = layout.smp;
  if (!s) return [];
  const out: Diagnostic[] = [];
  const parts = [s.sockets, s.dies, s.clusters, s.cores, s.threads];
  if (s.sockets !== undefined && s.cores !== undefined && s.threads !== undefined) {
    const product = parts.reduce<number>((a, p) => a * (p ?? 1), 1);
    const max = smpMaxCpus(s);
    if (product !== max) {
      out.push(d("NUMA026", "error", `-smp: sockets × dies × clusters × cores × threads is ${product}, but maxcpus is ${max}; QEMU refuses the topology`, `make the product ${max}, or set maxcpus=${product}`, "smp"));
    }
  }
  if (s.cpus !== undefined && s.maxcpus !== undefined && s.cpus > s.maxcpus) {
    out.push(d("NUMA026", "error", `-smp cpus=${s.cpus} is more than maxcpus=${s.maxcpus}`, "raise maxcpus or lower cpus", "smp"));
  }
  return out;
};

// NUMA027: a backend nothing uses is still allocated (and preallocated).
export const unusedBackend: Rule = (layout) => {
  const used = new Set<string>([...layout.nodes.flatMap((n) => (n.memdev ? [n.memdev] : [])), ...deviceMemdevs(layout)]);
  if (layout.machine?.memoryBackend) used.add(layout.machine.memoryBackend);
  return layout.backends.flatMap((b, i) =>
    used.has(b.id)
      ? []
      : [d("NUMA027", "warning", `${backendLabel(b)} is not used by any guest node, device or -machine memory-backend=, but QEMU still ${b.prealloc ? "preallocates" : "creates"} it`, `use it (memdev=${b.id}) or remove it`, `backends[${i}]`)],
  );
};

// NUMA028: -numa dist must name existing guest nodes.
export const distanceNodes: Rule = (layout) => {
  const gids = new Set(guestNodeIds(layout));
  return layout.distances.flatMap((x, i) => {
    const bad = [x.src, x.dst].filter((n) => !gids.has(n));
    if (bad.length > 0) return [d("NUMA028", "error", `-numa dist src=${x.src},dst=${x.dst} names guest node ${formatIdList(bad)}, which does not exist`, "use the ids of -numa node options", `distances[${i}]`)];
    if (x.src === x.dst && x.val !== 10) return [d("NUMA028", "error", `-numa dist: a node's distance to itself must be 10, not ${x.val}`, "use val=10", `distances[${i}]`)];
    if (x.src !== x.dst && x.val <= 10) return [d("NUMA028", "error", `-numa dist src=${x.src},dst=${x.dst}: val=${x.val}; distances between nodes must be above 10`, "use 11 or more (e.g. 21)", `distances[${i}]`)];
    return [];
  });
};

// NUMA029: properties each backend type takes; file backends need mem-path.
export const backendTypeProps: Rule = (layout) => {
  const out: Diagnostic[] = [];
  layout.backends.forEach((b, i) => {
    const wrong: string[] = [];
    if (b.memPath !== undefined && b.type !== "file") wrong.push("mem-path");
    if ((b.hugetlb !== undefined || b.hugetlbsize !== undefined) && b.type !== "memfd") wrong.push("hugetlb");
    if (wrong.length > 0) {
      const want = wrong[0] === "mem-path" ? "file" : "memfd";
      out.push(d("NUMA029", "error", `memory-backend-${b.type} does not take ${wrong.join(", ")}`, `use memory-backend-${want}`, `backends[${i}].type`));
    }
    if (b.type === "file" && b.memPath === undefined) {
      out.push(d("NUMA029", "error", `memory-backend-file needs mem-path=`, "add mem-path=/dev/hugepages (or another file or folder)", `backends[${i}]`));
    }
    if (b.hugetlbsize !== undefined && !b.hugetlb) {
      out.push(d("NUMA029", "error", `hugetlbsize= needs hugetlb=on`, "add hugetlb=on", `backends[${i}].hugetlbsize`));
    }
  });
  return out;
};

// NUMA030: the sampler and `ps` see thread names only with debug-threads=on before QEMU 11.
export const threadNames: Rule = (layout, { qemu }) => {
  if (!layout.backends.some((b) => b.prealloc)) return [];
  if (layout.name?.debugThreads) return [];
  const v = qemu?.version;
  if (v && !versionBelow(v, 11, 0)) return [];
  return [
    d(
      "NUMA030",
      "hint",
      "QEMU's threads are not named (no -name debug-threads=on): ps and top show every thread as qemu-system-x86, not touch_pages",
      "add -name debug-threads=on (Numadesk adds it itself when it launches a run)",
      "name",
    ),
  ];
};

// NUMA031: prealloc=on with reserve=off is refused.
export const preallocReserve: Rule = (layout) =>
  layout.backends.flatMap((b, i) => {
    const reserve = b.extra?.reserve;
    const off = reserve === false || (typeof reserve === "string" && /^(off|no|false|n)$/i.test(reserve));
    return b.prealloc && off ? [d("NUMA031", "error", `prealloc=on and reserve=off are incompatible`, "remove reserve=off", `backends[${i}]`)] : [];
  });

export const RULES: Rule[] = [
  memorySum,
  vcpuRange,
  vcpuMembership,
  danglingMemdev,
  danglingContext,
  objectIds,
  guestNodeIdsRule,
  hostNodesExist,
  contextAffinityTargets,
  policyNeedsNodes,
  preallocFits,
  hugepages,
  threadsWithoutPrealloc,
  threadsClamped,
  contextMatchesNodes,
  suggestContext,
  contextNeedsQemu72,
  affinityBoth,
  zeroThreads,
  contextNeedsTwoThreads,
  machineNone,
  memdevAllOrNone,
  smpTopology,
  unusedBackend,
  distanceNodes,
  backendTypeProps,
  threadNames,
  preallocReserve,
];
