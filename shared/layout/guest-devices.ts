// The host devices each guest node holds, as the guest box on the canvas and the layout panel
// say them: the device's short address and what it is ("81:00.0 Ethernet"), and where the
// command line puts it (the expander bridge of shared/qemu/device-placement.ts).

import type { Layout } from "./schema";
import type { HostDevice } from "./host-devices";
import type { HostTopology } from "../topology/schema";
import { pciKind, pciModel } from "../topology/format-pci";
import { placeHostDevices } from "../qemu/device-placement";

/** The devices given to guest node `index` (by its nodeid). */
export function guestNodeDevices(layout: Layout, index: number): HostDevice[] {
  const id = layout.nodes[index]?.nodeid ?? index;
  return (layout.hostDevices ?? []).filter((d) => d.guestNode === id);
}

/** "81:00.0 Ethernet": the bus address without its domain, and the device's kind on this host. */
export function deviceShortName(d: HostDevice, host?: HostTopology): string {
  const dev = host?.pciDevices?.find((x) => x.address === d.host);
  const short = d.host.replace(/^0000:/, "");
  return dev ? `${short} ${pciKind(dev)}` : short;
}

/** The guest box's few words: "⇄ 81:00.0 Ethernet", or "⇄ 3 devices"; empty when it has none. */
export function guestBoxDevices(layout: Layout, index: number, host?: HostTopology): string {
  const mine = guestNodeDevices(layout, index);
  if (mine.length === 0) return "";
  return mine.length === 1 ? `⇄ ${deviceShortName(mine[0]!, host)}` : `⇄ ${mine.length} devices`;
}

/** The layout panel's line: each device with its model, and how the line places it (or why not). */
export function guestPanelDevices(layout: Layout, index: number, host?: HostTopology): string {
  const mine = guestNodeDevices(layout, index);
  if (mine.length === 0) return "";
  const names = mine.map((d) => {
    const dev = host?.pciDevices?.find((x) => x.address === d.host);
    return `${d.host}${dev ? ` (${pciKind(dev)} · ${pciModel(dev)})` : ""}`;
  });
  const p = placeHostDevices(layout);
  const id = layout.nodes[index]?.nodeid ?? index;
  const where = p.placed.has(id) ? `on expander bridge pxb-node${id}, numa_node=${id}` : (p.note ?? "not placed on the guest node");
  return `devices ${names.join(", ")}: ${where}`;
}
