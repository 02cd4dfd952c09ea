// Real QEMU, real /proc: a run applies the layout's pinning while QEMU is paused and reads
// every thread's CPUs back.

import { describe, expect, it } from "vitest";
import { readSysfs } from "../probe/sysfs";
import { planLayout } from "../../shared/plan/planner";
import { runPrealloc } from "../qemu/launch";
import { runRecordSchema } from "../../shared/run/types";
import { formatPinReport } from "../../shared/run/pin-report";

const host = readSysfs();
const online = host.cpus.filter((c) => c.online).map((c) => c.id);

describe("a pinned run on this host", () => {
  it.runIf(online.includes(0) && online.includes(1))(
    "reports vCPU 0 allowed on CPU 0 and vCPU 1 on CPU 1, read from /proc, pinned before the guest ran",
    async () => {
      const r0 = planLayout(host, { mem: "256M", vcpus: 2, threads: 2, backend: "memfd", pin: "cpu" });
      if (!r0.ok) throw new Error(r0.diagnostics[0]!.message);
      const layout = r0.layout;
      // this host has 2 CPUs and one node: one PU per vCPU leaves none for the emulator
      layout.pinning = {
        vcpus: [
          { vcpus: "0", hostCpus: "0" },
          { vcpus: "1", hostCpus: "1" },
        ],
        emulator: "0",
      };
      layout.iothreads = [{ id: "io0", hostCpus: "1" }];
      const r = await runPrealloc(layout, { host });
      expect(r.outcome, r.error).toBe("ok");
      expect(runRecordSchema.safeParse(r).success).toBe(true);
      const p = r.pinning!;
      expect(p.statusWhenPinned).toBe("prelaunch");
      expect(p.errors).toBeUndefined();
      const vcpu = (n: number) => p.threads.find((t) => t.role === "vcpu" && t.of === n)!;
      expect(vcpu(0)).toMatchObject({ name: "CPU 0/TCG", allowed: "0", expected: "0", matches: true });
      expect(vcpu(1)).toMatchObject({ name: "CPU 1/TCG", allowed: "1", expected: "1", matches: true });
      expect(p.threads.find((t) => t.role === "iothread")).toMatchObject({ name: "IO io0", allowed: "1", matches: true });
      // the main thread (tid = pid) is the emulator
      const main = p.threads.find((t) => t.role === "emulator" && t.name.startsWith("qemu-system"))!;
      expect(main).toMatchObject({ allowed: "0", matches: true });
      expect(p.threads.every((t) => t.matches !== false)).toBe(true);
      expect(formatPinReport(p)).toMatch(/pinned while QEMU was prelaunch, all where the design says/);
      // the argv carried the I/O thread and no pinning option (QEMU has none)
      expect(r.argv).toContain("iothread,id=io0");
      expect(r.argv.join(" ")).not.toMatch(/taskset/);
    },
    120_000,
  );

  it("a run without pinning has no pinning report", async () => {
    const r0 = planLayout(host, { mem: "128M", vcpus: 1, threads: 1, pin: "none" });
    if (!r0.ok) throw new Error(r0.diagnostics[0]!.message);
    const r = await runPrealloc(r0.layout, { host });
    expect(r.outcome, r.error).toBe("ok");
    expect(r.pinning).toBeUndefined();
  }, 120_000);
});
