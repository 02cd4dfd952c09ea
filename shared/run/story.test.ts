import { describe, expect, it } from "vitest";
import { presenterStories, runCaption } from "./story";
import { packSamples, summarizeRun } from "./summarize";
import { labTopology } from "../lab/topology";
import { recordTopology } from "./world";
import { RUN_RECORD_VERSION, type RunRecord, type Sample } from "./types";
import type { Layout } from "../layout/schema";

// A 2-node lab run as the lab writes it: ram0 bound to `memNode`, two touch_pages workers;
// without a context they start on node 0 and spend `awayShare` of their samples there.
function labRun(id: string, opts: { context: boolean; memNode: number; awayShare: number; preallocMs: number }): RunRecord {
  const layout: Layout = {
    version: 2,
    memory: { size: "256M" },
    smp: { cpus: 2 },
    nodes: [{ nodeid: 0, cpus: "0-1", memdev: "ram0" }],
    distances: [],
    threadContexts: opts.context ? [{ id: "tc1", nodeAffinity: String(opts.memNode) }] : [],
    backends: [{ id: "ram0", type: "memfd", size: "256M", hostNodes: String(opts.memNode), policy: "bind", prealloc: true, preallocThreads: 2, ...(opts.context ? { preallocContext: "tc1" } : {}) }],
    args: [],
  };
  const topology = labTopology(2);
  const home = opts.memNode === 1 ? [2, 3] : [0, 1];
  const away = opts.memNode === 1 ? [0, 1] : [2, 3];
  const samples: Sample[] = [];
  const n = 40;
  for (let k = 0; k < n; k++) {
    [101, 102].forEach((tid, j) => {
      const cpu = k < n * opts.awayShare ? away[j]! : home[j]!;
      samples.push({ t: 10 + k * 5, tid, name: "touch_pages", cpu, node: cpu < 2 ? 0 : 1, state: "R", ranUs: 4000 });
    });
  }
  const { threads, backends } = summarizeRun({ layout, backendOrder: ["ram0"], samples, hostOnlineCpus: 4 });
  for (const t of threads) t.allowedCpus = opts.context ? home : [0, 1, 2, 3];
  return {
    version: RUN_RECORD_VERSION,
    id,
    kind: "lab",
    startedAt: "2026-11-25T20:00:00.000Z",
    layout,
    argv: ["/usr/bin/qemu-system-x86_64"],
    dropped: [],
    qemu: { binary: "/usr/bin/qemu-system-x86_64", version: "7.2.22" },
    host: { name: topology.name, fingerprint: "f00d", nodes: 2, cpus: 4 },
    topology: recordTopology(topology),
    outcome: "ok",
    timings: { preallocMs: opts.preallocMs, totalMs: opts.preallocMs + 50 },
    memory: { preallocBytes: 256 * 2 ** 20 },
    sampler: { rateHz: 200, ticks: 40, missedTicks: 0, cpuPercent: 0 },
    threads,
    backends,
    samples: packSamples(samples),
  };
}

describe("presenter stories", () => {
  const without = labRun("a", { context: false, memNode: 1, awayShare: 0.5, preallocMs: 9680 });
  const withCtx = labRun("b", { context: true, memNode: 1, awayShare: 0, preallocMs: 6460 });

  it("say of the demo's pair where the workers ran, which CPUs they were allowed, and how the times compare", () => {
    const stories = presenterStories([without, withCtx]);
    expect(stories.map((s) => s.runs)).toEqual([[0], [1], [0, 1]]);
    expect(stories[0]!.caption).toBe(
      "1. Without a thread-context both workers of ram0 spent 50 % of their samples on node 0 (they started there), touching node 1's memory from afar; they were allowed on CPUs 0-3 (nodes 0, 1), so the scheduler could put them anywhere there. Preallocating 256 MiB took 9.68 s.",
    );
    expect(stories[1]!.caption).toBe(
      "2. With a thread-context on node 1 both workers of ram0 ran on node 1, next to their memory (100 % of their samples); they were allowed only on node 1's CPUs (2-3). Preallocating 256 MiB took 6.46 s.",
    );
    expect(stories[2]!.caption).toMatch(
      /^3\. Side by side, on one time scale: "with thread-context, 256 MiB, lab 2 nodes, 6\.46 s" preallocated in 6\.46 s against 9\.68 s: 1\.50× faster; the workers' samples next to their memory went from 50 % to 100 %\.$/,
    );
    expect(stories[0]!.evidence.join(" ")).toMatch(/50 % of its 2 touch_pages threads' 80 samples were on node 1/);
    expect(stories[2]!.evidence).toHaveLength(1);
  });

  it("follow the records, not the demo: memory on node 0 and a context there read differently", () => {
    const other = labRun("c", { context: true, memNode: 0, awayShare: 0.25, preallocMs: 500 });
    expect(runCaption(other)).toMatch(
      /^With a thread-context on node 0 both workers of ram0 spent 25 % of their samples on node 1 \(they started there\), touching node 0's memory from afar; they were allowed only on node 0's CPUs \(0-1\)\./,
    );
    // one run: no side-by-side story
    expect(presenterStories([other])).toHaveLength(1);
  });

  it("say when a run never got its workers going", () => {
    const failed = { ...labRun("d", { context: false, memNode: 1, awayShare: 0, preallocMs: 1 }), outcome: "failed" as const, error: "QEMU refused the layout", timings: { totalMs: 30 } };
    expect(runCaption(failed)).toMatch(/the run failed before preallocation finished \(QEMU refused the layout\)\.$/);
  });
});
