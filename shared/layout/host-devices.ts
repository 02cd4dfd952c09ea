// Host PCI devices a layout hands to its guest (VFIO passthrough): which device, and the guest
// node it belongs to, so the checker can say whether that node's memory sits on the host node
// of the device's slot. Exported as -device vfio-pci,host=ADDR and libvirt <hostdev>; a
// preallocation run never passes one through (shared/run/allow.ts).

import { z } from "zod";

export const PCI_ADDRESS = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

export const hostDeviceSchema = z
  .object({
    host: z.string().regex(PCI_ADDRESS, "is not a PCI address like 0000:3b:00.0 (domain:bus:slot.function, lower-case hex)").describe("the host PCI address"),
    guestNode: z.number().int().min(0).max(65535).optional().describe("the guest node (nodeid) the device belongs to"),
    id: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, "is not a QEMU id (a letter, then letters, digits, '-', '.', '_')")
      .optional(),
  })
  .strict();

export const hostDevicesSchema = z.array(hostDeviceSchema).max(64).optional().describe("host PCI devices passed through with VFIO");

export type HostDevice = z.infer<typeof hostDeviceSchema>;

/** QEMU's -device value for one: `vfio-pci,host=0000:81:00.0,id=hostdev0` */
export function vfioDeviceValue(d: HostDevice): string {
  return `vfio-pci,host=${d.host}${d.id !== undefined ? `,id=${d.id}` : ""}`;
}
