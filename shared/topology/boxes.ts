// One box model of a host, the way hwloc's lstopo prepares one tree and every output draws it:
// machine → package → die → NUMA node → core → PU (OS numbers), memory-only nodes beside the
// packages, memory and huge-page pools per node. The host canvas, `numadesk topo` and the run
// plot's node bands all draw this model; none of them groups CPUs by itself.
//
// Levels the topology cannot tell are skipped, as lstopo does: no die level when a package has
// one die or the source gave no die ids; no L3 level when the source gave no caches (sysfs,
// hwloc XML and lscpu -p give them; numactl and virsh capabilities do not).

import type { Cache, HostTopology, Hugepages, PciDevice } from "./schema";
import { isEndpointWorthShowing } from "../pci/classes";
import { formatIdList } from "../cpulist/cpulist";
import { nearestCpuNode } from "./query";

export interface PuBox {
  /** OS number: what lscpu, numactl -H, taskset and QEMU's cpu-affinity use */
  os: number;
  online: boolean;
}

export interface CoreBox {
  /** the core id within its package (sysfs core_id) */
  os: number;
  package: number;
  /** SMT siblings, lowest OS number first */
  pus: PuBox[];
}

export interface NodeBox {
  /** OS number of the NUMA node (host-nodes=, node-affinity=) */
  os: number;
  /** position in the host's node list: picks the node's colour everywhere */
  index: number;
  /** packages this node's CPUs sit in (empty for a memory-only node) */
  packages: number[];
  cores: CoreBox[];
  puCount: number;
  onlinePus: number;
  /** most SMT threads of any core (1 without SMT, 0 without CPUs) */
  threadsPerCore: number;
  memoryOnly: boolean;
  /** for a node without online CPUs: the nearest node whose CPUs preallocate its memory */
  preallocFrom?: number;
  memTotal: number;
  memFree: number;
  /** huge-page pools that have pages configured */
  hugepages: Hugepages[];
  /** the node's cores grouped by the L3 cache they share (an AMD CCX/CCD, an Intel SNC
   *  cluster), in core order; absent when the source gave no L3 for every core */
  l3?: L3Box[];
  /** PCI endpoints whose slot the firmware puts on this node (bridges left out) */
  pci?: PciDevice[];
}

export interface L3Box {
  /** bytes; 0 when the source does not say */
  size: number;
  /** every CPU sharing this L3 (may reach beyond the node, e.g. SNC) */
  cpus: number[];
  cores: CoreBox[];
}

export interface DieBox {
  os: number;
  nodes: NodeBox[];
}

export interface PackageBox {
  os: number;
  /** the package's dies, when it has more than one and every node sits in one die */
  dies?: DieBox[];
  /** every node whose CPUs are all in this package, in host order */
  nodes: NodeBox[];
  puCount: number;
  coreCount: number;
}

export interface MachineBox {
  name: string;
  packages: PackageBox[];
  /** memory-only nodes, and nodes whose CPUs span packages: drawn beside the packages */
  looseNodes: NodeBox[];
  /** every node in host order (index = NodeBox.index) */
  nodes: NodeBox[];
  /** PCI endpoints whose node the firmware does not say (numa_node -1) */
  unplacedPci?: PciDevice[];
  puCount: number;
  onlinePus: number;
  coreCount: number;
  /** row i, column j: distance from nodes[i] to nodes[j] */
  distances: number[][];
}

/** The box tree of a host. Pure and deterministic; compute it once per host. */
export function hostBoxes(host: HostTopology): MachineBox {
  const cpuById = new Map(host.cpus.map((c) => [c.id, c]));
  const nodes: NodeBox[] = host.nodes.map((n, index) => {
    const cores = new Map<string, CoreBox>();
    for (const id of n.cpus) {
      const c = cpuById.get(id);
      // a CPU the source listed only in the node's cpulist: a core of its own
      const key = c ? `${c.socket}/${c.core}` : `cpu${id}`;
      const core = cores.get(key) ?? { os: c?.core ?? id, package: c?.socket ?? 0, pus: [] };
      core.pus.push({ os: id, online: c?.online ?? true });
      cores.set(key, core);
    }
    const list = [...cores.values()];
    for (const core of list) core.pus.sort((a, b) => a.os - b.os);
    list.sort((a, b) => a.package - b.package || a.pus[0]!.os - b.pus[0]!.os);
    const pus = list.flatMap((c) => c.pus);
    const from = pus.some((p) => p.online) ? undefined : nearestCpuNode(host, n)?.id;
    const l3 = l3Groups(host.caches, list);
    const pci = host.pciDevices?.filter((d) => d.numaNode === n.id && isEndpointWorthShowing(d.classCode));
    return {
      ...(l3 ? { l3 } : {}),
      ...(pci && pci.length > 0 ? { pci } : {}),
      ...(from !== undefined ? { preallocFrom: from } : {}),
      os: n.id,
      index,
      packages: [...new Set(list.map((c) => c.package))].sort((a, b) => a - b),
      cores: list,
      puCount: pus.length,
      onlinePus: pus.filter((p) => p.online).length,
      threadsPerCore: Math.max(0, ...list.map((c) => c.pus.length)),
      memoryOnly: n.cpus.length === 0,
      memTotal: n.memTotal,
      memFree: n.memFree,
      hugepages: n.hugepages.filter((h) => h.total > 0).sort((a, b) => a.pageSize - b.pageSize),
    };
  });

  const packageIds = [...new Set(host.cpus.map((c) => c.socket))].sort((a, b) => a - b);
  const packages: PackageBox[] = packageIds.map((os) => {
    const inside = nodes.filter((n) => n.packages.length === 1 && n.packages[0] === os);
    const cpus = host.cpus.filter((c) => c.socket === os);
    const pkg: PackageBox = { os, nodes: inside, puCount: cpus.length, coreCount: new Set(cpus.map((c) => c.core)).size };
    const dies = diesOf(host, os, inside);
    if (dies) pkg.dies = dies;
    return pkg;
  });
  const looseNodes = nodes.filter((n) => n.packages.length !== 1);
  const unplaced = host.pciDevices?.filter((d) => !nodes.some((n) => n.os === d.numaNode) && isEndpointWorthShowing(d.classCode));
  return {
    ...(unplaced && unplaced.length > 0 ? { unplacedPci: unplaced } : {}),
    name: host.name,
    packages,
    looseNodes,
    nodes,
    puCount: host.cpus.length,
    onlinePus: host.cpus.filter((c) => c.online).length,
    coreCount: new Set(host.cpus.map((c) => `${c.socket}/${c.core}`)).size,
    distances: host.distances,
  };
}

/** Cores grouped by the L3 holding their first PU; undefined unless every core has one. */
function l3Groups(caches: Cache[] | undefined, cores: CoreBox[]): L3Box[] | undefined {
  const l3s = (caches ?? []).filter((c) => c.level === 3 && c.type !== "instruction");
  if (l3s.length === 0 || cores.length === 0) return undefined;
  const byCpu = new Map<number, Cache>();
  for (const c of l3s) for (const cpu of c.cpus) if (!byCpu.has(cpu)) byCpu.set(cpu, c);
  const groups = new Map<Cache, L3Box>();
  for (const core of cores) {
    const cache = byCpu.get(core.pus[0]!.os);
    if (!cache) return undefined;
    const g = groups.get(cache) ?? { size: cache.size, cpus: cache.cpus, cores: [] };
    g.cores.push(core);
    groups.set(cache, g);
  }
  return [...groups.values()];
}

/** The CPUs of an L3 group that sit in its node. */
export function l3Pus(group: L3Box): number[] {
  return group.cores.flatMap((c) => c.pus.map((p) => p.os)).sort((a, b) => a - b);
}

/** Dies of one package, when there are several and no node spans two; otherwise no die level. */
function diesOf(host: HostTopology, pkg: number, nodes: NodeBox[]): DieBox[] | undefined {
  const cpus = host.cpus.filter((c) => c.socket === pkg);
  if (cpus.some((c) => c.die === undefined)) return undefined;
  const dieIds = [...new Set(cpus.map((c) => c.die!))].sort((a, b) => a - b);
  if (dieIds.length < 2) return undefined;
  const dieOfCpu = new Map(cpus.map((c) => [c.id, c.die!]));
  const dies = dieIds.map((os) => ({ os, nodes: [] as NodeBox[] }));
  for (const n of nodes) {
    const ids = new Set(n.cores.flatMap((c) => c.pus.map((p) => dieOfCpu.get(p.os))));
    if (ids.size !== 1) return undefined;
    dies.find((d) => d.os === [...ids][0])!.nodes.push(n);
  }
  return dies;
}

/** A run of identical neighbouring cores (same SMT width, all online), drawn as one box. */
export interface CoreRun {
  cores: CoreBox[];
  /** PUs of the run, one list per SMT thread: [[0..25], [52..77]] */
  threads: number[][];
}

/**
 * Cores of a node, with runs of identical neighbours collapsed when there are more than
 * `maxBoxes` (lstopo's "N×" boxes when space is short). Every run keeps its PU numbers, so a
 * collapsed picture still says which CPUs it stands for.
 */
export function coreRuns(node: NodeBox, maxBoxes: number): CoreRun[] {
  const single = (c: CoreBox): CoreRun => ({ cores: [c], threads: c.pus.map((p) => [p.os]) });
  if (node.cores.length <= maxBoxes) return node.cores.map(single);
  // fewest runs first: cut the cores into at most maxBoxes equal runs of identical cores
  const per = Math.ceil(node.cores.length / Math.max(1, maxBoxes));
  const runs: CoreRun[] = [];
  for (const core of node.cores) {
    const last = runs[runs.length - 1];
    const same = last && last.cores.length < per && sameShape(last.cores[0]!, core);
    if (same) {
      last.cores.push(core);
      core.pus.forEach((p, k) => last.threads[k]!.push(p.os));
    } else runs.push(single(core));
  }
  return runs;
}

function sameShape(a: CoreBox, b: CoreBox): boolean {
  return a.package === b.package && a.pus.length === b.pus.length && a.pus.every((p) => p.online) && b.pus.every((p) => p.online);
}

/** The label of a run: "PU 4" for one PU, "PU 0-25 + 52-77" for a collapsed run of SMT pairs. */
export function runLabel(run: CoreRun): string {
  // one core: its PUs as they are ("4 + 516"), without a list formatter per core of a 1024-PU host
  if (run.cores.length === 1) return run.threads.map((t) => t.join(",")).join(" + ");
  return run.threads.map((t) => formatIdList(t)).join(" + ");
}

/** Host CPUs in the order the run plot stacks them: node by node, core by core, SMT siblings together. */
export function puOrder(machine: MachineBox): Array<{ pu: number; node: number; nodeIndex: number }> {
  return machine.nodes.flatMap((n) => n.cores.flatMap((c) => c.pus.map((p) => ({ pu: p.os, node: n.os, nodeIndex: n.index }))));
}

/** The package that holds a node, or undefined for a memory-only or package-spanning node. */
export function packageOfNode(machine: MachineBox, node: number): number | undefined {
  return machine.packages.find((p) => p.nodes.some((n) => n.os === node))?.os;
}
