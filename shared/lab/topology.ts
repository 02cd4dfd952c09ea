// The lab's virtual machine as a host topology: what its guest's /sys says once booted, known
// before booting so layouts can be designed and checked for it.

import { TOPOLOGY_VERSION, type HostTopology, type PciDevice } from "../topology/schema";
import { MiB } from "../size/size";

export type LabNodes = 2 | 4;
/** The guest's vCPUs: 4, split over the nodes (2 + 2, or 1 each). */
export const LAB_CPUS = 4;

/** QEMU's e1000e (Intel 82574L) behind the expander bridge: bus 0x81 = the pxb's bus_nr 0x80 + 1. */
export const LAB_NIC: PciDevice = { address: "0000:81:00.0", classCode: 0x020000, vendor: 0x8086, device: 0x10d3, numaNode: 1, className: "Ethernet controller" };

/** The virtual host the lab guest will see (what its /sys says once booted). */
export function labTopology(nodes: LabNodes, bytesPerNode = 512 * MiB): HostTopology {
  const per = LAB_CPUS / nodes;
  const hostNodes = Array.from({ length: nodes }, (_, n) => ({
    id: n,
    cpus: Array.from({ length: per }, (_, k) => n * per + k),
    memTotal: bytesPerNode,
    // the kernel and the initramfs live on node 0
    memFree: n === 0 ? bytesPerNode - 96 * MiB : bytesPerNode - 48 * MiB,
    hugepages: [],
  }));
  return {
    version: TOPOLOGY_VERSION,
    name: `lab: ${nodes} nodes`,
    description: `A QEMU guest with ${nodes} virtual NUMA nodes of ${per} vCPU${per > 1 ? "s" : ""} each, running this host's QEMU inside.`,
    source: { kind: "sample", detail: "the Numadesk lab's virtual machine" },
    nodes: hostNodes,
    cpus: hostNodes.flatMap((n) => n.cpus.map((id) => ({ id, node: n.id, socket: n.id, core: id, siblings: [id], online: true }))),
    distances: hostNodes.map((a) => hostNodes.map((b) => (a.id === b.id ? 10 : 20))),
    // the NIC the lab puts behind a pxb-pcie expander bridge on node 1 (electron/lab/boot.ts):
    // the guest's firmware gives it numa_node 1, so device locality can be shown on any host
    pciDevices: [{ ...LAB_NIC }],
  };
}
