// Edits for host PCI devices in a layout (layout.hostDevices), as pure functions the app
// applies as one undoable step each: attach a device to a guest node, give it to another guest
// node, detach it. NUMA042's fix (the guest node's memory and vCPUs to the device's host node)
// is the same edit as dragging the guest node there (layout/edits.ts moveGuestNode).
//
// What can be attached: a PCI endpoint function of the target host. A bridge (class 06: host,
// ISA, PCI-to-PCI and CardBus bridges) cannot: VFIO assigns endpoint functions, and a bridge is
// the host's own bus, so the host would lose every device behind it. The cards never list
// bridges (shared/topology/boxes.ts leaves them out); this refuses them for any other caller.
// A device the host itself uses (its boot disk, its console's display or network) is a real
// endpoint that vfio-pci can take from the host: Numadesk cannot know which one that is, so it
// does not refuse, it says the driver the device has now (bind it to vfio-pci first), and a
// run never passes a device through (shared/run/allow.ts).

import type { Layout } from "./schema";
import type { HostTopology, PciDevice } from "../topology/schema";
import type { HostDevice } from "./host-devices";
import { idList } from "../cpulist/cpulist";

export type DeviceEdit = { ok: true; layout: Layout } | { ok: false; error: string };

/** Why a device cannot be attached, or undefined when it can. */
export function notAttachable(d: PciDevice): string | undefined {
  if (d.classCode >> 16 === 0x06) return `${d.address} is a bridge (${d.className ?? "class 06"}): VFIO passes endpoint functions through, and a bridge is the host's own bus`;
  return undefined;
}

const guestIds = (l: Layout) => l.nodes.map((n, i) => n.nodeid ?? i);

/** The guest node a device belongs to best: the first whose memory is bound to the device's host node. */
export function homeGuestNode(layout: Layout, device: PciDevice): number | undefined {
  const ids = guestIds(layout);
  const i = layout.nodes.findIndex((n) => {
    const b = layout.backends.find((x) => x.id === n.memdev);
    return b !== undefined && b.policy !== undefined && b.policy !== "default" && idList(b.hostNodes).includes(device.numaNode);
  });
  return i >= 0 ? ids[i] : ids[0];
}

function freeDeviceId(l: Layout): string {
  const used = new Set((l.hostDevices ?? []).map((d) => d.id));
  for (let i = 0; ; i++) if (!used.has(`hostdev${i}`)) return `hostdev${i}`;
}

/** Attach a host device to guest node `guestNode` (default: the one whose memory is on the device's node, else the first). */
export function attachDevice(layout: Layout, host: HostTopology, address: string, guestNode?: number): DeviceEdit {
  const device = host.pciDevices?.find((d) => d.address === address);
  if (!device) return { ok: false, error: `${host.name} has no PCI device ${address}` };
  const why = notAttachable(device);
  if (why) return { ok: false, error: why };
  if ((layout.hostDevices ?? []).some((d) => d.host === address)) return { ok: false, error: `${address} is already attached` };
  if ((layout.hostDevices ?? []).length >= 64) return { ok: false, error: "a layout holds at most 64 host devices" };
  const g = guestNode ?? homeGuestNode(layout, device);
  if (g !== undefined && !guestIds(layout).includes(g)) return { ok: false, error: `the layout has no guest node ${g}` };
  const l = structuredClone(layout);
  const entry: HostDevice = { host: address, id: freeDeviceId(l), ...(g !== undefined ? { guestNode: g } : {}) };
  l.hostDevices = [...(l.hostDevices ?? []), entry];
  return { ok: true, layout: l };
}

export function detachDevice(layout: Layout, address: string): Layout {
  const left = (layout.hostDevices ?? []).filter((d) => d.host !== address);
  if (left.length === (layout.hostDevices ?? []).length) return layout;
  const l = structuredClone(layout);
  if (left.length > 0) l.hostDevices = left;
  else delete l.hostDevices;
  return l;
}

/** Give an attached device to another guest node. */
export function moveDevice(layout: Layout, address: string, guestNode: number): Layout {
  const i = (layout.hostDevices ?? []).findIndex((d) => d.host === address);
  if (i < 0 || layout.hostDevices![i]!.guestNode === guestNode || !guestIds(layout).includes(guestNode)) return layout;
  const l = structuredClone(layout);
  l.hostDevices![i]!.guestNode = guestNode;
  return l;
}
