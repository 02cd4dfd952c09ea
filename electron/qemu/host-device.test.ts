// QEMU as the oracle for passed-through devices: the lines Numadesk exports for a host device
// are QEMU's syntax, and a device the host lacks is refused the way NUMA043 says.

import { describe, expect, it } from "vitest";
import { runOracle } from "../oracle/verdict";
import { readSysfs } from "../probe/sysfs";
import { checkLayout } from "../../shared/validate/check";
import { parseCommandLine } from "../../shared/qemu/parse";

describe("vfio-pci on this host's QEMU", () => {
  it("a PCI address the host lacks: QEMU refuses it at start with what NUMA043 quotes", async () => {
    const line = "qemu-system-x86_64 -m 64M -device vfio-pci,host=0000:81:00.0";
    const { layout, args } = parseCommandLine(line);
    const r = await runOracle(
      "qemu-system-x86_64",
      args.map((t) => t.text),
    );
    expect(r.verdict).toBe("refused");
    expect(r.stderr).toContain("vfio /sys/bus/pci/devices/0000:81:00.0: no such host device");
    const d = checkLayout(layout, { host: readSysfs() }).find((x) => x.code === "NUMA043");
    expect(d?.message).toContain('("vfio /sys/bus/pci/devices/0000:81:00.0: no such host device")');
  });

  it("a device the host has but that is not in an IOMMU group: QEMU parses the option and refuses the device", async () => {
    const host = readSysfs();
    const dev = host.pciDevices!.find((d) => d.iommuGroup === undefined);
    if (!dev) return; // a host with an IOMMU: nothing to show here
    const r = await runOracle("qemu-system-x86_64", ["-m", "64M", "-device", `vfio-pci,host=${dev.address}`]);
    expect(r.verdict).toBe("refused");
    expect(r.stderr).toContain(`vfio ${dev.address}: no iommu_group found`);
  });
});
