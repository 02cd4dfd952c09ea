// Writes sysfs trees (devices/system/{node,cpu}) for hosts this machine is not, in the
// kernel's own file formats, so the probe can be tested on 2- and 4-node shapes. The trees
// are committed under electron/probe/fixtures/; run this only to regenerate them:
//   npx tsx scripts/make-sysfs-fixture.ts
// The capture of a real machine is a plain copy instead:
//   cp -r /sys/devices/system/{node,cpu} DIR/devices/system/  (numbered entries are enough)

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatIdList } from "../shared/cpulist/cpulist";

interface NodeSpec {
  id: number;
  cpus: number[];
  totalKiB: number;
  freeKiB: number;
  huge: Record<number, [number, number]>; // page size kB → [nr, free]
}
interface CpuSpec {
  id: number;
  socket: number;
  core: number;
  siblings: number[];
  online: boolean;
}
interface TreeSpec {
  nodes: NodeSpec[];
  cpus: CpuSpec[];
  distances: number[][];
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function meminfo(n: NodeSpec): string {
  const used = n.totalKiB - n.freeKiB;
  const rows: Array<[string, number | string]> = [
    ["MemTotal", n.totalKiB],
    ["MemFree", n.freeKiB],
    ["MemUsed", used],
    ["SwapCached", 0],
    ["Active", Math.floor(used / 2)],
    ["Inactive", Math.floor(used / 4)],
    ["FilePages", Math.floor(used / 4)],
    ["AnonPages", Math.floor(used / 4)],
    ["AnonHugePages", 0],
  ];
  const lines = rows.map(([k, v]) => `Node ${n.id} ${(k + ":").padEnd(15)} ${String(v).padStart(8)} kB`);
  const h2 = n.huge[2048] ?? [0, 0];
  lines.push(`Node ${n.id} HugePages_Total: ${String(h2[0]).padStart(5)}`);
  lines.push(`Node ${n.id} HugePages_Free:  ${String(h2[1]).padStart(5)}`);
  lines.push(`Node ${n.id} HugePages_Surp:  ${String(0).padStart(5)}`);
  return lines.join("\n") + "\n";
}

function write(path: string, text: string) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

function writeTree(dir: string, spec: TreeSpec) {
  rmSync(dir, { recursive: true, force: true });
  const nodeRoot = join(dir, "devices/system/node");
  const cpuRoot = join(dir, "devices/system/cpu");
  const ids = spec.nodes.map((n) => n.id);
  write(join(nodeRoot, "possible"), formatIdList(ids) + "\n");
  write(join(nodeRoot, "online"), formatIdList(ids) + "\n");
  write(join(nodeRoot, "has_cpu"), formatIdList(spec.nodes.filter((n) => n.cpus.length > 0).map((n) => n.id)) + "\n");
  write(join(nodeRoot, "has_memory"), formatIdList(ids) + "\n");
  spec.nodes.forEach((n, i) => {
    const d = join(nodeRoot, `node${n.id}`);
    write(join(d, "cpulist"), formatIdList(n.cpus) + "\n");
    write(join(d, "meminfo"), meminfo(n));
    write(join(d, "distance"), spec.distances[i]!.join(" ") + "\n");
    for (const size of [2048, 1048576]) {
      const [nr, free] = n.huge[size] ?? [0, 0];
      write(join(d, `hugepages/hugepages-${size}kB/nr_hugepages`), `${nr}\n`);
      write(join(d, `hugepages/hugepages-${size}kB/free_hugepages`), `${free}\n`);
      write(join(d, `hugepages/hugepages-${size}kB/surplus_hugepages`), `0\n`);
    }
  });
  const all = spec.cpus.map((c) => c.id);
  write(join(cpuRoot, "possible"), formatIdList(all) + "\n");
  write(join(cpuRoot, "present"), formatIdList(all) + "\n");
  write(join(cpuRoot, "online"), formatIdList(spec.cpus.filter((c) => c.online).map((c) => c.id)) + "\n");
  const offline = spec.cpus.filter((c) => !c.online).map((c) => c.id);
  write(join(cpuRoot, "offline"), (offline.length ? formatIdList(offline) : "") + "\n");
  for (const c of spec.cpus) {
    const d = join(cpuRoot, `cpu${c.id}`);
    if (c.id !== 0) write(join(d, "online"), c.online ? "1\n" : "0\n");
    if (!c.online) continue; // the kernel drops topology/ for an offline CPU
    const pkg = spec.cpus.filter((x) => x.socket === c.socket).map((x) => x.id);
    write(join(d, "topology/physical_package_id"), `${c.socket}\n`);
    write(join(d, "topology/die_id"), `0\n`);
    write(join(d, "topology/core_id"), `${c.core}\n`);
    write(join(d, "topology/thread_siblings_list"), formatIdList(c.siblings) + "\n");
    write(join(d, "topology/core_cpus_list"), formatIdList(c.siblings) + "\n");
    write(join(d, "topology/package_cpus_list"), formatIdList(pkg) + "\n");
    write(join(d, "topology/core_siblings_list"), formatIdList(pkg) + "\n");
  }
}

const out = join(import.meta.dirname, "../electron/probe/fixtures");

// OCI BM.Standard2.52: 2 × Xeon Platinum 8167M, 26 cores × 2 threads each, 768 GB.
// lscpu: node0 0-25,52-77, node1 26-51,78-103; CPU n and n+52 share a core.
{
  const cpus: CpuSpec[] = range(0, 103).map((id) => {
    const base = id % 52;
    return { id, socket: base < 26 ? 0 : 1, core: base % 26, siblings: [base, base + 52], online: true };
  });
  writeTree(join(out, "sysfs-bm-standard2-52"), {
    nodes: [
      { id: 0, cpus: [...range(0, 25), ...range(52, 77)], totalKiB: 395_936_068, freeKiB: 389_512_340, huge: {} },
      { id: 1, cpus: [...range(26, 51), ...range(78, 103)], totalKiB: 396_345_812, freeKiB: 391_022_584, huge: {} },
    ],
    cpus,
    distances: [
      [10, 21],
      [21, 10],
    ],
  });
}

// A 4-node host with an irregular shape: node 3 is memory-only (CXL expander), CPU 23 is
// offline, node 0 has 2 MiB huge pages and node 1 has 1 GiB pages, distances asymmetric.
{
  const cpus: CpuSpec[] = range(0, 23).map((id) => ({
    id,
    socket: id < 12 ? 0 : 1,
    core: Math.floor((id % 12) / 2),
    siblings: [id - (id % 2), id - (id % 2) + 1],
    online: id !== 23,
  }));
  writeTree(join(out, "sysfs-4node-cxl"), {
    nodes: [
      { id: 0, cpus: range(0, 5), totalKiB: 32_768_000, freeKiB: 30_000_000, huge: { 2048: [1024, 1000] } },
      { id: 1, cpus: range(6, 11), totalKiB: 32_768_000, freeKiB: 31_000_000, huge: { 1048576: [8, 8] } },
      { id: 2, cpus: range(12, 23), totalKiB: 65_536_000, freeKiB: 60_000_000, huge: {} },
      { id: 3, cpus: [], totalKiB: 67_108_864, freeKiB: 67_000_000, huge: {} },
    ],
    cpus,
    distances: [
      [10, 12, 21, 30],
      [12, 10, 21, 30],
      [21, 21, 10, 28],
      [30, 30, 28, 10],
    ],
  });
}
console.log(`wrote ${out}`);
