// A pinned run in the lab (issue 13): the planner's node-wide pins for a 2-vCPU layout on the
// lab's 2 nodes (each guest node's vCPU confined to the CPUs of the lab node its memory is on),
// applied inside the lab guest while its QEMU is paused, read back from the guest's /proc and
// recorded as a host run records them. One boot serves every case: lab boots are slow.

import { beforeAll, describe, expect, it } from "vitest";
import { runLab, labTopology, type LabResult } from "./lab";
import { planLayout } from "../../shared/plan/planner";
import { runRecordSchema, type RunRecord } from "../../shared/run/types";
import { formatPinReport } from "../../shared/run/pin-report";
import type { Layout } from "../../shared/layout/schema";

function pinnedLayout(): Layout {
  const r = planLayout(labTopology(2), { mem: "256M", vcpus: 2, threads: 2, backend: "memfd" });
  if (!r.ok) throw new Error(r.diagnostics[0]!.message);
  const layout = r.layout;
  // an emulator pin and an I/O thread as well: every role goes through the lab's pinning
  layout.pinning = { ...layout.pinning, emulator: "0" };
  layout.iothreads = [{ id: "io0", hostCpus: "3" }];
  return layout;
}

let result: LabResult | undefined;
let failure: unknown;
let rec: RunRecord;

describe("a pinned run in the lab (2 nodes, node-wide pins)", () => {
  beforeAll(async () => {
    const layout = pinnedLayout();
    // the planner pins by guest node: vCPU 0's node has its memory on lab node 0 (CPUs 0-1), vCPU 1's on node 1 (CPUs 2-3)
    expect(layout.pinning?.vcpus).toEqual([
      { node: 0, hostCpus: "0-1" },
      { node: 1, hostCpus: "2-3" },
    ]);
    expect(layout.backends.map((b) => b.hostNodes)).toEqual(["0", "1"]);
    // a lab boot under TCG on a loaded 2-core machine: one try, generous time
    try {
      result = await runLab({ nodes: 2, jobs: [{ label: "pinned", layout }], accel: "tcg", rateHz: 100, timeoutMs: 240_000 });
      rec = result.records[0]!;
    } catch (e) {
      failure = e;
    }
  }, 300_000);

  it("the run succeeds and its record is a valid run record with a pinning report", () => {
    expect(failure).toBeUndefined();
    expect(rec.kind).toBe("lab");
    expect(rec.outcome, rec.error).toBe("ok");
    expect(runRecordSchema.safeParse(rec).success).toBe(true);
    expect(rec.pinning).toBeDefined();
    expect(rec.pinning!.errors).toBeUndefined();
  });

  it("pins before the guest ran: QEMU was still prelaunch", () => {
    expect(rec.pinning?.statusWhenPinned).toBe("prelaunch");
  });

  it("vCPU 0 is allowed on lab node 0's CPUs and vCPU 1 on node 1's, read from the lab's /proc", () => {
    const vcpu = (n: number) => rec.pinning!.threads.find((t) => t.role === "vcpu" && t.of === n);
    expect(vcpu(0)).toMatchObject({ name: "CPU 0/TCG", allowed: "0-1", expected: "0-1", matches: true });
    expect(vcpu(1)).toMatchObject({ name: "CPU 1/TCG", allowed: "2-3", expected: "2-3", matches: true });
  });

  it("the I/O thread and the emulator threads are where the design says; every pinned thread matches", () => {
    const p = rec.pinning!;
    expect(p.threads.find((t) => t.role === "iothread")).toMatchObject({ name: "IO io0", allowed: "3", matches: true });
    const main = p.threads.find((t) => t.role === "emulator" && t.name.startsWith("qemu-system"));
    expect(main).toMatchObject({ allowed: "0", matches: true });
    expect(p.threads.filter((t) => t.matches === false)).toEqual([]);
    expect(formatPinReport(p)).toMatch(/pinned while QEMU was prelaunch, all where the design says/);
  });

  it("the memory went where the layout binds it: each lab node lost its backend's 128 MiB", () => {
    for (const node of ["0", "1"]) {
      const before = rec.lab!.freeBeforeKb[node]!;
      const after = rec.lab!.freeAtPreallocKb[node]!;
      expect(before - after).toBeGreaterThan(100 * 1024);
    }
  });
});
