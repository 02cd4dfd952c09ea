// Read a host's NUMA topology from sysfs: the live /sys, or a copy of its
// devices/system/{node,cpu} trees taken on another machine (`--sysfs DIR`).
//
//   node/nodeN/{cpulist,meminfo,distance,hugepages/hugepages-<size>kB/{nr,free}_hugepages}
//   cpu/online, cpu/cpuN/online, cpu/cpuN/topology/{physical_package_id,die_id,core_id,thread_siblings_list}
//
// A kernel without NUMA has no node/ directory: the host is one node holding every CPU.
// A copy is someone else's files: it is read only inside its folder (sysfs-attr.ts), counts
// are bounded by what Linux can have, and every file that is missing or unreadable where the
// kernel always writes one is taken as a plain default and named in `source.lacks`.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { LIVE, ProbeError, readerFor, type SysfsReader } from "./sysfs-attr";
import { SysfsLacks } from "./sysfs-lacks";
import { readHugepagePools, readHugetlbfsMounts } from "./hugepages";
import { readCaches } from "./caches";
import { readPciDevices } from "./pci";
import { TOPOLOGY_VERSION, topologySchema, type HostCpu, type HostNode, type HostTopology, type Hugepages } from "../../shared/topology/schema";
import { topologyName } from "../../shared/topology/name";
import { topologyInconsistency } from "../../shared/topology/consistency";
import { formatIdList } from "../../shared/cpulist/cpulist";

export { ProbeError };

// Linux's limits: MAX_NUMNODES is 1 << NODES_SHIFT, at most 1024 (x86's NODES_SHIFT 10);
// NR_CPUS is at most 8192 (x86's MAXSMP; arm64 stops at 4096). A copy with more is not a host.
const MAX_NODES = 1024;
const MAX_CPUS = 8192;

export interface SysfsOptions {
  /** the folder that holds devices/system (default "/sys") */
  root?: string;
  /** /proc/meminfo, used when the kernel has no node/ directory */
  procMeminfo?: string;
  /** /proc/mounts, for hugetlbfs mounts (default: read for the live /sys only) */
  procMounts?: string;
  name?: string;
}

/** "Node 0 MemTotal:  24683520 kB" (node meminfo) or "MemTotal: 24683520 kB" (/proc/meminfo) → bytes */
export function meminfoField(text: string, field: string): number | undefined {
  const m = new RegExp(`(?:^|\\n)(?:Node \\d+ )?${field}:\\s+(\\d{1,15}) kB`).exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

function optionalCount<K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> {
  return v !== undefined && v >= 0 ? ({ [key]: v } as Record<K, number>) : {};
}

/** One node's memory from its meminfo; a missing file or line is 0, said in lacks. */
function nodeMemory(r: SysfsReader, dir: string, id: number, lacks: SysfsLacks): { memTotal: number; memFree: number } {
  const text = r.text(join(dir, "meminfo"));
  if (text === undefined) {
    lacks.note("node/nodeN/meminfo", id, "is missing: its memory is taken as 0");
    return { memTotal: 0, memFree: 0 };
  }
  const memTotal = meminfoField(text, "MemTotal");
  const memFree = meminfoField(text, "MemFree");
  if (memTotal === undefined) lacks.note("node/nodeN/meminfo", id, "has no MemTotal line in kB: its memory is taken as 0");
  if (memFree === undefined) lacks.note("node/nodeN/meminfo", id, "has no MemFree line in kB: its free memory is taken as 0");
  return { memTotal: memTotal ?? 0, memFree: memFree ?? 0 };
}

function readHugepages(r: SysfsReader, nodeDir: string, id: number, lacks: SysfsLacks): Hugepages[] {
  const dir = join(nodeDir, "hugepages");
  const out: Hugepages[] = [];
  for (const name of r.entries(dir)) {
    const m = /^hugepages-(\d{1,12})kB$/.exec(name);
    if (!m) continue;
    r.realFolder(join(dir, name));
    const count = (file: string) => {
      const v = r.int(join(dir, name, file));
      if (v !== undefined && v >= 0) return v;
      lacks.note(`node/nodeN/hugepages/${name}/${file}`, id, `${v === undefined ? "is missing or not a number" : "is negative"}: taken as 0`);
      return 0;
    };
    out.push({ pageSize: Number(m[1]) * 1024, total: count("nr_hugepages"), free: count("free_hugepages"), ...optionalCount("surplus", r.int(join(dir, name, "surplus_hugepages"))) });
    if (out.length >= 16) break;
  }
  return out.sort((a, b) => a.pageSize - b.pageSize);
}

/** A topology id file (physical_package_id, core_id, die_id): its number, or undefined with the reason noted. */
function topologyId(r: SysfsReader, cpu: number, file: string, lacks: SysfsLacks, instead: string, optional = false): number | undefined {
  const text = r.text(file);
  const t = text?.trim();
  // -1: the kernel's "not known" (physical_package_id on some virtual and non-x86 machines)
  if (t === "-1") return undefined;
  if (t !== undefined && /^\d{1,10}$/.test(t) && Number(t) <= 2 ** 31) return Number(t);
  if (t === undefined && optional) return undefined;
  const name = file.slice(file.lastIndexOf("/") + 1);
  lacks.note(`cpu/cpuN/topology/${name}`, cpu, t === undefined ? `is missing: ${instead}` : `is not a number: ${instead}`, text);
  return undefined;
}

export function readSysfs(opts: SysfsOptions = {}): HostTopology {
  const named = opts.root ?? "/sys";
  const r = readerFor(named);
  const root = r.root ?? named;
  const nodeRoot = join(root, "devices/system/node");
  const cpuRoot = join(root, "devices/system/cpu");
  if (!existsSync(cpuRoot)) {
    throw new ProbeError(`${r.shown(cpuRoot)} does not exist; a sysfs copy needs devices/system/cpu and devices/system/node (e.g. cp -r /sys/devices/system/{cpu,node} DIR/devices/system/)`);
  }
  const lacks = new SysfsLacks();
  for (const d of ["devices", "devices/system", "devices/system/cpu", "devices/system/node"]) r.realFolder(join(root, d));

  const cpuIds = r.numberedEntries(cpuRoot, "cpu");
  if (cpuIds.length > MAX_CPUS) throw new ProbeError(`${r.shown(cpuRoot)} has ${cpuIds.length} CPU folders; Linux has at most ${MAX_CPUS}, so this is not a copy of a host's sysfs`);
  for (const id of cpuIds) r.realFolder(join(cpuRoot, `cpu${id}`));
  const cpuSet = new Set(cpuIds);
  const onlineList = r.list(join(cpuRoot, "online"));
  const onlineSet = onlineList ? new Set(onlineList) : undefined;

  const nodeIds = r.numberedEntries(nodeRoot, "node", MAX_NODES - 1);
  if (nodeIds.length > MAX_NODES) throw new ProbeError(`${r.shown(nodeRoot)} has ${nodeIds.length} node folders; Linux has at most ${MAX_NODES}`);
  const nodes: HostNode[] = [];
  const nodeOfCpu = new Map<number, number>();
  if (nodeIds.length === 0) {
    // No NUMA in this kernel: one node with everything. The live /sys's memory is /proc/meminfo;
    // a copy's is the one given with it, never a file beside the copy's folder.
    const meminfoFile = opts.procMeminfo ?? (named === "/sys" ? "/proc/meminfo" : undefined);
    const meminfo = meminfoFile !== undefined ? LIVE.text(meminfoFile) : undefined;
    if (meminfo === undefined) lacks.note("node", undefined, "is missing (a kernel without NUMA) and no /proc/meminfo came with the copy: the memory is taken as 0");
    nodes.push({
      id: 0,
      cpus: cpuIds,
      memTotal: meminfoField(meminfo ?? "", "MemTotal") ?? 0,
      memFree: meminfoField(meminfo ?? "", "MemFree") ?? 0,
      hugepages: [],
    });
    for (const c of cpuIds) nodeOfCpu.set(c, 0);
  } else {
    for (const id of nodeIds) {
      const dir = join(nodeRoot, `node${id}`);
      r.realFolder(dir);
      let cpus = r.list(join(dir, "cpulist"));
      if (cpus === undefined) lacks.note("node/nodeN/cpulist", id, "is missing: the node is taken as having no CPUs");
      cpus ??= [];
      // every CPU a node lists has a cpuN folder in sysfs; ones without are a copy's mistake, not CPUs
      const strays = cpus.filter((c) => !cpuSet.has(c));
      if (strays.length > 0) {
        lacks.note("node/nodeN/cpulist", id, `names CPUs ${formatIdList(strays)} that have no cpu/cpuN folder: they are left out`);
        cpus = cpus.filter((c) => cpuSet.has(c));
      }
      nodes.push({ id, cpus, ...nodeMemory(r, dir, id, lacks), hugepages: readHugepages(r, dir, id, lacks) });
      for (const c of cpus) if (!nodeOfCpu.has(c)) nodeOfCpu.set(c, id);
    }
  }

  const firstNode = nodes[0]!.id;
  const cpus: HostCpu[] = cpuIds.map((id) => {
    const dir = join(cpuRoot, `cpu${id}`);
    const topo = join(dir, "topology");
    // cpu0 often has no online file: it cannot be taken offline.
    const onlineFile = r.int(join(dir, "online"));
    const online = onlineSet ? onlineSet.has(id) : onlineFile === undefined ? true : onlineFile === 1;
    // An offline CPU has no topology/ folder (filled in below); an online one always has these files.
    const hasTopology = existsSync(topo);
    const quiet = !online && !hasTopology;
    const socket = quiet ? undefined : topologyId(r, id, join(topo, "physical_package_id"), lacks, "the package is taken as 0");
    const die = quiet ? undefined : topologyId(r, id, join(topo, "die_id"), lacks, "the die is left unknown", true);
    const core = quiet ? undefined : topologyId(r, id, join(topo, "core_id"), lacks, "the core is taken as the CPU's number");
    let siblings = r.list(join(topo, "thread_siblings_list"));
    if (siblings === undefined && !quiet) lacks.note("cpu/cpuN/topology/thread_siblings_list", id, "is missing: the CPU is taken as having no SMT sibling");
    const unknown = (siblings ?? []).filter((s) => !cpuSet.has(s));
    if (unknown.length > 0) lacks.note("cpu/cpuN/topology/thread_siblings_list", id, `names CPUs ${formatIdList(unknown)} that have no cpu/cpuN folder: they are left out`);
    siblings = (siblings ?? []).filter((s) => cpuSet.has(s));
    const node = nodeOfCpu.get(id);
    if (node === undefined) lacks.note("cpu/cpuN", id, `is in no node's cpulist: taken as on node ${firstNode}`);
    const cpu: HostCpu = {
      id,
      node: node ?? firstNode,
      socket: socket ?? 0,
      core: core ?? id,
      siblings: siblings.length > 0 ? siblings : [id],
      online,
    };
    if (die !== undefined) cpu.die = die;
    return cpu;
  });

  const distances = nodes.map((n) => {
    const text = r.text(join(nodeRoot, `node${n.id}`, "distance"));
    const words = text?.trim().split(/\s+/) ?? [];
    const values = words.map((w) => (/^\d{1,3}$/.test(w) ? Number(w) : NaN));
    if (values.length === nodes.length && values.every((v) => v <= 255)) return values;
    // Unknown: the ACPI defaults (10 local, 20 remote).
    if (nodeIds.length > 0) {
      const why = text === undefined ? "is missing" : `is not ${nodes.length} ${nodes.length === 1 ? "distance" : "distances"} from 0 to 255`;
      lacks.note("node/nodeN/distance", n.id, `${why}: taken as 10 to itself and 20 to the others`, text);
    }
    return nodes.map((m) => (m.id === n.id ? 10 : 20));
  });

  // An offline CPU has no topology/ folder: give it its node's socket and a core of its own.
  for (const cpu of cpus) {
    if (cpu.online || existsSync(join(cpuRoot, `cpu${cpu.id}`, "topology/physical_package_id"))) continue;
    const peers = cpus.filter((c) => c.online && c.node === cpu.node);
    if (peers.length > 0) {
      const counts = new Map<number, number>();
      for (const p of peers) counts.set(p.socket, (counts.get(p.socket) ?? 0) + 1);
      cpu.socket = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    }
    const used = cpus.filter((c) => c.socket === cpu.socket && c !== cpu).map((c) => c.core);
    cpu.core = Math.max(-1, ...used) + 1;
  }

  const topology: HostTopology = {
    version: TOPOLOGY_VERSION,
    name: opts.name ?? (named === "/sys" ? "this host" : topologyName(named)),
    source: { kind: "sysfs", detail: topologyName(named) },
    nodes,
    cpus,
    distances,
  };
  // Host resources (issue 15): only what the tree has, so old copies read as before.
  const pools = readHugepagePools(join(root, "kernel/mm/hugepages"), r, lacks);
  if (pools.length > 0) topology.hugepagePools = pools;
  const mountsFile = opts.procMounts ?? (named === "/sys" ? "/proc/mounts" : undefined);
  if (mountsFile !== undefined) topology.hugetlbfs = readHugetlbfsMounts(mountsFile, pools);
  const caches = readCaches(cpuRoot, cpuIds, r, lacks);
  if (caches.length > 0) topology.caches = caches;
  const pci = readPciDevices(join(root, "bus/pci/devices"), undefined, r, lacks);
  if (pci !== undefined) topology.pciDevices = pci;
  const said = lacks.lines();
  if (said.length > 0) topology.source.lacks = said;
  // A damaged copy can hold numbers no kernel writes; say which instead of passing them on.
  const checked = topologySchema.safeParse(topology);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new ProbeError(`${named} gives an impossible value for ${issue.path.join(".")}: ${issue.message}`);
  }
  const wrong = topologyInconsistency(topology);
  if (wrong) throw new ProbeError(`${named} is not one machine's sysfs: ${wrong}`);
  return topology;
}
