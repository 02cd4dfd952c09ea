// Where QEMU puts the vCPUs that -smp makes but no guest node's cpus= names. Measured with
// Debian's QEMU 7.2.22 (`info numa`, -S, TCG): with guest nodes, every such vCPU lands on the
// node with nodeid 0 — silently when no node names any vCPU, with "All CPU(s) up to maxcpus
// should be described in NUMA config" when some are named; a layout without a nodeid 0 is
// refused ("numa: Node ID missing: 0"). Without guest nodes they are the VM's CPUs, on no node.

import type { Layout } from "./schema";
import { unassignedVcpus } from "./edits";
import { formatIdList } from "../cpulist/cpulist";

/** The index in layout.nodes of the guest node QEMU gives the unnamed vCPUs, or undefined when there are no guest nodes (or no nodeid 0). */
export function nodeOfUnnamedVcpus(layout: Pick<Layout, "nodes">): number | undefined {
  const i = layout.nodes.findIndex((n, k) => (n.nodeid ?? k) === 0);
  return i >= 0 ? i : undefined;
}

/**
 * A guest node's vCPUs as the layout panel says them: its cpus= as written, and on the node QEMU
 * gives the unnamed vCPUs, those too ("0-3; 4-7 not listed: QEMU puts them here"), in the words of
 * the canvas's unassigned box ("QEMU: guest node 0"). The panel said "vCPUs none" for a guest node
 * 0 that QEMU 7.2's info numa shows holding every vCPU.
 */
export function guestNodeVcpusText(layout: Layout, index: number): string {
  const listed = layout.nodes[index]?.cpus;
  const unnamed = index === nodeOfUnnamedVcpus(layout) ? unassignedVcpus(layout) : [];
  if (unnamed.length === 0) return listed ?? "none";
  return `${listed ? `${listed}; ` : ""}${formatIdList(unnamed)} not listed: QEMU puts them here`;
}
