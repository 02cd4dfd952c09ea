// What no kernel reports, checked in every topology that comes from elsewhere (a numactl -H
// paste, an lscpu text, a sysfs copy, a saved topology file): a CPU listed by two nodes, a
// node with more free memory than it has, a CPU whose node does not list it. The schema
// checks each value; this checks that the values agree, so a lying text is refused instead
// of being planned on ("free memory for 400 MiB" on two 100 MiB nodes).

import { humanSize } from "../size/size";
import type { HostTopology } from "./schema";

export function topologyInconsistency(t: Pick<HostTopology, "nodes" | "cpus" | "distances">): string | undefined {
  const nodeOfCpu = new Map<number, number>();
  const nodeIds = new Set<number>();
  for (const n of t.nodes) {
    if (nodeIds.has(n.id)) return `node ${n.id} is described twice`;
    nodeIds.add(n.id);
    if (n.memFree > n.memTotal) return `node ${n.id} has more free memory (${humanSize(n.memFree)}) than memory (${humanSize(n.memTotal)})`;
    for (const c of n.cpus) {
      const other = nodeOfCpu.get(c);
      if (other !== undefined) return `CPU ${c} is listed by node ${other} and by node ${n.id}; a CPU belongs to one node`;
      nodeOfCpu.set(c, n.id);
    }
  }
  for (const c of t.cpus) {
    const listed = nodeOfCpu.get(c.id);
    if (listed !== undefined && listed !== c.node) return `CPU ${c.id} says it is on node ${c.node}, but node ${listed} lists it`;
  }
  if (t.distances.length !== t.nodes.length || t.distances.some((row) => row.length !== t.nodes.length)) {
    return `the distances must be a ${t.nodes.length}×${t.nodes.length} matrix, one row and column per node`;
  }
  return undefined;
}
