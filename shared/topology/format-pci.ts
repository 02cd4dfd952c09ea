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

/** The bracketed part of a pci.ids name, which is the product's own name: "GF110GL [Tesla M2075]" → "Tesla M2075", "Advanced Micro Devices, Inc. [AMD/ATI]" → "AMD/ATI". */
const bracketed = (name: string) => /\[([^\]]+)\]\s*$/.exec(name)?.[1];

/** What a person calls the device, for a node card's row: the product name where pci.ids gives one in brackets (a GPU's chip code name means little), else the device name, else its ids. */
export function pciModel(d: PciDevice): string {
  if (d.deviceName) return bracketed(d.deviceName) ?? d.deviceName;
  return `[${hex4(d.vendor)}:${hex4(d.device)}]`;
}

/** Short names for the long PCI class names a card row would otherwise cut. */
const SHORT_CLASS: Record<string, string> = {
  "Serial Attached SCSI": "SAS",
  "Non-Volatile memory": "NVMe",
  "Fibre Channel": "FC",
  "Multimedia audio": "Audio",
  "Processing accelerators": "Accelerator",
};

/** The class in a word or two: "Ethernet controller" → "Ethernet", "VGA compatible controller" → "VGA", "Serial Attached SCSI controller" → "SAS". */
export function pciKind(d: PciDevice): string {
  const kind = (d.className ?? "device").replace(/ (compatible )?controller$/, "");
  return SHORT_CLASS[kind] ?? kind;
}

/** The vendor in a word: its bracketed short name ("AMD/ATI") or its first word ("NVIDIA", "Intel"). */
export function pciVendorShort(d: PciDevice): string | undefined {
  if (!d.vendorName) return undefined;
  return bracketed(d.vendorName) ?? d.vendorName.split(/[\s,]+/)[0];
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
