// Host PCI devices passed through (layout.hostDevices, or a -device vfio-pci,host= kept as
// written): the device must exist on the target, and its guest node's memory should sit on
// the host node of the device's slot, or every DMA crosses the socket interconnect.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import type { Backend, Layout } from "../../layout/schema";
import type { At } from "../../diagnostics/diagnostic";
import type { HostTopology, PciDevice } from "../../topology/schema";
import { parseKeyval } from "../../qemu/keyval";
import { optionName } from "../../qemu/options";
import { formatIdList } from "../../cpulist/cpulist";
import { ids, guestNodeIds } from "./layout-facts";
import { atAllNodes, atArg, atBackend } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";
import { POLICY_PHRASE } from "../policy";

// QEMU 7.2.22 on this host, recorded for this rule: a PCI address the host does not have ends
// the start with exit 1, "-device vfio-pci,host=0000:81:00.0: vfio
// /sys/bus/pci/devices/0000:81:00.0: no such host device: No such file or directory".
const NUMA043: RuleMeta = { code: "NUMA043", severity: "error", title: "a passed-through PCI device the target host does not have", concern: "host fit", policy: true };
// QEMU 7.2.22 on this host (a VM without a virtual IOMMU: no /sys/kernel/iommu_groups), for a
// device it has: "-device vfio-pci,host=0000:00:03.0: vfio 0000:00:03.0: no iommu_group found:
// No such file or directory", exit 1. VFIO hands the guest a whole IOMMU group, so a host whose
// kernel put the device in none (no IOMMU, or it is off: intel_iommu=on / amd_iommu) cannot pass
// it through. Only a probed host (sysfs) says; other sources do not carry IOMMU groups.
const NUMA044: RuleMeta = { code: "NUMA044", severity: "error", title: "a passed-through PCI device in no IOMMU group on the target host", concern: "host fit", policy: true };
const NUMA042: RuleMeta = { code: "NUMA042", severity: "warning", title: "a passed-through PCI device whose guest node's memory is on another host node", concern: "host fit", policy: false };

export interface Passed {
  host: string;
  guestNode: number | undefined;
  /** where the diagnostic points */
  arg?: number;
}

/** Devices from layout.hostDevices and from -device vfio-pci,host=… kept in args. */
export function passedDevices(layout: Layout): Passed[] {
  const out: Passed[] = (layout.hostDevices ?? []).map((d) => ({ host: d.host, guestNode: d.guestNode }));
  layout.args.forEach((a, i) => {
    if (optionName(a.tokens[0] ?? "") !== "device" || a.tokens[1] === undefined) return;
    const kv = parseKeyval(a.tokens[1], "driver");
    const driver = kv.find((e) => e.key === "driver")?.value;
    const host = kv.find((e) => e.key === "host")?.value;
    // QEMU takes host= with or without the domain (0000: by default)
    if (driver === "vfio-pci" && host !== undefined) out.push({ host: (/^[0-9a-f]{2}:/i.test(host) ? `0000:${host}` : host).toLowerCase(), guestNode: undefined, arg: i });
  });
  return out;
}

function describe(d: PciDevice): string {
  return `${d.address} (${[d.className, d.deviceName].filter(Boolean).join(", ") || "PCI device"})`;
}

/** A passed device whose guest node(s) have no memory on the device's host node: what NUMA042 says, and its fix reads. */
export interface MisplacedDevice {
  device: PciDevice;
  passed: Passed;
  /** the guest nodes it serves (indexes into layout.nodes) with their backends; the first is the one the fix moves */
  serves: Array<{ b: Backend; bi: number; guest: number; index: number }>;
  at: At;
}

export function misplacedDevices(layout: Layout, host: HostTopology): MisplacedDevice[] {
  const out: MisplacedDevice[] = [];
  const gids = guestNodeIds(layout);
  for (const p of passedDevices(layout)) {
    const dev = host.pciDevices?.find((d) => d.address === p.host);
    if (!dev || dev.numaNode < 0) continue; // absent (NUMA043), or the firmware does not say: nothing to compare
    // the guest nodes it serves: the one named, or all of them
    const idx = p.guestNode !== undefined ? [gids.indexOf(p.guestNode)].filter((i) => i >= 0) : gids.map((_, i) => i);
    const serves = idx.flatMap((i) => {
      const memdev = layout.nodes[i]!.memdev;
      const bi = layout.backends.findIndex((b) => b.id === memdev);
      return bi >= 0 ? [{ b: layout.backends[bi]!, bi, guest: gids[i]!, index: i }] : [];
    });
    if (serves.length === 0) continue;
    if (serves.some(({ b }) => b.policy !== undefined && b.policy !== "default" && ids(b.hostNodes).includes(dev.numaNode))) continue;
    out.push({ device: dev, passed: p, serves, at: p.arg !== undefined ? atArg(p.arg) : atBackend(serves[0]!.b, serves[0]!.bi, "hostNodes") });
  }
  return out;
}

export const hostDeviceFit: RuleDef = {
  name: "hostDeviceFit",
  codes: [NUMA043, NUMA044, NUMA042],
  check: (layout, { host }) => {
    if (!host?.pciDevices) return [];
    const out: Diagnostic[] = [];
    for (const p of passedDevices(layout)) {
      const dev = host.pciDevices.find((d) => d.address === p.host);
      if (dev) {
        if (host.source?.kind === "sysfs" && dev.iommuGroup === undefined)
          out.push(
            emit(
              NUMA044,
              `host PCI device ${describe(dev)} is in no IOMMU group on ${host.name} (the kernel runs without an IOMMU, or it is off); QEMU fails at start ("vfio ${p.host}: no iommu_group found") ${POLICY_PHRASE.host}`,
              `turn the IOMMU on (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in the firmware) and bind the device to vfio-pci, or leave it out`,
              p.arg !== undefined ? atArg(p.arg) : atAllNodes(),
            ),
          );
        continue;
      }
      out.push(
        emit(
          NUMA043,
          `host PCI device ${p.host} does not exist on ${host.name}; QEMU fails at start ("vfio /sys/bus/pci/devices/${p.host}: no such host device") ${POLICY_PHRASE.host}`,
          `pass one of the host's devices (numadesk topo lists them)`,
          p.arg !== undefined ? atArg(p.arg) : atAllNodes(),
        ),
      );
    }
    for (const { device: dev, passed: p, serves, at } of misplacedDevices(layout, host)) {
      const first = serves[0]!;
      const where = (b: Backend) =>
        b.hostNodes !== undefined && b.policy !== undefined && b.policy !== "default" ? `bound to host node ${formatIdList(ids(b.hostNodes))}` : "not bound, so on any host node";
      const whose =
        p.guestNode !== undefined
          ? `guest node ${p.guestNode}, whose memory ${first.b.id} is ${where(first.b)}`
          : `the guest, whose memory (${serves.map(({ b }) => `${b.id} ${where(b)}`).join("; ")}) is nowhere on it`;
      out.push(
        emit(
          NUMA042,
          `host device ${describe(dev)} sits on host node ${dev.numaNode}, but it belongs to ${whose}: every DMA and interrupt crosses to another node`,
          `bind ${first.b.id} to host node ${dev.numaNode} (host-nodes=${dev.numaNode},policy=bind, with its thread-context there), or give the device to a guest node whose memory is on host node ${dev.numaNode}`,
          at,
        ),
      );
    }
    return out;
  },
};

export const HOST_DEVICE_RULES: readonly RuleDef[] = [hostDeviceFit];
