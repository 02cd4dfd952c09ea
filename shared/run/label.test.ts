import { describe, expect, it } from "vitest";
import { describeRun, labelProblem, preallocSizes, runTitle } from "./label";
import { emptyLayout, type Layout } from "../layout/schema";
import type { RunRecord } from "./types";

function layout(sizes: string[], context: boolean[]): Layout {
  const l = emptyLayout("1G");
  l.backends = sizes.map((size, i) => ({ id: `ram${i}`, type: "ram" as const, size, prealloc: true, ...(context[i] ? { preallocContext: `tc${i}` } : {}) }));
  l.threadContexts = context.flatMap((c, i) => (c ? [{ id: `tc${i}`, nodeAffinity: String(i) }] : []));
  return l;
}

type Describable = Parameters<typeof describeRun>[0];
const run = (over: Partial<RunRecord>): Describable => ({
  layout: layout(["256M", "256M"], [true, true]),
  kind: "lab",
  host: { name: "lab: 2 nodes", fingerprint: "f", nodes: 2, cpus: 4 },
  outcome: "ok",
  timings: { preallocMs: 940, totalMs: 1200 },
  lab: { nodes: 2, accel: "tcg", accelWhy: "", kernel: "", bootMs: 1, freeBeforeKb: {}, freeAtPreallocKb: {} },
  ...over,
});

describe("run labels", () => {
  it("describes a run by what it ran, where and how long: the issue's example", () => {
    expect(describeRun(run({}))).toBe("with thread-context, 2 × 256 MiB, lab 2 nodes, 0.94 s");
  });

  it("tells without, partly, sizes of different backends, hosts, and outcomes without a time", () => {
    expect(
      describeRun(
        run({
          layout: layout(["1G", "256M", "1G"], [false, false, false]),
          kind: "host",
          host: { name: "this host (node-a)", fingerprint: "f", nodes: 1, cpus: 2 },
          timings: { preallocMs: 12_345, totalMs: 13_000 },
        }),
      ),
    ).toBe("without thread-context, 256 MiB + 2 × 1 GiB, this host (node-a), 12.3 s");
    expect(describeRun(run({ layout: layout(["256M", "256M"], [true, false]), outcome: "cancelled" }))).toBe("partly with thread-context, 2 × 256 MiB, lab 2 nodes, cancelled");
    expect(describeRun(run({ outcome: "timeout" }))).toMatch(/timed out$/);
    expect(describeRun(run({ outcome: "failed" }))).toMatch(/failed$/);
    expect(preallocSizes(emptyLayout("1G"))).toBe("nothing preallocated");
  });

  it("a user's label wins, on one line; a long host name is cut", () => {
    expect(runTitle(run({ label: "  before\tthe fix " }))).toBe("before the fix");
    expect(runTitle(run({ label: "" }))).toMatch(/^with thread-context/);
    const long = describeRun(run({ kind: "host", host: { name: "x".repeat(300), fingerprint: "f", nodes: 1, cpus: 1 } }));
    expect(long.length).toBeLessThan(120);
    expect(long).toContain("…");
  });

  it("refuses labels that are not one short line", () => {
    expect(labelProblem("fine label")).toBeUndefined();
    expect(labelProblem("two\nlines")).toMatch(/one line/);
    expect(labelProblem("\u202Eevil")).toMatch(/bidirectional/);
    expect(labelProblem("y".repeat(201))).toMatch(/at most 200/);
  });
});
