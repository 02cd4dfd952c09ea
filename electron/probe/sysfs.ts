// Read a host's NUMA topology from sysfs: the live /sys, or a copy of its
// devices/system/{node,cpu} trees taken on another machine (`--sysfs DIR`).
//
//   node/nodeN/{cpulist,meminfo,distance,hugepages/hugepages-<size>kB/{nr,free}_hugepages}
//   cpu/online, cpu/cpuN/online, cpu/cpuN/topology/{physical_package_id,die_id,core_id,thread_siblings_list}
//
// A kernel without NUMA has no node/ directory: the host is one node holding every CPU.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ProbeError, readInt, readList, readText, numberedEntries } from "./sysfs-attr";
import { readHugepagePools, readHugetlbfsMounts } from "./hugepages";
import { readCaches } from "./caches";
import { readPciDevices } from "./pci";
import { TOPOLOGY_VERSION, topologySchema, type HostCpu, type HostNode, type HostTopology, type Hugepages } from "../../shared/topology/schema";
import { topologyName } from "../../shared/topology/name";
import { topologyInconsistency } from "../../shared/topology/consistency";

export { ProbeError };

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
  const m = new RegExp(`(?:^|\\n)(?:Node \\d+ )?${field}:\\s+(\\d+) kB`).exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

function optionalCount<K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> {
  return v !== undefined && v >= 0 ? ({ [key]: v } as Record<K, number>) : {};
}

function readHugepages(nodeDir: string): Hugepages[] {
  const dir = join(nodeDir, "hugepages");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Hugepages[] = [];
  for (const name of names) {
    const m = /^hugepages-(\d+)kB$/.exec(name);
    if (!m) continue;
    out.push({
      pageSize: Number(m[1]) * 1024,
      total: readInt(join(dir, name, "nr_hugepages")) ?? 0,
      free: readInt(join(dir, name, "free_hugepages")) ?? 0,
      ...optionalCount("surplus", readInt(join(dir, name, "surplus_hugepages"))),
    });
  }
  return out.sort((a, b) => a.pageSize - b.pageSize);
}

export function readSysfs(opts: SysfsOptions = {}): HostTopology {
  const root = opts.root ?? "/sys";
  const nodeRoot = join(root, "devices/system/node");
  const cpuRoot = join(root, "devices/system/cpu");
  if (!existsSync(cpuRoot)) {
    throw new ProbeError(`${cpuRoot} does not exist; a sysfs copy needs devices/system/cpu and devices/system/node (e.g. cp -r /sys/devices/system/{cpu,node} DIR/devices/system/)`);
  }

  const cpuIds = numberedEntries(cpuRoot, "cpu");
  const onlineList = readList(join(cpuRoot, "online"));
  const onlineSet = onlineList ? new Set(onlineList) : undefined;

  const nodeIds = numberedEntries(nodeRoot, "node");
  const nodes: HostNode[] = [];
  const nodeOfCpu = new Map<number, number>();
  if (nodeIds.length === 0) {
    // No NUMA in this kernel: one node with everything.
    const meminfo = readText(opts.procMeminfo ?? join(root, "../proc/meminfo")) ?? "";
    nodes.push({
      id: 0,
      cpus: cpuIds,
      memTotal: meminfoField(meminfo, "MemTotal") ?? 0,
      memFree: meminfoField(meminfo, "MemFree") ?? 0,
      hugepages: [],
    });
    for (const c of cpuIds) nodeOfCpu.set(c, 0);
  } else {
    for (const id of nodeIds) {
      const dir = join(nodeRoot, `node${id}`);
      const cpus = readList(join(dir, "cpulist")) ?? [];
      const meminfo = readText(join(dir, "meminfo")) ?? "";
      nodes.push({
        id,
        cpus,
        memTotal: meminfoField(meminfo, "MemTotal") ?? 0,
        memFree: meminfoField(meminfo, "MemFree") ?? 0,
        hugepages: readHugepages(dir),
      });
      for (const c of cpus) nodeOfCpu.set(c, id);
    }
  }

  const cpus: HostCpu[] = cpuIds.map((id) => {
    const dir = join(cpuRoot, `cpu${id}`);
    const topo = join(dir, "topology");
    // cpu0 often has no online file: it cannot be taken offline.
    const onlineFile = readInt(join(dir, "online"));
    const online = onlineSet ? onlineSet.has(id) : onlineFile === undefined ? true : onlineFile === 1;
    const socket = readInt(join(topo, "physical_package_id"));
    const die = readInt(join(topo, "die_id"));
    const core = readInt(join(topo, "core_id"));
    const siblings = readList(join(topo, "thread_siblings_list")) ?? [id];
    const cpu: HostCpu = {
      id,
      node: nodeOfCpu.get(id) ?? 0,
      socket: socket !== undefined && socket >= 0 ? socket : 0,
      core: core !== undefined && core >= 0 ? core : id,
      siblings: siblings.length > 0 ? siblings : [id],
      online,
    };
    if (die !== undefined && die >= 0) cpu.die = die;
    return cpu;
  });

  const distances = nodes.map((n) => {
    const row = readText(join(nodeRoot, `node${n.id}`, "distance"));
    const values = row?.trim().split(/\s+/).map(Number);
    if (values && values.length === nodes.length && values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) return values;
    // Unknown: the ACPI defaults (10 local, 20 remote).
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
    name: opts.name ?? (root === "/sys" ? "this host" : topologyName(root)),
    source: { kind: "sysfs", detail: topologyName(root) },
    nodes,
    cpus,
    distances,
  };
  // Host resources (issue 15): only what the tree has, so old copies read as before.
  const pools = readHugepagePools(join(root, "kernel/mm/hugepages"));
  if (pools.length > 0) topology.hugepagePools = pools;
  const mountsFile = opts.procMounts ?? (root === "/sys" ? "/proc/mounts" : undefined);
  if (mountsFile !== undefined) topology.hugetlbfs = readHugetlbfsMounts(mountsFile, pools);
  const caches = readCaches(cpuRoot, cpuIds);
  if (caches.length > 0) topology.caches = caches;
  const pci = readPciDevices(join(root, "bus/pci/devices"));
  if (pci !== undefined) topology.pciDevices = pci;
  // A damaged copy can hold numbers no kernel writes; say which instead of passing them on.
  const checked = topologySchema.safeParse(topology);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new ProbeError(`${root} gives an impossible value for ${issue.path.join(".")}: ${issue.message}`);
  }
  const wrong = topologyInconsistency(topology);
  if (wrong) throw new ProbeError(`${root} is not one machine's sysfs: ${wrong}`);
  return topology;
}
