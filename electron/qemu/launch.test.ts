// Real QEMU, real /proc: preallocation runs on this host, and what they leave behind.

import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readSysfs } from "../probe/sysfs";
import { planLayout } from "../../shared/plan/planner";
import { parseCommandLine } from "../../shared/qemu/parse";
import { memoryGuard, processAlive, runDirsLeft, runPrealloc, RunRefused, sweepStaleRunDirs } from "./launch";
import { statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QemuNotFound } from "./discover";
import { runRecordSchema } from "../../shared/run/types";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { Layout } from "../../shared/layout/schema";

const host = readSysfs();
const cpus = host.cpus.filter((c) => c.online).length;

function plan(mem: string, threads: number, backend: "ram" | "memfd" = "ram"): Layout {
  const r = planLayout(host, { mem, vcpus: Math.min(2, cpus), threads, backend });
  if (!r.ok) throw new Error(r.diagnostics[0]!.message);
  return r.layout;
}

/** A planned layout grown past this host's memory afterwards: the planner itself never hands
 *  out a plan that does not fit (it fails with PLAN002). */
function tooBig(): Layout {
  const layout = plan("128M", 2);
  for (const b of layout.backends) b.size = "64G";
  layout.memory = { size: `${64 * layout.backends.length}G` };
  return layout;
}

/** QEMU processes whose command line mentions a numadesk run folder. */
function qemuOfRuns(): string[] {
  try {
    return execFileSync("pgrep", ["-af", `${tmpdir()}/numadesk-run-`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter((l) => l.includes("qemu-system"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

afterEach(() => {
  expect(qemuOfRuns()).toEqual([]);
  expect(runDirsLeft()).toEqual([]);
});

describe("preallocation runs with the real QEMU", () => {
  it("exact mode: the scheduler's tracepoints show every switch of the touch_pages threads, and the trace instance and mount are gone after", async () => {
    const layout = plan("512M", 2, "memfd");
    const r = await runPrealloc(layout, { host, exact: true });
    expect(r.outcome).toBe("ok");
    expect(runRecordSchema.safeParse(r).success).toBe(true);
    // root on this VM: tracing is allowed (DESIGN.md), so the mode must be the exact one
    expect(r.sampler.note).toBeUndefined();
    expect(r.sampler.mode).toBe("tracepoint");
    expect(r.sampler.events).toBeGreaterThan(0);
    const workers = r.threads.filter((t) => t.name === "touch_pages");
    expect(workers.length).toBe(Math.min(2, cpus));
    const online = new Set(host.cpus.map((c) => c.id));
    for (const t of workers) {
      expect(t.samples).toBeGreaterThan(0);
      expect(t.cpus.every((c) => online.has(c))).toBe(true);
      expect(t.locality).toBe(1);
      // switch-out samples carry the time the thread ran: it worked for a measurable while
      expect(t.cpuTimeMs).toBeGreaterThan(0);
    }
    // each sample is an event: a thread never RUNS on two CPUs at one instant. It may be switched
    // out on one CPU and moved to another in the same microsecond (the scheduler's
    // sched_migrate_task: state R, no run time); CI once saw exactly that, on 2 CPUs
    const ran = new Map<string, number>();
    r.samples.t.forEach((t, i) => {
      if (r.samples.state[i] === "R" && r.samples.ranUs[i] === 0) return;
      const key = `${r.samples.tid[i]}@${t}`;
      if (ran.has(key)) expect(ran.get(key)).toBe(r.samples.cpu[i]);
      ran.set(key, r.samples.cpu[i]!);
    });
    expect(readFileSync("/proc/mounts", "utf8")).not.toMatch(/numadesk-tracefs-/);
    // tracefs is one for the whole system: its instances outlive a mount, so look through a fresh one
    const look = mkdtempSync(join(tmpdir(), "look-tracefs-"));
    execFileSync("mount", ["-t", "tracefs", "nodev", look]);
    try {
      expect(readdirSync(join(look, "instances")).filter((n) => n.startsWith(`numadesk-${process.pid}-`))).toEqual([]);
    } finally {
      execFileSync("umount", [look]);
      rmSync(look, { recursive: true });
    }
  });

  it("exact mode keeps threads that were gone before their events were read (anonymous memory: touch_pages lives tens of ms)", async () => {
    // QEMU is spawned behind a gate and let go only once the tracer is attached: one run, every worker
    const r = await runPrealloc(plan("256M", 2), { host, exact: true });
    expect(r.outcome).toBe("ok");
    expect(r.sampler.mode).toBe("tracepoint");
    const workers = r.threads.filter((t) => t.name === "touch_pages");
    expect(workers.length).toBe(Math.min(2, cpus));
    // the gate itself (sh before it execs QEMU) is never taken for a QEMU thread
    expect(r.threads.map((t) => t.name)).not.toContain("sh");
    for (const t of workers) expect(t.backend).toBe("ram-node0");
  });

  it("preallocates 768 MiB with a thread-context, sees its touch_pages threads on node 0, and leaves nothing behind", async () => {
    // memfd gets 4 KiB pages here (shmem THP is off by default), so the threads live for
    // hundreds of milliseconds; anonymous memory with warm huge pages takes ~40 ms
    const layout = plan("768M", 2, "memfd");
    const r = await runPrealloc(layout, { host, rateHz: 1000 });
    expect(r.outcome).toBe("ok");
    expect(runRecordSchema.safeParse(r).success).toBe(true);
    expect(r.timings.preallocMs).toBeGreaterThan(0);
    expect(r.timings.totalMs).toBeGreaterThanOrEqual(r.timings.preallocMs!);
    const workers = r.threads.filter((t) => t.name === "touch_pages");
    expect(workers.length).toBe(Math.min(2, cpus));
    for (const t of workers) {
      expect(t.backend).toBe("ram-node0");
      expect(t.locality).toBe(1);
      expect(t.cpus.every((c) => host.cpus.find((x) => x.id === c)?.node === 0)).toBe(true);
    }
    expect(r.threads.some((t) => t.name === "TC tc0")).toBe(true);
    expect(r.backends[0]).toMatchObject({ id: "ram-node0", expectedThreads: Math.min(2, cpus), seenThreads: Math.min(2, cpus), locality: 1 });
    expect(r.memory.rssBytes).toBeGreaterThanOrEqual(768 * 2 ** 20);
    // the record keeps its world: this host's topology, and the page size the kernel gave
    expect(r.topology!.nodes.map((n) => n.cpus)).toEqual(host.nodes.map((n) => n.cpus));
    expect(r.memory.pages!.bytes).toBe(r.memory.anonHugeBytes! > 0 ? 2 * 2 ** 20 : 4096);
    expect(r.sampler.ticks).toBeGreaterThan(0);
    expect(r.argv).toContain("debug-threads=on");
  });

  it("preallocates two backends one after the other (QEMU 7.2 has no parallel preallocation)", async () => {
    const layout = parseCommandLine(
      `qemu-system-x86_64 -name debug-threads=on -m 1G -smp 2 -numa node,nodeid=0,cpus=0,memdev=a -numa node,nodeid=1,cpus=1,memdev=b
       -object thread-context,id=tc0,node-affinity=0
       -object memory-backend-memfd,id=a,size=512M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc0
       -object memory-backend-memfd,id=b,size=512M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc0`,
    ).layout;
    const r = await runPrealloc(layout, { host, rateHz: 1000 });
    expect(r.outcome).toBe("ok");
    const [a, b] = r.backends;
    expect(a!.seenThreads + b!.seenThreads).toBe(2 * Math.min(2, cpus));
    expect(a!.lastMs!).toBeLessThanOrEqual(b!.firstMs! + 5);
  });

  it("keeps the layout's display and monitor options out of the run and says so", async () => {
    const layout = plan("128M", 2);
    layout.args.push({ tokens: ["-nographic"] }, { tokens: ["-monitor", "stdio"] });
    const r = await runPrealloc(layout, { host });
    expect(r.outcome).toBe("ok");
    expect(r.dropped).toEqual([expect.stringMatching(/^-nographic \(/), expect.stringMatching(/^-monitor stdio \(/)]);
    expect(r.argv).not.toContain("-nographic");
    expect(r.argv).not.toContain("-monitor");
  });
});

describe("QEMU's verdict comes after machine initialisation", () => {
  // QEMU 7.2 greets on QMP once the memory backends exist, then refuses this layout while it
  // sets up the machine (-machine memory-backend= together with -numa memdev=) and exits 1.
  const refusedAfterGreeting = () =>
    parseCommandLine(`qemu-system-x86_64 -name debug-threads=on -m 128M -smp 1 -machine q35,memory-backend=m0
      -numa node,nodeid=0,cpus=0,memdev=m0 -object memory-backend-memfd,id=m0,size=128M,prealloc=on,prealloc-threads=2`).layout;

  it("a line QEMU refuses after its greeting is reported failed, ten times out of ten", async () => {
    let greeted = 0;
    for (let i = 0; i < 10; i++) {
      const r = await runPrealloc(refusedAfterGreeting(), { host, skipCheck: true });
      expect(r.outcome, `run ${i}`).toBe("failed");
      expect(r.timings.readyMs).toBeUndefined();
      expect(r.stderr).toMatch(/'-machine memory-backend' and '-numa memdev' properties are mutually exclusive/);
      // the greeting and the exit race each other; either way the run failed
      if (r.timings.preallocMs !== undefined) greeted++;
    }
    console.log(`QEMU greeted before refusing in ${greeted} of 10 runs`);
  });

  it("an accepted line is ok only once query-status answered, after the greeting", async () => {
    const r = await runPrealloc(plan("128M", 2), { host });
    expect(r.outcome).toBe("ok");
    expect(r.timings.readyMs).toBeGreaterThanOrEqual(r.timings.preallocMs!);
  });
});

describe("bad layouts on this host", () => {
  it("a host node that does not exist is refused before QEMU starts, with the element named", async () => {
    const layout = plan("128M", 2);
    layout.backends[0]!.hostNodes = "7";
    const err = await runPrealloc(layout, { host }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as RunRefused).diagnostics.map((d) => d.code)).toContain("NUMA010");
    expect((err as RunRefused).diagnostics.find((d) => d.code === "NUMA010")!.at?.path).toBe("backends[0].hostNodes");
  });

  it("more memory than the host has is refused by the memory check", async () => {
    const layout = tooBig();
    const err = await runPrealloc(layout, { host }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as RunRefused).diagnostics.map((d) => d.code)).toContain("NUMA013");
  });

  it("with --force QEMU itself fails on more memory than the host has, and the message names the backend", async () => {
    const layout = tooBig();
    const r = await runPrealloc(layout, { host, force: true });
    expect(r.outcome).toBe("failed");
    expect(r.error).toMatch(/ram-node0|ran out of memory|cannot give/);
    expect(r.stderr).toMatch(/Cannot allocate memory/);
  });

  it("a broken QEMU path says how to install QEMU", async () => {
    const err = await runPrealloc(plan("128M", 2), { host, qemu: "/nonexistent/qemu-system-x86_64" }).catch((e) => e);
    expect(err).toBeInstanceOf(QemuNotFound);
    expect((err as Error).message).toMatch(/apt-get install qemu-system-x86/);
  });

  it("a binary that is not QEMU is named as such", async () => {
    const err = await runPrealloc(plan("128M", 2), { host, qemu: "/bin/true" }).catch((e) => e);
    expect(err).toBeInstanceOf(QemuNotFound);
    expect((err as Error).message).toMatch(/does not answer --version like QEMU/);
  });

  it("a cancelled run stops QEMU and cleans up", async () => {
    const controller = new AbortController();
    const layout = plan("2G", 1);
    const run = runPrealloc(layout, { host, signal: controller.signal, onEvent: (e) => e.type === "spawned" && setTimeout(() => controller.abort(), 100) });
    const r = await run;
    expect(r.outcome).toBe("cancelled");
    expect(r.timings.preallocMs).toBeUndefined();
  });

  it("a run that takes longer than its timeout is stopped", async () => {
    const r = await runPrealloc(plan("2G", 1), { host, timeoutMs: 50 });
    expect(r.outcome).toBe("timeout");
    expect(r.error).toMatch(/within 0 s|within/);
  });
});

describe("one run at a time, private files", () => {
  it("a second run while one goes is refused, and allowed side by side only when asked", async () => {
    const controller = new AbortController();
    let spawned!: () => void;
    const isSpawned = new Promise<void>((r) => (spawned = r));
    const first = runPrealloc(plan("3G", 1), { host, signal: controller.signal, onEvent: (e) => e.type === "spawned" && spawned() });
    await isSpawned;
    try {
      const err = await runPrealloc(plan("128M", 2), { host }).catch((e) => e);
      expect(err).toBeInstanceOf(RunRefused);
      expect((err as Error).message).toMatch(/another preallocation run is going on this host \(pid \d+, 3 GiB\)/);
      const second = await runPrealloc(plan("128M", 2), { host, maxConcurrent: 2 });
      expect(second.outcome).toBe("ok");
    } finally {
      controller.abort();
      await first;
    }
  });

  it("the memory guard counts what runs already going will still take", () => {
    const none = new Map<number, Map<number, number>>();
    expect(memoryGuard(8 * 2 ** 30, none, host, 20 * 2 ** 30, 0)).toBeUndefined();
    expect(memoryGuard(8 * 2 ** 30, none, host, 20 * 2 ** 30, 12 * 2 ** 30)).toMatch(/still to be taken by the runs going now/);
  });

  it("keeps its QMP socket in a folder only its user can enter", async () => {
    let mode = -1;
    let socketSeen = false;
    const r = await runPrealloc(plan("256M", 2), {
      host,
      onEvent: (e) => {
        if (e.type !== "spawned") return;
        const dir = runDirsLeft()[0]!;
        mode = statSync(join(tmpdir(), dir)).mode & 0o777;
        socketSeen = e.argv.some((a) => a.includes(`${dir}/qmp.sock`));
      },
    });
    expect(r.outcome).toBe("ok");
    expect(mode).toBe(0o700);
    expect(socketSeen).toBe(true);
  });
});

describe("no orphan QEMU", () => {
  it("when the process running it dies of an uncaught error", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures/crash-during-run.ts")], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).not.toBe(0);
    expect(err).toContain("boom");
    const pid = Number(/spawned (\d+)/.exec(out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // the exit hook killed QEMU's process group before the process went
    // (a killed QEMU whose parent is gone may linger as a zombie until init reaps it: not alive)
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      alive = processAlive(pid);
      if (alive) await new Promise((r) => setTimeout(r, 20));
    }
    expect(alive).toBe(false);
    sweepStaleRunDirs();
  });
});
