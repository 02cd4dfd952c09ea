// The lab for real: a guest with 2 (and 4) virtual NUMA nodes boots under TCG, runs this
// host's QEMU inside, and the run records prove where the touch_pages threads were allowed to
// run and where they were seen. This checks the sampler and the locality figures against real
// multi-node placement, not only fixtures.

import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { demoJobs, labTopology, runLab, sweepStaleLabDirs } from "./lab";
import { accessSync, constants, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { RunRefused } from "../qemu/launch";
import { cpioArchive } from "./cpio";
import { runRecordSchema, type RunRecord } from "../../shared/run/types";

function labQemus(): string[] {
  try {
    return execFileSync("pgrep", ["-af", `${tmpdir()}/numadesk-lab-`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter((l) => l.includes("qemu-system"));
  } catch {
    return [];
  }
}

const workers = (r: RunRecord) => r.threads.filter((t) => t.name === "touch_pages");

// A lab boot under TCG on a busy 2-core machine has, rarely, not come back: each run gives
// itself 4 minutes and the test one more try, so a stuck boot fails cleanly instead of hanging.
// The time grows with the load: at load 15 here the 2-node demo booted in 37.7 s and was all
// done in 71.7 s (50 s was too short); at load 9-11 it booted in 31.4 s and the two jobs took
// 14 + 12 s more (59 s). At load 19 that is about 120 s, the old limit, so 240 s.
const LAB = { timeout: 300_000, retry: 1 };
const LIMIT = 240_000;
const kvmUsable = (() => {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

describe("the NUMA lab", () => {
  it("2 nodes: with a thread-context every touch_pages thread is allowed and seen only on node 1; without, it is not confined", LAB, async () => {
    const r = await runLab({ nodes: 2, jobs: demoJobs(2), accel: "tcg", rateHz: 200, timeoutMs: LIMIT });
    expect(r.topology.nodes.map((n) => n.cpus)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    // the NIC behind the pxb-pcie expander bridge with numa_node=1: the guest's own sysfs says node 1
    expect(r.topology.pciDevices?.find((d) => d.address === "0000:81:00.0")).toMatchObject({ numaNode: 1, classCode: 0x020000, vendor: 0x8086, device: 0x10d3 });
    expect(r.topology.pciDevices?.filter((d) => d.numaNode === 1).map((d) => d.address)).toEqual(["0000:80:00.0", "0000:81:00.0"]);
    const [without, withContext] = r.records;
    for (const rec of r.records) expect(runRecordSchema.safeParse(rec).success).toBe(true);
    expect(withContext!.outcome).toBe("ok");
    expect(withContext!.backends[0]!.expectedThreads).toBe(2);
    expect(workers(withContext!)).toHaveLength(2);
    for (const t of workers(withContext!)) {
      expect(t.allowedCpus).toEqual([2, 3]);
      expect(Object.keys(t.nodes)).toEqual(["1"]);
      expect(t.locality).toBe(1);
    }
    expect(withContext!.backends[0]!.locality).toBe(1);
    // without the context the threads may run anywhere: the allowed CPUs prove it, run to run
    expect(workers(without!).length).toBeGreaterThan(0);
    for (const t of workers(without!)) expect(t.allowedCpus).toEqual([0, 1, 2, 3]);
    // the memory went to node 1 both times
    for (const rec of r.records) {
      const before = rec.lab!.freeBeforeKb["1"]!;
      const after = rec.lab!.freeAtPreallocKb["1"]!;
      expect(before - after).toBeGreaterThan(200 * 1024);
    }
    expect(labQemus()).toEqual([]);
  });

  it("4 nodes: a thread-context on node 3 confines the threads to node 3's CPU", LAB, async () => {
    const [, withContext] = demoJobs(4, "192M");
    const r = await runLab({ nodes: 4, jobs: [withContext!], accel: "tcg", rateHz: 200, timeoutMs: LIMIT });
    expect(r.topology.nodes).toHaveLength(4);
    const rec = r.records[0]!;
    expect(rec.outcome).toBe("ok");
    expect(workers(rec)).toHaveLength(2);
    for (const t of workers(rec)) {
      expect(t.allowedCpus).toEqual([3]);
      expect(Object.keys(t.nodes)).toEqual(["3"]);
    }
    expect(rec.lab!.nodes).toBe(4);
  });

  it("refuses a layout that does not fit the lab before booting anything", async () => {
    const [job] = demoJobs(2);
    job!.layout.backends[0]!.hostNodes = "5";
    const err = await runLab({ nodes: 2, jobs: [job!], accel: "tcg" }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as RunRefused).diagnostics.map((d) => d.code)).toContain("NUMA010");
  });

  it("a cancelled lab leaves no QEMU behind", LAB, async () => {
    const controller = new AbortController();
    const run = runLab({
      nodes: 2,
      jobs: demoJobs(2),
      accel: "tcg",
      signal: controller.signal,
      onEvent: (e) => e.type === "progress" && e.step === "boot" && setTimeout(() => controller.abort(), 500),
    });
    await expect(run).rejects.toThrow(/cancelled/);
    // the run ends when the guest's QEMU has exited (boot.ts waits for its exit): gone already,
    // or at the latest once the kernel has reaped it on a loaded machine
    const end = Date.now() + 10_000;
    while (labQemus().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(labQemus()).toEqual([]);
  });

  // QEMU 7.2 under -accel kvm -cpu host on this machine (nested KVM) stops at once with "failed to set
  // MSR 0x10a to 0x69" and glibc's assertion; the run used to end on that assertion line as it was
  it.skipIf(!kvmUsable)("a lab guest that does not boot says why in one line, QEMU's words whole in the detail (the real QEMU under KVM)", LAB, async () => {
    const [job] = demoJobs(2);
    const out: Awaited<ReturnType<typeof runLab>> | Error = await runLab({ nodes: 2, jobs: [job!], accel: "kvm", timeoutMs: LIMIT }).then(
      (r) => r,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    if (!(out instanceof Error)) {
      // KVM boots the lab here: nothing failed to say
      expect(out.records).toHaveLength(1);
      return;
    }
    expect(out).toBeInstanceOf(RunRefused);
    const e = out as RunRefused;
    expect(e.message).toMatch(/^the lab guest did not boot: \S/);
    expect(e.message).not.toMatch(/\n|Assertion|\.\.\/|qemu-system-x86_64:|\(\)/);
    expect(e.message.length).toBeLessThanOrEqual(110);
    expect(e.detail).toMatch(/qemu-system-x86_64: /);
    // on this machine: QEMU's own error, the assertion only in the detail
    if (e.detail?.includes("failed to set MSR")) {
      expect(e.message).toMatch(/^the lab guest did not boot: QEMU could not set MSR 0x[0-9a-f]+ to 0x[0-9a-f]+$/);
      expect(e.detail).toContain("Assertion");
    }
    expect(labQemus()).toEqual([]);
  });

  it("a lab folder left by a killed process is swept, one in use is not", async () => {
    const { mkdtempSync, writeFileSync, existsSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dead = mkdtempSync(join(tmpdir(), "numadesk-lab-"));
    writeFileSync(join(dead, "owner"), JSON.stringify({ pid: 999999999 }));
    const live = mkdtempSync(join(tmpdir(), "numadesk-lab-"));
    writeFileSync(join(live, "owner"), JSON.stringify({ pid: process.pid }));
    const removed = sweepStaleLabDirs();
    expect(removed).toContain(dead);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true, force: true });
  });

  it("the virtual topology matches what the planner and the checks expect", () => {
    const t = labTopology(4);
    expect(t.nodes.map((n) => n.cpus)).toEqual([[0], [1], [2], [3]]);
  });

  it("writes newc cpio archives the kernel can read: aligned headers and a trailer", () => {
    const a = cpioArchive([
      { name: "job", type: "dir", mode: 0o755 },
      { name: "job/01.job", type: "file", mode: 0o644, data: Buffer.from("abc") },
    ]);
    const text = a.toString("latin1");
    expect(text.startsWith("070701")).toBe(true);
    expect(text).toContain("job/01.job\0");
    expect(text).toContain("TRAILER!!!");
    expect(a.length % 4).toBe(0);
    // second header starts 4-byte aligned
    expect(text.indexOf("070701", 6) % 4).toBe(0);
  });
});
