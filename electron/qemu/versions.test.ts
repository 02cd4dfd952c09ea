// QEMU's preallocation rules (shared/qemu/prealloc-rules.ts) checked against two real QEMUs:
// Debian's 7.2 and bookworm-backports' 10.0, fetched into the cache as the lab fetches its
// kernel. What differs between them is shown for real: how many touch_pages threads appear,
// and whether two backends' workers run at the same time or one batch after the other.

import { describe, expect, it } from "vitest";
import { readSysfs } from "../probe/sysfs";
import { parseCommandLine } from "../../shared/qemu/parse";
import { preallocPlan } from "../../shared/qemu/prealloc-rules";
import { runPrealloc } from "./launch";
import { findQemu, probeQemu } from "./discover";
import { ensureBackportsQemu } from "./backports";
import type { RunRecord } from "../../shared/run/types";

const host = readSysfs();
const cpus = host.cpus.filter((c) => c.online).length;

const qemu10 = await ensureBackportsQemu().catch((e: Error) => {
  console.warn(`QEMU 10 tests skipped: QEMU 10 could not be fetched from bookworm-backports: ${e.message}`);
  return undefined;
});
const binaries: Array<{ name: string; path: string | undefined }> = [
  { name: "Debian's QEMU 7.2", path: findQemu("/usr/bin/qemu-system-x86_64") },
  { name: "bookworm-backports' QEMU 10", path: qemu10?.binary },
];

function layoutOf(line: string) {
  const r = parseCommandLine(line);
  if (r.diagnostics.some((d) => d.severity === "error")) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.layout;
}

// Backends at QEMU's edges: 64 MiB (one worker whatever is asked), 128 MiB with 2, one worker
// asked with a context, 128 MiB with 2 and no context.
const EDGES = layoutOf(`qemu-system-x86_64 -machine q35 -m 384M -smp 2
  -numa node,nodeid=0,cpus=0,memdev=a -numa node,nodeid=1,cpus=1,memdev=b -numa node,nodeid=2,memdev=c -numa node,nodeid=3,memdev=d
  -object thread-context,id=tc0,node-affinity=0
  -object memory-backend-ram,id=a,size=64M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc0
  -object memory-backend-ram,id=b,size=128M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc0
  -object memory-backend-ram,id=c,size=64M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=1,prealloc-context=tc0
  -object memory-backend-ram,id=d,size=128M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2`);

/** Two 256 MiB backends with 2 workers each, with or without a context. */
function twoBackends(context: boolean) {
  const ctx = context ? ",prealloc-context=tc0" : "";
  return layoutOf(`qemu-system-x86_64 -machine q35 -m 512M -smp 2
    -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1
    -object thread-context,id=tc0,node-affinity=0
    -object memory-backend-ram,id=m0,size=256M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2${ctx}
    -object memory-backend-ram,id=m1,size=256M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2${ctx}`);
}

/** Does the second backend's batch appear before the first batch is done? */
function overlaps(r: RunRecord): { overlap: boolean; detail: string } {
  const [a, b] = r.backends;
  if (!a || !b || a.firstMs === undefined || a.lastMs === undefined || b.firstMs === undefined) throw new Error(`workers not seen: ${JSON.stringify(r.backends)}`);
  return { overlap: b.firstMs < a.lastMs, detail: `${a.id} ${a.firstMs.toFixed(0)}–${a.lastMs.toFixed(0)} ms, ${b.id} from ${b.firstMs.toFixed(0)} ms` };
}

/**
 * One run in exact mode. QEMU is spawned behind a gate and let go once the tracer is attached
 * (launch.ts), so every touch_pages thread, however short-lived, is seen: the count must be the
 * rules' exactly, with no retry.
 */
async function completeRun(layout: ReturnType<typeof layoutOf>, path: string, version: string): Promise<RunRecord> {
  const want = preallocPlan(layout, version, cpus).reduce((a, p) => a + p.threadsSeen, 0);
  const r = await runPrealloc(layout, { host, qemu: path, exact: true, rateHz: 500 });
  expect(r.outcome, r.error).toBe("ok");
  expect(r.sampler.mode).toBe("tracepoint");
  expect(r.threads.filter((t) => t.name === "touch_pages").length, `touch_pages threads of QEMU ${version}`).toBe(want);
  return r;
}

describe.each(binaries)("$name", ({ path }) => {
  it.skipIf(path === undefined)(
    "starts as many touch_pages threads as the rules say, backend by backend",
    async () => {
      const info = await probeQemu(path);
      const r = await completeRun(EDGES, path!, info.version);
      const plan = preallocPlan(EDGES, info.version, cpus);
      const seen = r.threads.filter((t) => t.name === "touch_pages").length;
      expect(seen).toBe(plan.reduce((a, p) => a + p.threadsSeen, 0));
      // the 64 MiB backend gets one worker (one per 64 MiB), the 128 MiB ones min(2, CPUs)
      expect(plan.map((p) => p.workers)).toEqual([1, Math.min(2, cpus), 1, Math.min(2, cpus)]);
      // and the version-dependent part: a one-worker backend with a context has its own thread
      // from 9.0 (async preallocation), none before (QEMU's main thread calls madvise)
      const oneWorkerWithContext = plan.filter((p) => p.id === "a" || p.id === "c").reduce((a, p) => a + p.threadsSeen, 0);
      expect(oneWorkerWithContext).toBe(info.features.parallelPrealloc ? 2 : 0);
    },
    120_000,
  );

  it.skipIf(path === undefined)(
    "with contexts, runs two backends' workers in parallel from 9.0 and one batch after the other before",
    async () => {
      const info = await probeQemu(path);
      const r = await completeRun(twoBackends(true), path!, info.version);
      const o = overlaps(r);
      console.log(`${info.version} with contexts: ${o.detail}`);
      expect(o.overlap, o.detail).toBe(info.features.parallelPrealloc);
      expect(preallocPlan(twoBackends(true), info.version, cpus).every((p) => p.parallel === info.features.parallelPrealloc)).toBe(true);
    },
    120_000,
  );

  it.skipIf(path === undefined)(
    "without a context, runs the backends one after the other on every version",
    async () => {
      const info = await probeQemu(path);
      const r = await completeRun(twoBackends(false), path!, info.version);
      const o = overlaps(r);
      console.log(`${info.version} without contexts: ${o.detail}`);
      expect(o.overlap, o.detail).toBe(false);
      expect(preallocPlan(twoBackends(false), info.version, cpus).some((p) => p.parallel)).toBe(false);
    },
    120_000,
  );
});

describe("the two binaries", () => {
  it.skipIf(qemu10 === undefined)("are probed apart: 7.2 sequential, 10 parallel, 10 with its own firmware folder", async () => {
    const a = await probeQemu("/usr/bin/qemu-system-x86_64");
    const b = await probeQemu(qemu10!.binary);
    expect(a.version).toMatch(/^7\.2\./);
    expect(b.version).toMatch(/^10\./);
    expect([a.features.parallelPrealloc, b.features.parallelPrealloc]).toEqual([false, true]);
    expect(a.dataDir).toBeUndefined();
    expect(b.dataDir).toBe(qemu10!.dataDir);
    expect(b.sha256).not.toBe(a.sha256);
    expect(b.accelerators).toContain("tcg");
  });
});
