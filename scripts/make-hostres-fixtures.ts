// Writes sysfs trees with caches, huge-page pools and PCI devices for hosts this machine is
// not, from real hwloc dumps (shared/topology/import/fixtures/hwloc-*.xml, from hwloc's own
// tests): the CPUs, cores, packages, L3 groups and PCI devices are the dump's; the NUMA split
// (NPS1, L3-as-NUMA, SNC2), memory sizes, huge-page pools, drivers and IOMMU groups are set
// here, in the kernel's file formats, as electron/probe/fixtures/README.md says. Run only to
// regenerate them:
//   npx tsx scripts/make-hostres-fixtures.ts

import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatIdList } from "../shared/cpulist/cpulist";
import { importHwloc } from "../shared/topology/import/hwloc";
import type { HostTopology, PciDevice } from "../shared/topology/schema";
import { readSysfs } from "../electron/probe/sysfs";
import { prettyJson } from "../shared/json/pretty";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "electron/probe/fixtures");
const GiB_KiB = 1024 * 1024;

function load(file: string): HostTopology {
  const r = importHwloc(readFileSync(join(ROOT, "shared/topology/import/fixtures", file), "utf8"), file);
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  return r.topology;
}

interface Spec {
  name: string;
  host: HostTopology;
  /** node of each CPU */
  nodeOf: (cpu: number) => number;
  distance: (a: number, b: number) => number;
  memGiB: number;
  /** 2 MiB pages per node: [nr, free] */
  huge2M: [number, number];
  huge1G: [number, number];
  pci?: Array<PciDevice & { driverName?: string; group?: number }>;
}

function write(path: string, text: string) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

function sizeText(bytes: number): string {
  return `${Math.round(bytes / 1024)}K`;
}

function tree(spec: Spec) {
  const dir = join(OUT, `sysfs-${spec.name}`);
  rmSync(dir, { recursive: true, force: true });
  const cpuDir = join(dir, "devices/system/cpu");
  const nodeDir = join(dir, "devices/system/node");
  const t = spec.host;
  const ids = t.cpus.map((c) => c.id);
  write(join(cpuDir, "online"), `${formatIdList(ids)}\n`);
  write(join(cpuDir, "possible"), `${formatIdList(ids)}\n`);
  for (const c of t.cpus) {
    const d = join(cpuDir, `cpu${c.id}`);
    write(join(d, "topology/physical_package_id"), `${c.socket}\n`);
    write(join(d, "topology/die_id"), `0\n`);
    write(join(d, "topology/core_id"), `${c.core}\n`);
    write(join(d, "topology/thread_siblings_list"), `${formatIdList(c.siblings)}\n`);
    if (c.id !== 0) write(join(d, "online"), "1\n");
    const mine = (t.caches ?? []).filter((k) => k.cpus.includes(c.id));
    // the kernel's order: L1d, L1i, L2, L3
    mine.sort((a, b) => a.level - b.level || (a.type === "data" ? -1 : b.type === "data" ? 1 : 0));
    mine.forEach((k, i) => {
      const x = join(d, `cache/index${i}`);
      write(join(x, "level"), `${k.level}\n`);
      write(join(x, "type"), `${{ data: "Data", instruction: "Instruction", unified: "Unified" }[k.type]}\n`);
      write(join(x, "size"), `${sizeText(k.size)}\n`);
      write(join(x, "shared_cpu_list"), `${formatIdList(k.cpus)}\n`);
    });
  }
  const nodes = [...new Set(ids.map(spec.nodeOf))].sort((a, b) => a - b);
  write(join(nodeDir, "online"), `${formatIdList(nodes)}\n`);
  write(join(nodeDir, "possible"), `${formatIdList(nodes)}\n`);
  for (const n of nodes) {
    const d = join(nodeDir, `node${n}`);
    write(join(d, "cpulist"), `${formatIdList(ids.filter((c) => spec.nodeOf(c) === n))}\n`);
    const total = spec.memGiB * GiB_KiB;
    const free = Math.round(total * 0.93);
    write(join(d, "meminfo"), `Node ${n} MemTotal:       ${total} kB\nNode ${n} MemFree:        ${free} kB\nNode ${n} MemUsed:        ${total - free} kB\n`);
    write(join(d, "distance"), `${nodes.map((m) => spec.distance(n, m)).join(" ")}\n`);
    for (const [kB, [nr, fr]] of [
      [2048, spec.huge2M],
      [1048576, spec.huge1G],
    ] as const) {
      write(join(d, `hugepages/hugepages-${kB}kB/nr_hugepages`), `${nr}\n`);
      write(join(d, `hugepages/hugepages-${kB}kB/free_hugepages`), `${fr}\n`);
      write(join(d, `hugepages/hugepages-${kB}kB/surplus_hugepages`), `0\n`);
    }
  }
  for (const [kB, [nr, fr]] of [
    [2048, spec.huge2M],
    [1048576, spec.huge1G],
  ] as const) {
    const d = join(dir, `kernel/mm/hugepages/hugepages-${kB}kB`);
    write(join(d, "nr_hugepages"), `${nr * nodes.length}\n`);
    write(join(d, "free_hugepages"), `${fr * nodes.length}\n`);
    write(join(d, "resv_hugepages"), "0\n");
    write(join(d, "surplus_hugepages"), "0\n");
  }
  for (const p of spec.pci ?? []) {
    const d = join(dir, "bus/pci/devices", p.address);
    const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, "0")}\n`;
    write(join(d, "class"), hex(p.classCode, 6));
    write(join(d, "vendor"), hex(p.vendor, 4));
    write(join(d, "device"), hex(p.device, 4));
    write(join(d, "numa_node"), `${p.numaNode}\n`);
    // symlinks, as in the live sysfs: the probe reads only the last part of their target
    if (p.driverName) symlinkSync(`../../../bus/pci/drivers/${p.driverName}`, join(d, "driver"));
    if (p.group !== undefined) symlinkSync(`../../../kernel/iommu_groups/${p.group}`, join(d, "iommu_group"));
  }
  process.stdout.write(`wrote ${dir}: ${nodes.length} nodes, ${ids.length} CPUs, ${(t.caches ?? []).length} caches, ${(spec.pci ?? []).length} PCI devices\n`);
}

const epyc = load("hwloc-epyc-7763-zen3.xml");
const l3Of = (t: HostTopology) => {
  const l3 = (t.caches ?? []).filter((k) => k.level === 3);
  return (cpu: number) => l3.findIndex((k) => k.cpus.includes(cpu));
};
const socketOf = (t: HostTopology) => (cpu: number) => t.cpus.find((c) => c.id === cpu)!.socket;

// AMD EPYC 7763, NPS1: one node per socket; its 8 L3s (CCDs) inside each node.
tree({ name: "epyc-7763-nps1", host: epyc, nodeOf: socketOf(epyc), distance: (a, b) => (a === b ? 10 : 32), memGiB: 256, huge2M: [1024, 1024], huge1G: [16, 16] });

// The same with "L3 as NUMA" (LLC as NUMA node) on: one node per L3, 16 nodes.
const l3 = l3Of(epyc);
const l3Socket = (n: number) => epyc.cpus.find((c) => l3(c.id) === n)!.socket;
tree({ name: "epyc-7763-l3numa", host: epyc, nodeOf: l3, distance: (a, b) => (a === b ? 10 : l3Socket(a) === l3Socket(b) ? 11 : 32), memGiB: 32, huge2M: [128, 128], huge1G: [2, 2] });

// Intel Xeon Gold 6140 (Skylake-SP) with Sub-NUMA Clustering 2: each socket's 18 cores in two
// nodes of 9 (by core id order); the L3 stays shared by the whole socket, as the kernel reports it.
const sky = load("hwloc-xeon-6140-skylake.xml");
const half = (cpu: number) => {
  const c = sky.cpus.find((x) => x.id === cpu)!;
  const cores = [...new Set(sky.cpus.filter((x) => x.socket === c.socket).map((x) => x.core))].sort((a, b) => a - b);
  return c.socket * 2 + (cores.indexOf(c.core) < cores.length / 2 ? 0 : 1);
};
tree({ name: "xeon-6140-snc2", host: sky, nodeOf: half, distance: (a, b) => (a === b ? 10 : Math.floor(a / 2) === Math.floor(b / 2) ? 11 : 21), memGiB: 48, huge2M: [512, 512], huge1G: [4, 4] });

// A 2-socket Xeon with an Intel I350 NIC and NVIDIA GPUs on node 1 (hwloc's
// 32em64t-2n8c2t-pci-normalio), plus its node-0 devices and one with no node (-1).
const pciHost = load("hwloc-2n8c2t-pci.xml");
const pci = (pciHost.pciDevices ?? []).map((p, i) => ({ ...p, driverName: ({ 1: "ahci", 2: "igb", 3: "nvidia" } as Record<number, string>)[p.classCode >> 16] ?? "vfio-pci", group: 20 + i }));
pci.push({ address: "0000:00:1f.3", classCode: 0x0c0500, vendor: 0x8086, device: 0x1d22, numaNode: -1, className: "SMBus", driverName: "i801_smbus", group: 40 });
const nodeOfPciHost = (cpu: number) => pciHost.cpus.find((c) => c.id === cpu)!.node;
tree({ name: "2node-gpu-nic", host: pciHost, nodeOf: nodeOfPciHost, distance: (a, b) => (a === b ? 10 : 20), memGiB: 32, huge2M: [256, 200], huge1G: [0, 0], pci });

// The same host as a bundled sample (assets/hosts/xeon-2node-gpu-nic.json), read back from its
// tree by the probe, so the app can show devices on node 1 and NUMA042 with its fix.
{
  const t = readSysfs({ root: join(OUT, "sysfs-2node-gpu-nic"), name: "xeon-2node-gpu-nic" });
  t.description =
    "2-socket Xeon, 8 cores × 2 threads each, with an Intel I350 NIC and NVIDIA Tesla GPUs on node 1 and a SAS/SATA controller, a Tesla and a VGA chip on node 0: CPUs, caches and PCI devices from hwloc's test dump 32em64t-2n8c2t-pci-normalio (BSD-3); memory, huge pages, drivers and IOMMU groups are assumptions.";
  t.source = { kind: "sample", detail: "hwloc test dump 32em64t-2n8c2t-pci-normalio via electron/probe/fixtures/sysfs-2node-gpu-nic" };
  writeFileSync(join(ROOT, "assets/hosts/xeon-2node-gpu-nic.json"), prettyJson(t) + "\n");
}
