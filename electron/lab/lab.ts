// The NUMA lab: a small Linux guest whose virtual hardware has 2 or 4 NUMA nodes runs the
// preallocation jobs with its own copy of this host's QEMU, and reports every sample on the
// serial console. The same run records come out as from a run on the host, marked as lab runs
// with the virtual topology — so a one-node laptop can show where touch_pages threads go.

import { createHash, randomBytes } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Layout } from "../../shared/layout/schema";
import type { HostTopology } from "../../shared/topology/schema";
import { labTopology, LAB_CPUS, type LabNodes } from "../../shared/lab/topology";
export { labTopology, type LabNodes };
import { checkLayout } from "../../shared/validate/check";
import { hasErrors } from "../../shared/diagnostics/diagnostic";
import { prepareRunArgs } from "../../shared/run/prepare";
import { packSamples, summarizeRun } from "../../shared/run/summarize";
import { recordTopology } from "../../shared/run/world";
import { RUN_RECORD_VERSION, type RunRecord, type Sample } from "../../shared/run/types";
import { parseLabLine, type LabLine } from "../../shared/lab/protocol";
import { formatIdList } from "../../shared/cpulist/cpulist";
import { formatSize, MiB } from "../../shared/size/size";
import { backendBytes } from "../../shared/qemu/prealloc";
import { cpioArchive, type CpioEntry } from "./cpio";
import { ensureLabAssets, labCacheDir, type LabAssets } from "./assets";
import { probeQemu } from "../qemu/discover";
import { RunRefused } from "../qemu/launch";
import { createOwnedDir, sweepStaleDirs } from "../run/owned-dirs";
import { killGroup, spawnGuarded } from "../qemu/spawn-guarded";

const INNER_QEMU = "/usr/bin/qemu-system-x86_64";

export interface LabJob {
  label: string;
  layout: Layout;
}

export type LabEvent =
  | { type: "status"; text: string }
  | { type: "booted"; ms: number; topology: HostTopology }
  | { type: "begin"; label: string }
  | { type: "samples"; label: string; samples: Sample[] }
  | { type: "prealloc-done"; label: string; ms: number }
  | { type: "job-done"; record: RunRecord };

export interface LabOptions {
  nodes: LabNodes;
  jobs: LabJob[];
  rateHz?: number;
  accel?: "auto" | "tcg" | "kvm";
  qemu?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onEvent?: (e: LabEvent) => void;
}

export interface LabResult {
  records: RunRecord[];
  topology: HostTopology;
  accel: "tcg" | "kvm";
  accelWhy: string;
  bootMs: number;
  totalMs: number;
  kernel: string;
  /** the lab VM's peak resident memory on this host (VmHWM), when read */
  peakRssBytes?: number;
}

/** Memory per guest node: room for the kernel, the initramfs and the largest job. */
function memPerNode(jobs: LabJob[]): number {
  // worst case: a job's whole memory on one node
  const biggest = Math.max(0, ...jobs.map((j) => j.layout.backends.reduce((a, b) => a + backendBytes(b), 0)));
  return Math.max(512 * MiB, Math.ceil((biggest + 320 * MiB) / (2 * MiB)) * 2 * MiB);
}

function outerArgs(assets: LabAssets, nodes: LabNodes, bytesPerNode: number, initrd: string, accel: "tcg" | "kvm"): string[] {
  const per = LAB_CPUS / nodes;
  const args = ["-machine", "q35", "-accel", accel === "kvm" ? "kvm" : "tcg,thread=multi", "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot"];
  args.push("-m", formatSize(bytesPerNode * nodes, "M"), "-smp", String(LAB_CPUS));
  for (let n = 0; n < nodes; n++) {
    args.push("-object", `memory-backend-ram,id=lab${n},size=${formatSize(bytesPerNode)}`);
    args.push("-numa", `node,nodeid=${n},cpus=${formatIdList(Array.from({ length: per }, (_, k) => n * per + k))},memdev=lab${n}`);
  }
  if (accel === "kvm") args.push("-cpu", "host");
  args.push("-kernel", assets.kernel, "-initrd", initrd, "-append", "console=ttyS0 panic=-1 quiet loglevel=1");
  return args;
}

/** Console lines of the last boot that were not protocol lines (kernel messages, panics). */
const consoleTail: string[] = [];

/** Boot the guest and read its console; resolves when it powers off (or is stopped). */
function bootGuest(
  assets: LabAssets,
  args: string[],
  onLine: (l: LabLine) => void,
  opts: { signal?: AbortSignal; timeoutMs: number },
  onPid?: (pid: number | undefined) => void,
): Promise<{ code: number | null; stderr: string; timedOut: boolean; cancelled: boolean }> {
  return new Promise((resolve) => {
    // the guest dies with us, even on SIGKILL (parent-death signal), and has its own group
    const child = spawnGuarded(assets.qemu, args, ["pipe", "pipe", "pipe"]);
    onPid?.(child.pid);
    let buffer = "";
    let stderr = "";
    consoleTail.length = 0;
    let timedOut = false;
    let cancelled = false;
    const kill = () => killGroup(child, "SIGKILL");
    const onExit = () => kill();
    process.once("exit", onExit);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      kill();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout!.setEncoding("latin1");
    child.stdout!.on("data", (chunk: string) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        const parsed = parseLabLine(line);
        if (parsed) onLine(parsed);
        else if (line.trim()) {
          // the console's last words, for when the guest goes wrong
          consoleTail.push(line.slice(0, 200));
          if (consoleTail.length > 12) consoleTail.shift();
        }
      }
      if (buffer.length > 1 << 20) buffer = ""; // a runaway line is not ours
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (s: string) => {
      if (stderr.length < 65536) stderr += s;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      process.removeListener("exit", onExit);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve({ code, stderr, timedOut, cancelled });
    });
    child.on("error", (e) => {
      stderr += e.message;
    });
  });
}

/** KVM if a short probe boot reaches the guest's /init quickly, else TCG; the answer is cached. */
async function chooseAccel(assets: LabAssets, wanted: LabOptions["accel"], say: (s: string) => void): Promise<{ accel: "tcg" | "kvm"; why: string }> {
  if (wanted === "tcg") return { accel: "tcg", why: "TCG was asked for" };
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    if (wanted === "kvm") throw new RunRefused("--accel kvm, but /dev/kvm is missing or not accessible (load kvm_intel or kvm_amd, or join the kvm group)");
    return { accel: "tcg", why: "no usable /dev/kvm" };
  }
  if (wanted === "kvm") return { accel: "kvm", why: "KVM was asked for" };
  const key = createHash("sha256").update(`${assets.kernel}|${assets.initramfs}|${assets.qemu}`).digest("hex").slice(0, 12);
  const cache = join(labCacheDir(), `kvm-probe-${key}.json`);
  if (existsSync(cache)) {
    const c = JSON.parse(readFileSync(cache, "utf8")) as { accel: "tcg" | "kvm"; why: string };
    return { accel: c.accel, why: `${c.why} (probed before)` };
  }
  say("probing KVM with a short boot");
  let hello = false;
  const t0 = performance.now();
  const r = await bootGuest(assets, outerArgs(assets, 2, 512 * MiB, assets.initramfs, "kvm"), (l) => {
    if (l.kind === "hello") hello = true;
  }, { timeoutMs: 20_000 });
  const ms = performance.now() - t0;
  const result =
    hello && r.code === 0
      ? { accel: "kvm" as const, why: `KVM booted the lab kernel in ${(ms / 1000).toFixed(1)} s` }
      : { accel: "tcg" as const, why: `KVM did not boot the lab kernel (${r.timedOut ? "no answer in 20 s" : (r.stderr.trim().split("\n").pop() ?? `exit ${r.code}`).slice(0, 120)}); this is usual under nested or software KVM` };
  writeFileSync(cache, JSON.stringify(result));
  return result;
}

/** The guest's view of its topology, from its TOPO lines. */
function guestTopology(lines: Array<Extract<LabLine, { kind: "topo" }>>, nodes: LabNodes): HostTopology {
  const sorted = [...lines].sort((a, b) => a.node - b.node);
  const t = labTopology(nodes);
  t.nodes = sorted.map((l) => ({ id: l.node, cpus: l.cpus, memTotal: l.memTotalKb * 1024, memFree: l.memFreeKb * 1024, hugepages: [] }));
  t.cpus = t.nodes.flatMap((n) => n.cpus.map((id) => ({ id, node: n.id, socket: n.id, core: id, siblings: [id], online: true })));
  t.distances = sorted.map((l) => (l.distances.length === sorted.length ? l.distances : sorted.map((o) => (o.node === l.node ? 10 : 20))));
  return t;
}

export async function runLab(opts: LabOptions): Promise<LabResult> {
  const say = (text: string) => opts.onEvent?.({ type: "status", text });
  if (opts.nodes !== 2 && opts.nodes !== 4) throw new RunRefused("the lab has 2 or 4 NUMA nodes");
  if (opts.jobs.length === 0) throw new RunRefused("nothing to run in the lab");
  const bytesPerNode = memPerNode(opts.jobs);
  const expected = labTopology(opts.nodes, bytesPerNode);
  // check every job against the lab's virtual host before booting anything
  for (const job of opts.jobs) {
    const diags = checkLayout(job.layout, { host: expected, qemu: { version: (await probeQemu(opts.qemu)).version } });
    if (hasErrors(diags)) throw new RunRefused(`the layout "${job.label}" has errors on ${expected.name}; fix them before running it in the lab`, diags);
  }
  const qemu = await probeQemu(opts.qemu);
  const assets = ensureLabAssets(opts.qemu, say);
  const { accel, why } = await chooseAccel(assets, opts.accel ?? "auto", say);
  say(`booting the lab (${opts.nodes} nodes, ${accel.toUpperCase()}: ${why})`);

  // the jobs' command lines first, checked like any run's: nothing else reaches the guest's QEMU
  const prepared = opts.jobs.map((job, i) => ({ job, run: prepareRunArgs(job.layout, { qmpSocket: `/tmp/qmp-${i}.sock`, nameThreads: qemu.features.debugThreadsNeeded }) }));
  const refused = prepared.flatMap(({ job, run }) => run.refused.map((r) => `${job.label}: ${r}`));
  if (refused.length > 0) throw new RunRefused(`this cannot be run in the lab: ${refused.join("; ")}`);

  sweepStaleLabDirs();
  const dir = createOwnedDir(LAB_DIR_PREFIX);
  // gone with us on any exit Node sees; a kill is swept by the next lab run
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeDir);
  const rate = Math.round(opts.rateHz ?? 100);
  const entries: CpioEntry[] = [{ name: "job", type: "dir", mode: 0o755 }];
  prepared.forEach(({ job, run }, i) => {
    const text = [job.label.replace(/\s+/g, "_"), String(rate), `/tmp/qmp-${i}.sock`, INNER_QEMU, ...run.args].join("\n") + "\n";
    entries.push({ name: `job/${String(i + 1).padStart(2, "0")}.job`, type: "file", mode: 0o644, data: Buffer.from(text) });
  });
  const initrd = join(dir, "initrd.cpio");
  writeFileSync(initrd, Buffer.concat([readFileSync(assets.initramfs), cpioArchive(entries)]));

  const topo: Array<Extract<LabLine, { kind: "topo" }>> = [];
  let topology = expected;
  let bootMs = 0;
  const records: RunRecord[] = [];
  interface Current {
    index: number;
    samples: Sample[];
    allowed: Map<number, number[]>;
    preallocMs?: number;
    free: Record<string, number>;
    freeAtPrealloc: Record<string, number>;
    startedAt: string;
  }
  let current: Current | undefined;
  let freeBefore: Record<string, number> = {};
  let pending: Sample[] = [];
  const t0 = performance.now();
  const errors: string[] = [];
  const flush = () => {
    if (current && pending.length) opts.onEvent?.({ type: "samples", label: prepared[current.index]!.job.label, samples: pending });
    pending = [];
  };
  const nodeOf = (cpu: number) => topology.cpus.find((c) => c.id === cpu)?.node ?? -1;
  const finish = (exitMs: number, code: number) => {
    if (!current) return;
    flush();
    const { job, run } = prepared[current.index]!;
    const { threads, backends } = summarizeRun({ layout: job.layout, backendOrder: run.backendOrder, samples: current.samples, hostOnlineCpus: topology.cpus.length });
    for (const t of threads) {
      const a = current.allowed.get(t.tid);
      if (a) t.allowedCpus = a;
    }
    const record: RunRecord = {
      version: RUN_RECORD_VERSION,
      id: `${current.startedAt.replace(/[:.]/g, "-")}-lab-${randomBytes(3).toString("hex")}`,
      kind: "lab",
      label: job.label,
      startedAt: current.startedAt,
      layout: job.layout,
      argv: [INNER_QEMU, ...run.args],
      dropped: run.dropped,
      qemu: { binary: INNER_QEMU, version: qemu.version },
      host: { name: topology.name, fingerprint: createHash("sha256").update(JSON.stringify(topology.nodes.map((n) => n.cpus))).digest("hex").slice(0, 16), nodes: topology.nodes.length, cpus: topology.cpus.length },
      topology: recordTopology(topology),
      outcome: current.preallocMs !== undefined && code === 0 ? "ok" : "failed",
      timings: { totalMs: exitMs },
      memory: { preallocBytes: run.preallocBytes },
      sampler: { rateHz: rate, ticks: new Set(current.samples.map((s) => s.t)).size, missedTicks: 0, cpuPercent: 0 },
      threads,
      backends,
      samples: packSamples(current.samples),
      lab: { nodes: opts.nodes, accel, accelWhy: why, kernel: assets.kernelSource, bootMs, freeBeforeKb: current.free, freeAtPreallocKb: current.freeAtPrealloc },
    };
    if (current.preallocMs !== undefined) record.timings.preallocMs = current.preallocMs;
    if (code !== 0) record.error = `the QEMU inside the lab exited with code ${code}`;
    records.push(record);
    opts.onEvent?.({ type: "job-done", record });
    current = undefined;
  };

  const onLine = (l: LabLine) => {
    switch (l.kind) {
      case "hello":
        bootMs = performance.now() - t0;
        return;
      case "topo":
        topo.push(l);
        topology = guestTopology(topo, opts.nodes);
        if (topo.length === opts.nodes) opts.onEvent?.({ type: "booted", ms: bootMs, topology });
        return;
      case "free":
        freeBefore[String(l.node)] = l.kb;
        return;
      case "begin":
        current = { index: records.length, samples: [], allowed: new Map(), free: freeBefore, freeAtPrealloc: {}, startedAt: new Date().toISOString() };
        freeBefore = {};
        opts.onEvent?.({ type: "begin", label: prepared[current.index]?.job.label ?? l.label });
        return;
      case "allowed":
        current?.allowed.set(l.tid, l.cpus);
        return;
      case "sample": {
        if (!current) return;
        const s: Sample = { t: l.t, tid: l.tid, name: l.name, cpu: l.cpu, node: nodeOf(l.cpu), state: l.state, ranUs: l.ranUs };
        current.samples.push(s);
        pending.push(s);
        if (pending.length >= 32) flush();
        return;
      }
      case "greeting":
        if (current) {
          current.preallocMs = l.t;
          flush();
          opts.onEvent?.({ type: "prealloc-done", label: prepared[current.index]!.job.label, ms: l.t });
        }
        return;
      case "mem":
        if (current) current.freeAtPrealloc[String(l.node)] = l.kb;
        return;
      case "exit":
        finish(l.t, l.code);
        return;
      case "error":
        errors.push(l.text);
        return;
      case "alldone":
        // the VM is still there: how much of this host it took at most
        try {
          const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${outerPid}/status`, "utf8"))?.[1];
          if (kb) peakRssBytes = Number(kb) * 1024;
        } catch {
          /* gone already */
        }
        return;
    }
  };
  let outerPid: number | undefined;
  let peakRssBytes: number | undefined;

  try {
    const r = await bootGuest(assets, outerArgs(assets, opts.nodes, bytesPerNode, initrd, accel), onLine, { ...(opts.signal ? { signal: opts.signal } : {}), timeoutMs: opts.timeoutMs ?? 10 * 60_000 }, (pid) => (outerPid = pid));
    if (r.cancelled) throw new RunRefused("the lab run was cancelled");
    if (r.timedOut) {
      const tail = consoleTail.length ? `; the guest's console ended with: ${consoleTail.slice(-4).join(" / ")}` : "";
      throw new RunRefused(`the lab did not finish within ${Math.round((opts.timeoutMs ?? 600_000) / 1000)} s (it got to: ${bootMs ? `booted, ${records.length} of ${opts.jobs.length} jobs done` : "not booted"})${tail}`);
    }
    if (records.length < opts.jobs.length) {
      const why = errors.length ? errors.join("; ") : bootMs === 0 ? `the lab guest did not boot (${r.stderr.trim().split("\n").pop() ?? `exit ${r.code}`})` : "the lab guest stopped before every job ran";
      throw new RunRefused(why);
    }
    return { records, topology, accel, accelWhy: why, bootMs, totalMs: performance.now() - t0, kernel: assets.kernelSource, ...(peakRssBytes ? { peakRssBytes } : {}) };
  } finally {
    process.removeListener("exit", removeDir);
    removeDir();
  }
}

const LAB_DIR_PREFIX = "numadesk-lab-";

/** Remove lab folders (each holds a ~50 MB initrd) whose process died without cleaning up. */
export function sweepStaleLabDirs(base = tmpdir()): string[] {
  return sweepStaleDirs(LAB_DIR_PREFIX, base);
}

/** The seed's pair, scaled to the lab: one backend bound to the last node, without and with a thread-context there. */
export function demoJobs(nodes: LabNodes, size = "256M"): LabJob[] {
  const target = nodes - 1;
  const base = (withContext: boolean): Layout => ({
    version: 1,
    title: withContext ? `node ${target}, with thread-context` : `node ${target}, without thread-context`,
    name: { debugThreads: true },
    memory: { size },
    smp: { cpus: 2 },
    nodes: [{ nodeid: 0, cpus: "0-1", memdev: "ram0" }],
    distances: [],
    threadContexts: withContext ? [{ id: `tc${target}`, nodeAffinity: String(target) }] : [],
    // memfd gets 4 KiB pages in the guest: the threads live long enough to be watched
    backends: [{ id: "ram0", type: "memfd", size, hostNodes: String(target), policy: "bind", prealloc: true, preallocThreads: 2, ...(withContext ? { preallocContext: `tc${target}` } : {}) }],
    args: [],
  });
  return [
    { label: `without thread-context (node ${target})`, layout: base(false) },
    { label: `with thread-context (node ${target})`, layout: base(true) },
  ];
}
