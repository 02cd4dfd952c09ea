// The hosts the UI bench draws: n nodes of c CPUs, two SMT threads per core, two nodes per
// package (a 1024-PU host is 8 × 128: 8 nodes × 64 cores × 2 threads).

import { TOPOLOGY_VERSION, type HostTopology } from "../shared/topology/schema";

export function bigHost(nodes: number, cpusPerNode: number): HostTopology {
  const cpus: HostTopology["cpus"] = [];
  const half = (nodes * cpusPerNode) / 2;
  const hostNodes = Array.from({ length: nodes }, (_, n) => {
    const ids: number[] = [];
    for (let k = 0; k < cpusPerNode / 2; k++) {
      const a = n * (cpusPerNode / 2) + k;
      ids.push(a, a + half);
      cpus.push({ id: a, node: n, socket: Math.floor(n / 2), core: a, siblings: [a, a + half], online: true });
      cpus.push({ id: a + half, node: n, socket: Math.floor(n / 2), core: a, siblings: [a, a + half], online: true });
    }
    return { id: n, cpus: ids.sort((x, y) => x - y), memTotal: 256 * 2 ** 30, memFree: 250 * 2 ** 30, hugepages: [] };
  });
  return {
    version: TOPOLOGY_VERSION,
    name: `${nodes}x${cpusPerNode}`,
    source: { kind: "sample" },
    nodes: hostNodes,
    cpus: cpus.sort((a, b) => a.id - b.id),
    distances: hostNodes.map((a) => hostNodes.map((b) => (a.id === b.id ? 10 : 21))),
  };
}
