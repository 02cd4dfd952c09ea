import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pciKind, pciModel, pciVendorShort } from "./format-pci";
import type { HostTopology } from "./schema";

// the bundled sample with devices (its names are pci.ids' own, read from a real host's lspci)
const xeon = JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/xeon-2node-gpu-nic.json"), "utf8")) as HostTopology;
const dev = (addr: string) => xeon.pciDevices!.find((d) => d.address === addr)!;

describe("a PCI device's short names for a node card's row", () => {
  it("the model is the bracketed product name when pci.ids gives one, else the device name", () => {
    expect(pciModel(dev("0000:03:00.0"))).toBe("Tesla M2075");
    expect(pciModel(dev("0000:84:00.1"))).toBe("Radeon HD 7970/8970 OEM / R9 280X");
    expect(pciModel(dev("0000:81:00.0"))).toBe("I350 Gigabit Network Connection");
    expect(pciModel({ ...dev("0000:81:00.0"), deviceName: undefined })).toBe("[8086:1521]");
  });
  it("the kind is the class without 'controller', long ones shortened", () => {
    expect(pciKind(dev("0000:81:00.0"))).toBe("Ethernet");
    expect(pciKind(dev("0000:05:03.0"))).toBe("VGA");
    expect(pciKind(dev("0000:03:00.0"))).toBe("3D");
    expect(pciKind(dev("0000:04:00.0"))).toBe("SAS");
    expect(pciKind({ ...dev("0000:04:00.0"), className: undefined })).toBe("device");
  });
  it("the vendor in a word", () => {
    expect(pciVendorShort(dev("0000:84:00.1"))).toBe("AMD/ATI");
    expect(pciVendorShort(dev("0000:03:00.0"))).toBe("NVIDIA");
    expect(pciVendorShort(dev("0000:05:03.0"))).toBe("Matrox");
    expect(pciVendorShort({ ...dev("0000:05:03.0"), vendorName: undefined })).toBeUndefined();
  });
});
