// The PCI devices of a topology as lines of `numadesk topo` text, grouped by their NUMA node
// (the firmware's numa_node; -1 is "unknown node"). Bridges and host-internal functions are
// counted, not listed: what a person passes through is an endpoint.

import type { HostTopology, PciDevice } from "./schema";
import { isEndpointWorthShowing } from "../pci/classes";

const hex4 = (n: number) => n.toString(16).padStart(4, "0");

/** "0000:3b:00.0 Ethernet controller: Intel Corporation Ethernet Controller X710 [8086:1572] (i40e, IOMMU group 42)" */
export function pciDeviceLine(d: PciDevice): string {
  const name = [d.vendorName, d.deviceName].filter(Boolean).join(" ");
  const extra = [d.driver, d.iommuGroup !== undefined ? `IOMMU group ${d.iommuGroup}` : undefined].filter(Boolean).join(", ");
  return `${d.address} ${d.className ?? "PCI device"}${name ? `: ${name}` : ""} [${hex4(d.vendor)}:${hex4(d.device)}]${extra ? ` (${extra})` : ""}`;
}

export function pciNodeLabel(node: number): string {
  return node < 0 ? "unknown node" : `node ${node}`;
}

export function pciLines(t: HostTopology): string[] {
  if (!t.pciDevices) return [];
  const shown = t.pciDevices.filter((d) => isEndpointWorthShowing(d.classCode));
  const hidden = t.pciDevices.length - shown.length;
  const lines = [`  PCI devices: ${t.pciDevices.length}${hidden > 0 ? ` (${hidden} ${hidden === 1 ? "bridge or system function" : "bridges and system functions"} not listed)` : ""}`];
  const nodes = [...new Set(shown.map((d) => d.numaNode))].sort((a, b) => a - b);
  for (const n of nodes) {
    lines.push(`    ${pciNodeLabel(n)}:`);
    for (const d of shown.filter((x) => x.numaNode === n)) lines.push(`      ${pciDeviceLine(d)}`);
  }
  return lines;
}
