// Questions the validator, planner and views ask of a host topology.

import type { HostCpu, HostNode, HostTopology } from "./schema";
import { formatIdList } from "../cpulist/cpulist";

export function nodeById(host: HostTopology, id: number): HostNode | undefined {
  return host.nodes.find((n) => n.id === id);
}

// CPUs by id, once per topology (a search per CPU made a 1024-CPU host's edits quadratic)
const cpusById = new WeakMap<readonly HostCpu[], Map<number, HostCpu>>();
export function cpuById(host: HostTopology, id: number): HostCpu | undefined {
  let byId = cpusById.get(host.cpus);
  if (!byId) cpusById.set(host.cpus, (byId = new Map(host.cpus.map((c) => [c.id, c]))));
  return byId.get(id);
}

// The set of online CPUs, once per topology: the validator asks per node and per context, and
// on a 1024-CPU host building it every time was most of a check (npm run bench -- ui).
// Topologies are values once built (importers finish them before anyone asks).
const onlineByCpus = new WeakMap<readonly HostCpu[], Set<number>>();
function onlineSet(host: HostTopology): Set<number> {
  let set = onlineByCpus.get(host.cpus);
  if (!set) onlineByCpus.set(host.cpus, (set = new Set(host.cpus.filter((c) => c.online).map((c) => c.id))));
  return set;
}

/** Online CPUs of a node, in id order. */
export function onlineCpusOf(host: HostTopology, node: HostNode): number[] {
  const online = onlineSet(host);
  return node.cpus.filter((c) => online.has(c)).sort((a, b) => a - b);
}

export function onlineCpuCount(host: HostTopology): number {
  return onlineSet(host).size;
}

export function nodeIdList(host: HostTopology): string {
  return formatIdList(host.nodes.map((n) => n.id));
}

export function freeHugepages(node: HostNode, pageSize: number): number {
  return node.hugepages.find((h) => h.pageSize === pageSize)?.free ?? 0;
}

export function distance(host: HostTopology, from: number, to: number): number | undefined {
  const i = host.nodes.findIndex((n) => n.id === from);
  const j = host.nodes.findIndex((n) => n.id === to);
  if (i < 0 || j < 0) return undefined;
  return host.distances[i]?.[j];
}

export function sockets(host: HostTopology): number[] {
  return [...new Set(host.cpus.map((c) => c.socket))].sort((a, b) => a - b);
}

/**
 * The node whose CPUs should preallocate memory on `node`: itself when it has online CPUs,
 * else the nearest node with online CPUs (a thread-context cannot target a CPU-less node:
 * QEMU 7.2 says "The nodes select no CPUs").
 */
export function nearestCpuNode(host: HostTopology, node: HostNode): HostNode | undefined {
  const i = host.nodes.indexOf(node);
  return host.nodes
    .filter((n) => onlineCpusOf(host, n).length > 0)
    .sort((a, b) => (host.distances[i]?.[host.nodes.indexOf(a)] ?? 99) - (host.distances[i]?.[host.nodes.indexOf(b)] ?? 99) || a.id - b.id)[0];
}
