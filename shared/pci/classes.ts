// PCI base classes and the common subclasses, by the numbers of the PCI Code and ID Assignment
// Specification: the name a device gets when the pci.ids database is not installed.

const BASE: Record<number, string> = {
  0x00: "Unclassified device",
  0x01: "Mass storage controller",
  0x02: "Network controller",
  0x03: "Display controller",
  0x04: "Multimedia controller",
  0x05: "Memory controller",
  0x06: "Bridge",
  0x07: "Communication controller",
  0x08: "Generic system peripheral",
  0x09: "Input device controller",
  0x0a: "Docking station",
  0x0b: "Processor",
  0x0c: "Serial bus controller",
  0x0d: "Wireless controller",
  0x0e: "Intelligent controller",
  0x0f: "Satellite communications controller",
  0x10: "Encryption controller",
  0x11: "Signal processing controller",
  0x12: "Processing accelerators",
  0x13: "Non-Essential Instrumentation",
  0x40: "Coprocessor",
  0xff: "Unassigned class",
};

// (base << 8) | sub
const SUB: Record<number, string> = {
  0x0100: "SCSI storage controller",
  0x0101: "IDE interface",
  0x0104: "RAID bus controller",
  0x0106: "SATA controller",
  0x0107: "Serial Attached SCSI controller",
  0x0108: "Non-Volatile memory controller",
  0x0200: "Ethernet controller",
  0x0207: "Infiniband controller",
  0x0280: "Network controller",
  0x0300: "VGA compatible controller",
  0x0302: "3D controller",
  0x0380: "Display controller",
  0x0403: "Audio device",
  0x0600: "Host bridge",
  0x0601: "ISA bridge",
  0x0604: "PCI bridge",
  0x0680: "Bridge",
  0x0700: "Serial controller",
  0x0880: "System peripheral",
  0x0c03: "USB controller",
  0x0c05: "SMBus",
  0x1200: "Processing accelerators",
};

/** "Ethernet controller" for 0x020000; the base class when the subclass is not in the table */
export function pciClassName(classCode: number): string {
  const base = (classCode >> 16) & 0xff;
  const sub = (classCode >> 8) & 0xff;
  return SUB[(base << 8) | sub] ?? BASE[base] ?? `class ${base.toString(16).padStart(2, "0")}${sub.toString(16).padStart(2, "0")}`;
}

/** The kinds a person passes through to a guest: worth drawing on the canvas. */
export function isEndpointWorthShowing(classCode: number): boolean {
  const base = (classCode >> 16) & 0xff;
  return base !== 0x06 && base !== 0x08 && base !== 0x05;
}
