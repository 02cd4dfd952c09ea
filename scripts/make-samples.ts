// Writes the bundled sample hosts that come from real tool outputs (the importers' fixtures)
// plus published figures for what those outputs lack (memory, distances). Run to regenerate:
//   npx tsx scripts/make-samples.ts
// bm-standard2-52 and cxl-4node come from the sysfs fixture trees (scripts/make-sysfs-fixture.ts).

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importTopology, type TopologyFormat } from "../shared/topology/import/formats";
import { prettyJson } from "../shared/json/pretty";
import type { HostTopology } from "../shared/topology/schema";

const fixtures = join(import.meta.dirname, "../shared/topology/import/fixtures");
const GiB = 2 ** 30;

function from(format: TopologyFormat, file: string): HostTopology {
  const r = importTopology(format, readFileSync(join(fixtures, file), "utf8"));
  if (!r.ok) throw new Error(r.error);
  return r.topology;
}

function write(t: HostTopology) {
  writeFileSync(join(import.meta.dirname, "../assets/hosts", `${t.name}.json`), prettyJson(t) + "\n");
}

// 2-socket AMD EPYC 7451 (Naples): 4 dies per socket, each its own NUMA node: 8 nodes, the
// same shape as a 2-socket Rome/Milan/Genoa in NPS4 mode.
{
  const t = from("lscpu-p", "lscpu-p-epyc-7451.txt");
  t.name = "epyc-7451-8node";
  t.description =
    "2 × AMD EPYC 7451 (24 cores, 2 threads each), 8 NUMA nodes of 6 cores: the shape of a 2-socket EPYC in NPS4 mode. CPUs from util-linux's lscpu test data; 32 GiB per node and AMD's published Naples distances (16 within a socket, 32 across) are assumptions.";
  t.source = { kind: "sample", detail: "lscpu -p of a real EPYC 7451 host, with assumed memory and distances" };
  t.nodes.forEach((n) => {
    n.memTotal = 32 * GiB;
    n.memFree = 30 * GiB;
    n.hugepages = [
      { pageSize: 2 ** 21, total: 0, free: 0 },
      { pageSize: GiB, total: 0, free: 0 },
    ];
  });
  t.distances = t.nodes.map((a) => t.nodes.map((b) => (a.id === b.id ? 10 : Math.floor(a.id / 4) === Math.floor(b.id / 4) ? 16 : 32)));
  write(t);
}

// 4-socket HP ProLiant DL585 (quad-core Opteron): one node per socket.
{
  const t = from("lscpu-p", "lscpu-p-hpdl585.txt");
  t.name = "hp-dl585-4socket";
  t.description =
    "HP ProLiant DL585, 4 × quad-core AMD Opteron, one NUMA node per socket, CPUs numbered round-robin across sockets (node 0: 0,4,8,12). CPUs from util-linux's lscpu test data; 16 GiB per node and distances 10/20 are assumptions.";
  t.source = { kind: "sample", detail: "lscpu -p of a real DL585, with assumed memory and distances" };
  t.nodes.forEach((n) => {
    n.memTotal = 16 * GiB;
    n.memFree = 15 * GiB;
    n.hugepages = [{ pageSize: 2 ** 21, total: 0, free: 0 }];
  });
  t.distances = t.nodes.map((a) => t.nodes.map((b) => (a.id === b.id ? 10 : 20)));
  write(t);
}
console.log("written");
