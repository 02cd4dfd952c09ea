// QEMU's preallocation rules as data: what they say for each version, kernel and layout.
// (electron/qemu/versions.test.ts checks the same rules against the real 7.2 and 10 binaries.)

import { describe, expect, it } from "vitest";
import { parseCommandLine } from "./parse";
import { describePrealloc, preallocPhases, preallocPlan, runsBackendsInParallel } from "./prealloc-rules";

const layout = parseCommandLine(`qemu-system-x86_64 -m 3G -smp 4
  -numa node,nodeid=0,cpus=0-1,memdev=a -numa node,nodeid=1,cpus=2-3,memdev=b -numa node,nodeid=2,memdev=c
  -object thread-context,id=tc0,node-affinity=0 -object thread-context,id=tc1,node-affinity=1
  -object memory-backend-ram,id=a,size=1G,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=32,prealloc-context=tc0
  -object memory-backend-ram,id=b,size=1G,host-nodes=1,policy=bind,prealloc=on,prealloc-threads=1,prealloc-context=tc1
  -object memory-backend-ram,id=c,size=1G,host-nodes=1,policy=bind,prealloc=on,prealloc-threads=4`).layout;

describe("QEMU's preallocation rules", () => {
  it("parallel from 9.0 on a kernel with MADV_POPULATE_WRITE (5.14), sequential before either", () => {
    expect(runsBackendsInParallel("8.2.0").parallel).toBe(false);
    expect(runsBackendsInParallel("9.0.0").parallel).toBe(true);
    expect(runsBackendsInParallel("10.0.2", { release: "5.10.0-30-amd64" })).toMatchObject({ parallel: false, why: expect.stringContaining("MADV_POPULATE_WRITE") });
    expect(runsBackendsInParallel("10.0.2", { release: "6.1.0-37-amd64" }).parallel).toBe(true);
    expect(runsBackendsInParallel(undefined).why).toMatch(/version is unknown/);
  });

  it("caps workers at 16 and the host's CPUs, and gives a one-worker backend a thread only when it runs async", () => {
    const v10 = preallocPlan(layout, "10.0.2", 64);
    expect(v10.map((p) => [p.id, p.workers, p.threadsSeen, p.parallel])).toEqual([
      ["a", 16, 16, true],
      ["b", 1, 1, true],
      ["c", 4, 4, false],
    ]);
    expect(v10[0]!.limits).toContain("QEMU's cap of 16");
    const v72 = preallocPlan(layout, "7.2.0", 8);
    expect(v72.map((p) => [p.id, p.workers, p.threadsSeen, p.parallel])).toEqual([
      ["a", 8, 8, false],
      ["b", 1, 0, false],
      ["c", 4, 4, false],
    ]);
  });

  it("orders the phases as QEMU does: backends without a context one by one, then the parallel ones together", () => {
    expect(preallocPhases(preallocPlan(layout, "10.0.2", 64)).map((ph) => ph.map((p) => p.id))).toEqual([["c"], ["a", "b"]]);
    expect(preallocPhases(preallocPlan(layout, "7.2.0", 64)).map((ph) => ph.map((p) => p.id))).toEqual([["a"], ["b"], ["c"]]);
  });

  it("says per backend what QEMU does with it", () => {
    const lines = describePrealloc(preallocPlan(layout, "10.0.2", 64), layout);
    expect(lines.get("a")).toBe("16 workers on node 0, parallel with b (capped by QEMU's cap of 16)");
    expect(lines.get("c")).toBe("4 workers on node 1, one backend after another");
    expect(describePrealloc(preallocPlan(layout, "7.2.0", 64), layout).get("b")).toBe("QEMU's main thread on node 1, one backend after another");
  });
});
