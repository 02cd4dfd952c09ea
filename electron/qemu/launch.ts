// One preallocation run on this host: check the layout, guard memory, spawn QEMU (argv
// array, own process group, killed if we die), sample its threads, time spawn → QMP
// greeting, quit through QMP, and leave nothing behind: no process, no socket, no folder.

import { applyPins, readBackPins } from "../run/pin-threads";
import { hasPinning, type PinReport } from "../../shared/run/pin-report";
import { createHash, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Layout } from "../../shared/layout/schema";
import type { HostTopology } from "../../shared/topology/schema";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import { blocksRun } from "../../shared/run/gate";
import { checkLayout } from "../../shared/validate/check";
import { prepareRunArgs, type RunArgs } from "../../shared/run/prepare";
import { packSamples, summarizeRun } from "../../shared/run/summarize";
import { pagesGot } from "../../shared/run/pages";
import { recordTopology } from "../../shared/run/world";
import { RUN_RECORD_VERSION, type RunRecord, type Sample } from "../../shared/run/types";
import { explainQemuError } from "../../shared/qemu/errors";
import { onlineCpuCount } from "../../shared/topology/query";
import { humanSize } from "../../shared/size/size";
import { freeHugepages, nodeById } from "../../shared/topology/query";
import { dataDirArgs, probeQemu, type QemuInfo } from "./discover";
import { QmpClient } from "./qmp";
import { Sampler } from "../run/sampler";
import { SchedTracer } from "../run/sched-trace";
import { FillWatcher, fillBackends } from "../run/backend-fill";
import { memAvailable, processMemory } from "../run/meminfo";
import { createOwnedDirAt, ownedDirName, ownedDirs, processAlive, readOwner, sweepStaleDirs, writeOwner, type Owner } from "../run/owned-dirs";
import { checkMemPaths } from "../run/mem-path";
import { RunLockBusy, withRunLock } from "../run/run-lock";
import { killGroup, spawnGated } from "./spawn-guarded";

export class RunRefused extends Error {
  override name = "RunRefused";
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
    /** what QEMU itself said, whole, when the message is a one-line summary of it */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export type RunEvent =
  | { type: "spawned"; pid: number; argv: string[] }
  | { type: "samples"; samples: Sample[] }
  | { type: "prealloc-done"; ms: number }
  | { type: "populated"; t: number; bytes: Record<string, number> }
  | { type: "exited"; code: number | null; signal: string | null };

export interface RunOptions {
  host: HostTopology;
  /** QEMU binary (default: qemu-system-x86_64 on PATH or $NUMADESK_QEMU) */
  qemu?: string;
  rateHz?: number;
  /** give up after this long (default 10 minutes) */
  timeoutMs?: number;
  /** run even when the memory guard says no */
  force?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  label?: string;
  kind?: RunRecord["kind"];
  /** how many runs may go at once on this host, this one included (default 1) */
  maxConcurrent?: number;
  /** launch even when the checker finds errors, and let QEMU judge (--no-check); what a run may pass is still limited */
  skipCheck?: boolean;
  /** mem-path files the user allows although they exist or are new (--allow-mem-path) */
  allowMemPaths?: string[];
  /** watch QEMU's threads through the scheduler's tracepoints (every switch and migration) instead of sampling /proc; falls back to /proc, saying why, where the kernel does not allow it */
  exact?: boolean;
}

const RUN_DIR_PREFIX = "numadesk-run-";
// Keep a margin: the rest of the system needs memory while QEMU fills its share.
const GUARD_SHARE = 0.9;
const MAX_STDERR = 64 * 1024;

/** What a run folder says about its run: who owns it, how much it preallocates, QEMU's pid. */
export interface RunOwner extends Owner {
  /** tells this process's own live runs from folders a failed start of it left */
  token: string;
  bytes: number;
  startedAt: string;
  qemuPid?: number;
}

/** Tokens of the runs this process has going now. */
const activeRuns = new Set<string>();

/** A run folder's owner is going: its process lives and, if that process is this one, the run is still ours. */
function runAlive(o: RunOwner): boolean {
  if (!Number.isFinite(o.bytes)) return false;
  if (o.pid === process.pid) return typeof o.token === "string" && activeRuns.has(o.token);
  return processAlive(o.pid);
}

/** Remove run folders whose owner died without cleaning up (e.g. killed with SIGKILL). */
export function sweepStaleRunDirs(base = tmpdir()): string[] {
  return sweepStaleDirs(RUN_DIR_PREFIX, base, (o) => runAlive(o as RunOwner));
}

/** Preallocation runs going on this host now, from any Numadesk process of this user. */
export function liveRuns(base = tmpdir()): Array<RunOwner & { dir: string }> {
  return ownedDirs(RUN_DIR_PREFIX, base).flatMap((dir) => {
    const o = readOwner<RunOwner>(dir);
    return o && runAlive(o) ? [{ ...o, dir }] : [];
  });
}

/** Memory the runs going now will still take: what they preallocate minus what they hold already. */
export function outstandingBytes(runs: RunOwner[]): number {
  return runs.reduce((a, r) => a + Math.max(0, r.bytes - ((r.qemuPid !== undefined ? processMemory(r.qemuPid)?.rssBytes : 0) ?? 0)), 0);
}

export function hostFingerprint(host: HostTopology): string {
  const shape = host.nodes.map((n) => [n.id, n.cpus, n.memTotal]);
  return createHash("sha256")
    .update(JSON.stringify([hostname(), shape]))
    .digest("hex")
    .slice(0, 16);
}

/** Refuse a run that would take more memory than this host can give, counting runs already going. */
export function memoryGuard(preallocBytes: number, hugepages: Map<number, Map<number, number>>, host: HostTopology, available = memAvailable(), outstanding = 0): string | undefined {
  const anon = preallocBytes - [...hugepages.entries()].reduce((a, [page, nodes]) => a + [...nodes.values()].reduce((x, n) => x + n * page, 0), 0);
  if (available !== undefined && anon > (available - outstanding) * GUARD_SHARE) {
    const others = outstanding > 0 ? `, of which ${humanSize(outstanding)} is still to be taken by the runs going now` : "";
    return `the run would preallocate ${humanSize(anon)}, but this host has ${humanSize(available)} available (MemAvailable)${others}; QEMU would be ended by the OOM killer. Use less memory, or --force if you know better`;
  }
  for (const [page, nodes] of hugepages) {
    for (const [node, pages] of nodes) {
      const pool = node >= 0 ? [nodeById(host, node)].filter((n) => n !== undefined) : host.nodes;
      const free = pool.reduce((a, n) => a + freeHugepages(n, page), 0);
      if (pages > free) {
        return `the run needs ${pages} huge pages of ${humanSize(page)}${node >= 0 ? ` on node ${node}` : ""}, but ${free} are free; reserve them first (echo ${pages} > /sys/devices/system/node/node${Math.max(0, node)}/hugepages/hugepages-${page / 1024}kB/nr_hugepages)`;
      }
    }
  }
  return undefined;
}

export async function runPrealloc(layout: Layout, opts: RunOptions): Promise<RunRecord> {
  const host = opts.host;
  const qemu: QemuInfo = await probeQemu(opts.qemu);
  // --force overrides the memory checks (this host's free memory is a moving target), not
  // the rest: QEMU would refuse those layouts anyway.
  const MEMORY_CODES = new Set(["NUMA013", "NUMA015"]);
  const diags = checkLayout(layout, { host, qemu: { version: qemu.version } }).filter((d) => !(opts.force && MEMORY_CODES.has(d.code)));
  if (blocksRun(diags) && !opts.skipCheck) throw new RunRefused("the layout has errors; fix them before launching", diags);
  if (layout.threadContexts.length > 0 && !qemu.features.threadContext) {
    throw new RunRefused(`${qemu.binary} (QEMU ${qemu.version}) has no thread-context object; QEMU 7.2 or newer has it`);
  }
  if (layout.threadContexts.some((t) => t.nodeAffinity !== undefined) && !qemu.features.nodeAffinity) {
    throw new RunRefused(`${qemu.binary} cannot set node-affinity (it was built without libnuma); use cpu-affinity instead`);
  }

  // The command line first, checked, before anything is created on this host.
  const memPaths = checkMemPaths(layout.backends, opts.allowMemPaths);
  if (memPaths.problems.length > 0) throw new RunRefused(memPaths.problems.join("\n"));
  const dir = ownedDirName(RUN_DIR_PREFIX);
  const socket = join(dir, "qmp.sock");
  const prepared = prepareRunArgs(layout, { qmpSocket: socket, nameThreads: qemu.features.debugThreadsNeeded, memPaths: memPaths.paths, hugePageSizes: memPaths.hugePageSizes });
  if (prepared.refused.length > 0) throw new RunRefused(`this layout cannot be run: ${prepared.refused.join("; ")}`);

  // Count the runs going and register this one as one step, under a lock the kernel holds:
  // two starts at the same moment never both see "no run going".
  const token = randomBytes(8).toString("hex");
  const owner: RunOwner = { pid: process.pid, token, bytes: prepared.preallocBytes, startedAt: new Date().toISOString() };
  await withRunLock(() => {
    sweepStaleRunDirs();
    const others = liveRuns();
    const maxConcurrent = opts.maxConcurrent ?? 1;
    if (others.length >= maxConcurrent) {
      throw new RunRefused(
        `another preallocation run is going on this host (${others.map((o) => `pid ${o.pid}, ${humanSize(o.bytes)}`).join("; ")}); wait for it, or allow runs side by side (--concurrent) if the memory is there for both`,
      );
    }
    const guard = memoryGuard(prepared.preallocBytes, prepared.hugepages, host, memAvailable(), outstandingBytes(others));
    if (guard && !opts.force) throw new RunRefused(guard);
    createOwnedDirAt(dir, owner);
    activeRuns.add(token);
  }).catch((e: unknown) => {
    if (e instanceof RunLockBusy) throw new RunRefused(e.message);
    throw e;
  });
  try {
    return await launchPrepared(layout, opts, qemu, prepared, dir, owner, memPaths.paths);
  } finally {
    activeRuns.delete(token);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function launchPrepared(layout: Layout, opts: RunOptions, qemu: QemuInfo, prepared: RunArgs, dir: string, owner: RunOwner, memPaths: ReadonlyMap<string, string>): Promise<RunRecord> {
  const host = opts.host;
  const socket = join(dir, "qmp.sock");
  const nodeOfCpu = new Int16Array(Math.max(0, ...host.cpus.map((c) => c.id)) + 1).fill(-1);
  for (const c of host.cpus) nodeOfCpu[c.id] = c.node;
  const startedAt = new Date().toISOString();
  // t0 is when QEMU is let go (below): the gate's few ms of setting up are not QEMU's time
  let t0 = performance.now();
  // -L for a QEMU unpacked outside /usr: its own firmware, added after checkRunArgv passed the rest
  const argv = [...dataDirArgs(qemu), ...prepared.args];
  // Spawned behind a gate (same pid after it): the tracer of exact mode is attached before QEMU
  // runs a single instruction, so even a touch_pages worker that lives a few ms is seen.
  const gate = spawnGated(qemu.binary, argv, "ignore", "pipe");
  const child = gate.child;
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (s: string) => {
    if (stderr.length < MAX_STDERR) stderr += s;
  });
  let exit: { code: number | null; signal: string | null; ms: number } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exit = { code, signal, ms: performance.now() - t0 };
      opts.onEvent?.({ type: "exited", code, signal });
      resolve();
    });
    child.on("error", (e) => {
      stderr += `\n${e.message}`;
      exit ??= { code: null, signal: null, ms: performance.now() - t0 };
      resolve();
    });
  });
  // Ctrl-C in a terminal goes to the whole foreground group; QEMU has its own group, so only
  // we decide when it stops.
  const onExitHook = () => killGroup(child, "SIGKILL");
  process.once("exit", onExitHook);

  const watch = { pid: child.pid ?? -1, rateHz: opts.rateHz ?? 200, nodeOf: (c: number) => nodeOfCpu[c] ?? -1, t0, onBatch: (s: Sample[]) => opts.onEvent?.({ type: "samples", samples: s }) };
  let tracer: ReturnType<typeof SchedTracer.open> | undefined;
  let sampler: SchedTracer | Sampler | undefined;
  let fill: FillWatcher | undefined;
  try {
    tracer = opts.exact && child.pid !== undefined ? SchedTracer.open(watch) : undefined;
    sampler = tracer instanceof SchedTracer ? tracer : new Sampler(watch);
    if (child.pid !== undefined) {
      writeOwner(dir, { ...owner, qemuPid: child.pid } as RunOwner);
      // everything that watches QEMU is in place: let it go, and count from here
      t0 = watch.t0 = performance.now();
      // bytes populated per backend, from QEMU's smaps (shared/run/populated.ts says why that is exact)
      fill = new FillWatcher(child.pid, fillBackends(prepared.layout, prepared.backendOrder, memPaths), t0, (t, bytes) => opts.onEvent?.({ type: "populated", t, bytes }));
      gate.release();
      sampler.start();
      fill.start();
      opts.onEvent?.({ type: "spawned", pid: child.pid, argv: [qemu.binary, ...argv] });
    }
  } catch (e) {
    // a failure before QEMU ran: the gate (or QEMU) goes, and so does the trace instance
    sampler?.stop();
    fill?.stop();
    killGroup(child, "SIGKILL");
    await exited;
    process.removeListener("exit", onExitHook);
    throw e;
  }

  let outcome: RunRecord["outcome"] = "ok";
  let error: string | undefined;
  let preallocMs: number | undefined;
  let readyMs: number | undefined;
  let mem: ReturnType<typeof processMemory>;
  let pinning: PinReport | undefined;
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  let qmp: QmpClient | undefined;
  let dropAbortListener = () => undefined as void;
  const endStopped = (why: "timeout" | "cancelled", stage: string) => {
    outcome = why;
    error = why === "timeout" ? `QEMU did not finish ${stage} within ${Math.round(timeoutMs / 1000)} s` : "the run was cancelled";
  };
  /** A failure: QEMU's own words mapped to the element when they can be, else `fallback` (asked once QEMU is gone). */
  const endFailed = async (fallback: () => string) => {
    outcome = "failed";
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    error = explainQemuError(stderr, layout, host)?.message ?? fallback();
  };
  try {
    const stop = new Promise<"timeout" | "cancelled">((resolve) => {
      const timer = setTimeout(() => resolve("timeout"), timeoutMs);
      exited.then(() => clearTimeout(timer));
      if (opts.signal) {
        if (opts.signal.aborted) resolve("cancelled");
        // removed when the run ends: a benchmark passes one signal to dozens of runs
        const onAbort = () => resolve("cancelled");
        opts.signal.addEventListener("abort", onAbort, { once: true });
        dropAbortListener = () => opts.signal?.removeEventListener("abort", onAbort);
      }
    });
    const greeting = (async () => {
      qmp = await QmpClient.connect(socket, () => exit === undefined, Date.now() + timeoutMs);
      const g = await qmp.greeting();
      if (g.QMP === undefined) throw new Error(g.error?.desc ?? "no QMP greeting");
      return performance.now() - t0;
    })();
    const first = await Promise.race([greeting.then((ms) => ({ ms })), exited.then(() => "exited" as const), stop]).catch((e: Error) => ({ failed: e.message }));
    if (typeof first === "object" && "ms" in first) {
      preallocMs = first.ms;
      sampler.tick();
      fill?.look();
      fill?.stop();
      opts.onEvent?.({ type: "prealloc-done", ms: preallocMs });
      mem = processMemory(child.pid!);
      // QEMU 7.2 greets once the memory backends exist, before it initialises the machine, and
      // can still refuse the layout after that (NUMA and machine errors, exit 1). Only the main
      // loop answers query-status: an answer from a live QEMU is the verdict that it runs.
      const verdict = await Promise.race([
        (async () => {
          const caps = await qmp!.execute("qmp_capabilities");
          if (caps.error) return caps.error.desc;
          const status = await qmp!.execute("query-status");
          return status.error ? status.error.desc : exit === undefined ? "ready" : "QEMU exited";
        })(),
        exited.then(() => "QEMU exited" as const),
        stop,
      ]);
      if (verdict === "ready") {
        readyMs = performance.now() - t0;
        // Pinning: the machine exists (every vCPU thread too) and is still paused (-S); pin,
        // ask QEMU whether any guest code ran (prelaunch: none), then let it run and read back.
        if (hasPinning(prepared.layout)) {
          const errors = applyPins(child.pid!, prepared.layout);
          const st = await qmp!.execute("query-status");
          const statusWhenPinned = String((st.return as { status?: unknown } | undefined)?.status ?? st.error?.desc ?? "unknown");
          await qmp!.execute("cont");
          pinning = { statusWhenPinned, threads: readBackPins(child.pid!, prepared.layout), ...(errors.length > 0 ? { errors } : {}) };
        }
        await qmp!.execute("quit");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      } else if (verdict === "timeout" || verdict === "cancelled") {
        endStopped(verdict, "starting");
      } else {
        await endFailed(() => `QEMU preallocated the memory but refused the layout when it set up the machine (exit ${exit?.code ?? "?"})${stderr.trim() ? "" : `: ${verdict}`}`);
      }
    } else if (first === "timeout" || first === "cancelled") {
      endStopped(first, "preallocating");
    } else {
      await endFailed(() => (typeof first === "object" && "failed" in first ? first.failed : `QEMU exited with code ${exit?.code} before preallocation finished`));
    }
  } finally {
    dropAbortListener();
    sampler.stop();
    fill?.stop();
    qmp?.close();
    if (exit === undefined) {
      killGroup(child, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (exit === undefined) {
        killGroup(child, "SIGKILL");
        await exited;
      }
    }
    process.removeListener("exit", onExitHook);
  }
  const { samples, stats } = sampler.stop();
  const { threads, backends } = summarizeRun({ layout, backendOrder: prepared.backendOrder, samples, hostOnlineCpus: onlineCpuCount(host), qemuVersion: qemu.version });
  const record: RunRecord = {
    version: RUN_RECORD_VERSION,
    id: `${startedAt.replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`,
    kind: opts.kind ?? "host",
    startedAt,
    layout,
    argv: [qemu.binary, ...argv],
    dropped: prepared.dropped,
    qemu: { binary: qemu.binary, version: qemu.version },
    host: { name: host.name, fingerprint: hostFingerprint(host), nodes: host.nodes.length, cpus: host.cpus.length },
    topology: recordTopology(host),
    outcome,
    timings: { totalMs: Math.round((exit?.ms ?? performance.now() - t0) * 100) / 100 },
    memory: { preallocBytes: prepared.preallocBytes },
    sampler:
      "mode" in stats
        ? { rateHz: 0, ticks: 0, missedTicks: 0, cpuPercent: stats.cpuPercent, mode: "tracepoint", events: stats.events, lost: stats.lost }
        : { ...stats, mode: "proc", ...(tracer && "unavailable" in tracer ? { note: `exact mode not available: ${tracer.unavailable}` } : {}) },
    threads,
    backends,
    samples: packSamples(samples),
  };
  if (fill && fill.series.t.length > 0) record.populated = fill.series;
  if (opts.label) record.label = opts.label;
  if (preallocMs !== undefined) record.timings.preallocMs = Math.round(preallocMs * 100) / 100;
  if (readyMs !== undefined) record.timings.readyMs = Math.round(readyMs * 100) / 100;
  if (mem) {
    Object.assign(record.memory, mem);
    const pages = pagesGot(layout, record.memory);
    if (pages) record.memory.pages = pages;
  }
  if (error) record.error = error;
  if (stderr.trim()) record.stderr = stderr.trim();
  if (pinning) record.pinning = pinning;
  return record;
}

/** Is a folder left by a run still there? (tests) */
export function runDirsLeft(base = tmpdir()): string[] {
  return ownedDirs(RUN_DIR_PREFIX, base).map((d) => basename(d));
}

export { processAlive };
