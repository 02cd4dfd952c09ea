// Where the layout's host devices sit in the guest: each on the guest NUMA node it belongs to
// (layout.hostDevices[].guestNode), through a PCI expander bridge whose numa_node is that node.
// The line had said nothing about it (-device vfio-pci,host=ADDR only), so the guest saw every
// device on no node. QEMU 7.2.22 (-S, TCG, `info qtree`, measured here):
// - q35: -device pxb-pcie,id=ID,bus_nr=N,numa_node=G,bus=pcie.0, a pcie-root-port on it
//   (bus=ID,chassis=K), the device on the port (bus=PORT); the lab's guest kernel reads the
//   device's numa_node as G (electron/lab/boot.ts);
// - pc (also QEMU's default x86 machine): -device pxb,id=ID,bus_nr=N,numa_node=G,bus=pci.0 and
//   the device on it (bus=ID);
// - numa_node of a guest node the line lacks: "Illegal numa node 2"; without -numa at all
//   likewise, so devices of a layout without guest nodes stay as they were.
// Bridges take bus numbers 0x80, 0x90, … one per guest node with devices, each with room for 15
// root ports under it; past 8 such nodes or 15 devices on one, the devices are left unplaced
// (deviceNote says so) rather than given overlapping bus ranges.

import type { Layout } from "../layout/schema";
import { vfioDeviceValue, type HostDevice } from "../layout/host-devices";

const FIRST_BUS = 0x80;
const BUS_STEP = 0x10;
const MAX_BRIDGES = 8;

type Machine = "q35" | "pc" | "other";

/** The machine family as the expander bridges need it (no -machine: QEMU's default x86 machine, pc). */
function machineFamily(layout: Layout): Machine {
  const t = layout.machine?.type;
  if (t === undefined || t === "pc" || /^pc-i440fx/.test(t)) return "pc";
  if (t === "q35" || /^pc-q35/.test(t)) return "q35";
  return "other";
}

export interface DevicePlacement {
  /** -device words, in order: bridges, root ports, devices */
  args: string[][];
  /** guest node id → the devices placed on it */
  placed: Map<number, HostDevice[]>;
  /** why devices that name a guest node are not placed on it, when they are not */
  note?: string;
}

/** The -device options for the layout's host devices, each on its guest node where it names one. */
export function placeHostDevices(layout: Layout): DevicePlacement {
  const devices = layout.hostDevices ?? [];
  const plain = (note?: string): DevicePlacement => ({ args: devices.map((d) => ["-device", vfioDeviceValue(d)]), placed: new Map(), ...(note ? { note } : {}) });
  const ids = new Set(layout.nodes.map((n, i) => n.nodeid ?? i));
  const wanted = devices.filter((d) => d.guestNode !== undefined && ids.has(d.guestNode));
  if (wanted.length === 0) return plain();
  const family = machineFamily(layout);
  if (family === "other") return plain(`-machine ${layout.machine?.type} has no PCI expander bridge: the devices are not placed on guest nodes`);
  const byNode = new Map<number, HostDevice[]>();
  for (const d of wanted) byNode.set(d.guestNode!, [...(byNode.get(d.guestNode!) ?? []), d]);
  const nodes = [...byNode.keys()].sort((a, b) => a - b);
  if (nodes.length > MAX_BRIDGES || [...byNode.values()].some((l) => l.length >= BUS_STEP))
    return plain(`devices on ${nodes.length} guest nodes (at most ${MAX_BRIDGES}, 15 a node): they are not placed on guest nodes`);
  const args: string[][] = [];
  const busOf = new Map<HostDevice, string>();
  let chassis = 0;
  nodes.forEach((g, k) => {
    const bridge = `pxb-node${g}`;
    const busNr = FIRST_BUS + BUS_STEP * k;
    args.push(["-device", family === "q35" ? `pxb-pcie,id=${bridge},bus_nr=${busNr},numa_node=${g},bus=pcie.0` : `pxb,id=${bridge},bus_nr=${busNr},numa_node=${g},bus=pci.0`]);
    byNode.get(g)!.forEach((d, i) => {
      if (family === "pc") return busOf.set(d, bridge);
      const port = `rp-${d.id ?? `node${g}-${i}`}`;
      args.push(["-device", `pcie-root-port,id=${port},bus=${bridge},chassis=${++chassis}`]);
      busOf.set(d, port);
    });
  });
  for (const d of devices) args.push(["-device", busOf.has(d) ? `${vfioDeviceValue(d)},bus=${busOf.get(d)}` : vfioDeviceValue(d)]);
  return { args, placed: byNode };
}
