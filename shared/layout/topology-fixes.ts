// One-click fixes for an -smp QEMU refuses (NUMA026) and for a backend bound to host nodes the
// target lacks (NUMA010). Kept beside fixes.ts, which dispatches to them.

import type { HostTopology } from "../topology/schema";
import type { Backend, Layout } from "./schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { nodeById } from "../topology/query";
import { acceptedTopology, resolveSmp } from "../qemu/smp-topology";
import { smpGiven, smpText } from "../validate/rules/cpus";
import { hostNodeOfCpu, vcpuHostSets } from "../pin/resolve";

interface Fix {
  label: string;
  apply: (layout: Layout) => Layout;
}

/**
 * NUMA026: drop the values given as 0 (QEMU 9.0+ refuses them; 7.2 took them as omitted), then,
 * if QEMU would still refuse the topology, use one it accepts for the same cpus and maxcpus
 * (raised to cpus when below it): the given threads, dies and sockets where they divide it.
 */
export function smpFix(layout: Layout): Fix | undefined {
  const s = layout.smp;
  if (!s) return undefined;
  const given = smpGiven(s);
  const zeros = Object.keys(given).filter((k) => given[k as keyof typeof given] === 0);
  const kept = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== 0));
  const still = !resolveSmp(kept, layout.machine?.type, undefined).ok;
  if (zeros.length === 0 && !still) return undefined;
  const topo = acceptedTopology(kept);
  const label = still ? `use -smp ${smpText(kept, topo)}` : `remove ${zeros.map((k) => `${k}=0`).join(", ")} from -smp`;
  return {
    label,
    apply: (l0) => {
      const l = structuredClone(l0);
      const smp = { ...l.smp! };
      if (smp.extra) {
        const extra = Object.fromEntries(Object.entries(smp.extra).filter(([k, v]) => !(zeros.includes(k) && String(v).match(/^0+$/))));
        if (Object.keys(extra).length > 0) smp.extra = extra;
        else delete smp.extra;
      }
      if (still) {
        if (topo.maxcpus !== (smp.cpus ?? topo.maxcpus) || smp.maxcpus !== undefined) smp.maxcpus = topo.maxcpus;
        if (smp.cpus === undefined && smp.maxcpus === undefined) smp.cpus = topo.maxcpus;
        smp.sockets = topo.sockets;
        smp.cores = topo.cores;
        smp.threads = topo.threads;
        if (topo.dies > 1) smp.dies = topo.dies;
        else delete smp.dies;
        if (kept.modules !== undefined) {
          const extra = { ...(smp.extra ?? {}) };
          if (topo.modules > 1) extra.modules = String(topo.modules);
          else delete extra.modules;
          if (Object.keys(extra).length > 0) smp.extra = extra;
          else delete smp.extra;
        }
      }
      l.smp = smp;
      return l;
    },
  };
}

/** The host nodes the vCPUs of the guest nodes using `b` are pinned to. */
function pinnedNodes(layout: Layout, host: HostTopology, b: Backend): number[] {
  const sets = vcpuHostSets(layout);
  const nodeOfCpu = hostNodeOfCpu(host);
  const vcpus = layout.nodes.filter((n) => n.memdev === b.id).flatMap((n) => idList(n.cpus));
  const nodes = new Set(vcpus.flatMap((v) => (sets.get(v) ?? []).map((c) => nodeOfCpu.get(c))).filter((n): n is number => n !== undefined));
  return [...nodes].sort((a, c) => a - c);
}

/**
 * NUMA010: bind the backend to host nodes that exist: the named ones that do; else the one host
 * node its guest node's vCPUs are pinned to; else the host's first node.
 */
export function hostNodesFix(layout: Layout, host: HostTopology | undefined, backend: Backend | undefined): Fix | undefined {
  if (!host || !backend || host.nodes.length === 0) return undefined;
  const named = idList(backend.hostNodes);
  const present = named.filter((n) => nodeById(host, n));
  if (present.length === named.length) return undefined;
  const pinned = pinnedNodes(layout, host, backend);
  const [nodes, why] =
    present.length > 0
      ? [present, "the named nodes that exist"]
      : pinned.length === 1
        ? [pinned, "where its guest node's vCPUs are pinned"]
        : [[Math.min(...host.nodes.map((n) => n.id))], "the host's first node"];
  const list = formatIdList(nodes);
  return {
    label: `bind ${backend.id} to host node${nodes.length > 1 ? "s" : ""} ${list} (${why})`,
    apply: (l0) => {
      const l = structuredClone(l0);
      const b = l.backends.find((x) => x.id === backend.id);
      if (b) b.hostNodes = list;
      return l;
    },
  };
}
