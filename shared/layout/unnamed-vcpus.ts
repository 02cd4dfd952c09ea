// Where QEMU puts the vCPUs that -smp makes but no guest node's cpus= names. Measured with
// Debian's QEMU 7.2.22 (`info numa`, -S, TCG): with guest nodes, every such vCPU lands on the
// node with nodeid 0 — silently when no node names any vCPU, with "All CPU(s) up to maxcpus
// should be described in NUMA config" when some are named; a layout without a nodeid 0 is
// refused ("numa: Node ID missing: 0"). Without guest nodes they are the VM's CPUs, on no node.

import type { Layout } from "./schema";

/** The index in layout.nodes of the guest node QEMU gives the unnamed vCPUs, or undefined when there are no guest nodes (or no nodeid 0). */
export function nodeOfUnnamedVcpus(layout: Pick<Layout, "nodes">): number | undefined {
  const i = layout.nodes.findIndex((n, k) => (n.nodeid ?? k) === 0);
  return i >= 0 ? i : undefined;
}
