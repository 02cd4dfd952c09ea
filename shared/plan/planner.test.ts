import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planLayout } from "./planner";
import { generateArgs } from "../qemu/generate";
import { parseCommandLine } from "../qemu/parse";
import { checkLayout } from "../validate/check";
import { topologySchema, type HostTopology } from "../topology/schema";
import { GiB, parseSize } from "../size/size";
import { labTopology } from "../lab/topology";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));
const seedHost = host("bm-standard2-52");
const cxl = host("cxl-4node");
const thisVm = { ...seedHost, name: "1-node", nodes: [{ ...seedHost.nodes[0]!, cpus: [0, 1], memFree: 20 * 2 ** 30 }], cpus: seedHost.cpus.filter((c) => c.id < 2), distances: [[10]] };

function ok(r: ReturnType<typeof planLayout>) {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r;
}

/** Sizes in bytes, so 128G and 128g compare equal. */
function normalized(args: string[]): string[] {
  return args.map((a) => a.replace(/size=(\d+[kKmMgGtT]?)/g, (_, s: string) => `size=${(parseSize(s) as { bytes: number }).bytes}`));
}

describe("the planner", () => {
  it("on the seed host with 256G, 104 vCPUs and 16 threads produces the seed's fast line plus -smp 104", () => {
    const { layout } = ok(planLayout(seedHost, { mem: "256G", vcpus: 104, threads: 16 }));
    const seed = parseCommandLine(readFileSync(join(root, "shared/qemu/fixtures/seed-fast.sh"), "utf8")).layout;
    delete seed.console;
    seed.smp = { cpus: 104 };
    expect(normalized(generateArgs(layout))).toEqual(normalized(generateArgs(seed)));
  });

  it("its seed plan checks clean on the seed host", () => {
    const { layout } = ok(planLayout(seedHost, { mem: "256G", vcpus: 104, threads: 16 }));
    expect(checkLayout(layout, { host: seedHost })).toEqual([]);
  });

  it("gives each node contiguous vCPUs when the guest is smaller than the host", () => {
    const { layout } = ok(planLayout(seedHost, { mem: "8G", vcpus: 8, threads: 4 }));
    expect(layout.nodes.map((n) => n.cpus)).toEqual(["0-3", "4-7"]);
    expect(layout.backends.map((b) => [b.size, b.hostNodes, b.preallocThreads, b.preallocContext])).toEqual([
      ["4G", "0", 2, "tc0"],
      ["4G", "1", 2, "tc1"],
    ]);
  });

  it("splits memory unevenly only by whole 2 MiB pages", () => {
    const { layout } = ok(planLayout(seedHost, { mem: "6M", vcpus: 2, threads: 0 }));
    expect(layout.backends.map((b) => b.size)).toEqual(["4M", "2M"]);
    expect(layout.backends.every((b) => b.prealloc === undefined)).toBe(true);
  });

  it("caps threads by QEMU's 16, the node's CPUs and one per 64 MiB, and says so", () => {
    const r = ok(planLayout(seedHost, { mem: "256M", vcpus: 2, threads: 64 }));
    expect(r.layout.backends.map((b) => b.preallocThreads)).toEqual([2, 2]);
    expect(r.notes.join(" ")).toMatch(/32 threads asked, 2 used/);
  });

  it("on a 1-node host still gives one bound node with a context", () => {
    const { layout } = ok(planLayout(thisVm, { mem: "1G", vcpus: 2, threads: 2 }));
    expect(layout.nodes).toEqual([{ nodeid: 0, cpus: "0-1", memdev: "ram-node0" }]);
    expect(layout.threadContexts).toEqual([{ id: "tc0", nodeAffinity: "0" }]);
    expect(checkLayout(layout, { host: thisVm }).filter((d) => d.severity !== "hint")).toEqual([]);
  });

  it("with one thread per node sets no context, since QEMU would not use it", () => {
    const r = ok(planLayout(thisVm, { mem: "1G", vcpus: 2, threads: 1 }));
    expect(r.layout.threadContexts).toEqual([]);
    expect(r.layout.backends[0]!.preallocThreads).toBe(1);
  });

  it("preallocates a memory-only node from the nearest node with CPUs", () => {
    const r = ok(planLayout(cxl, { mem: "8G", vcpus: 4, threads: 4, nodes: [2, 3] }));
    expect(r.layout.backends.map((b) => [b.hostNodes, b.preallocContext])).toEqual([
      ["2", "tc2"],
      ["3", "tc2"],
    ]);
    expect(r.layout.nodes[1]!.cpus).toBeUndefined();
    expect(r.notes.join(" ")).toMatch(/node 3 has no CPUs/);
  });

  it("plans huge-page backends as memfd with hugetlb", () => {
    const { layout } = ok(planLayout(cxl, { mem: "2G", vcpus: 2, threads: 2, nodes: [1], hugepages: "1G" }));
    expect(layout.backends[0]).toMatchObject({ type: "memfd", hugetlb: true, hugetlbsize: "1G", size: "2G" });
    expect(checkLayout(layout, { host: cxl }).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("refuses impossible requests with diagnostics", () => {
    const bad = [
      planLayout(seedHost, { mem: "4X", vcpus: 2, threads: 2 }),
      planLayout(seedHost, { mem: "4G", vcpus: 0, threads: 2 }),
      planLayout(seedHost, { mem: "4G", vcpus: 2, threads: 2, nodes: [7] }),
      planLayout(seedHost, { mem: "3M", vcpus: 2, threads: 2 }),
    ];
    for (const r of bad) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.diagnostics[0]!.code).toBe("PLAN001");
    }
  });
});

describe("the planner never hands out a plan that fails its own errors", () => {
  // the seed host with node 1 nearly full: 4 GiB free there, and 10 free 1 GiB huge pages on node 0 only
  const tight: HostTopology = {
    ...seedHost,
    nodes: [
      { ...seedHost.nodes[0]!, hugepages: [{ pageSize: GiB, total: 10, free: 10 }] },
      { ...seedHost.nodes[1]!, memFree: 4 * GiB, hugepages: [{ pageSize: GiB, total: 2, free: 2 }] },
    ],
  };

  it("spreads preallocated memory a node cannot hold onto the other node, and says so", () => {
    const r = ok(planLayout(tight, { mem: "64G", vcpus: 4, threads: 4 }));
    expect(r.layout.backends.map((b) => [b.hostNodes, b.size])).toEqual([
      ["0", "60G"],
      ["1", "4G"],
    ]);
    expect(r.notes.join(" ")).toMatch(/host node 1 has 4 GiB free: ram-node1 gets 4 GiB, the other nodes take the rest/);
    expect(checkLayout(r.layout, { host: tight }).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("fails with the reason when the chosen nodes cannot hold the memory", () => {
    const r = planLayout(tight, { mem: "64G", vcpus: 4, threads: 4, nodes: [1] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostics[0]!.code).toBe("PLAN002");
      expect(r.diagnostics[0]!.message).toMatch(/64 GiB does not fit: .*node 1: 4 GiB/);
    }
  });

  it("spreads huge pages by each node's free pages", () => {
    const r = ok(planLayout(tight, { mem: "12G", vcpus: 4, threads: 4, hugepages: "1G" }));
    expect(r.layout.backends.map((b) => [b.hostNodes, b.size])).toEqual([
      ["0", "10G"],
      ["1", "2G"],
    ]);
    expect(checkLayout(r.layout, { host: tight }).filter((d) => d.severity === "error")).toEqual([]);
    expect(planLayout(tight, { mem: "14G", vcpus: 4, threads: 4, hugepages: "1G" }).ok).toBe(false);
  });

  it("without preallocation, memory beyond the free memory is not moved (nothing is touched at start)", () => {
    const r = ok(planLayout(tight, { mem: "64G", vcpus: 4, threads: 0 }));
    expect(r.layout.backends.map((b) => b.size)).toEqual(["32G", "32G"]);
  });

  it("with fewer threads than nodes every backend still preallocates with 1 thread, and the plan says what that costs", () => {
    const r = ok(planLayout(seedHost, { mem: "8G", vcpus: 4, threads: 1 }));
    expect(r.layout.backends.map((b) => [b.prealloc, b.preallocThreads, b.preallocContext])).toEqual([
      [true, 1, undefined],
      [true, 1, undefined],
    ]);
    expect(r.notes.join(" ")).toMatch(/1 thread for 2 nodes: every backend is preallocated by 1 thread, QEMU's main thread/);
  });

  it("on the lab's 4-node target (1 CPU per node) gives a context per node, like any multi-node host", () => {
    const lab = labTopology(4);
    const r = ok(planLayout(lab, { mem: "512M", vcpus: 4, threads: 8 }));
    expect(r.layout.threadContexts.map((t) => t.nodeAffinity)).toEqual(["0", "1", "2", "3"]);
    expect(r.layout.backends.map((b) => [b.preallocThreads, b.preallocContext])).toEqual([
      [2, "tc0"],
      [2, "tc1"],
      [2, "tc2"],
      [2, "tc3"],
    ]);
    expect(r.notes.join(" ")).toMatch(/2 threads share host node 0's 1 CPU/);
    expect(checkLayout(r.layout, { host: lab }).filter((d) => d.severity === "error")).toEqual([]);
  });
});

describe("the planner writes sizes people can read", () => {
  const sizes = (r: ReturnType<typeof planLayout>) => ok(r).layout.backends.map((b) => b.size);

  it("whole GiB when the memory divides into them: 64G over the CXL sample's 3 CPU nodes is 22G + 21G + 21G", () => {
    expect(sizes(planLayout(cxl, { mem: "64G", vcpus: 8, threads: 8 }))).toEqual(["22G", "21G", "21G"]);
  });

  it("a node capped by its free memory gets whole GiB of it (28.6 GiB free: 28G), the others the rest", () => {
    const r = ok(planLayout(cxl, { mem: "100G", vcpus: 8, threads: 8 }));
    expect(r.layout.backends.map((b) => b.size)).toEqual(["28G", "29G", "43G"]);
    expect(r.notes.join(" ")).toMatch(/host node 0 has 28\.6 GiB free: ram-node0 gets 28 GiB/);
    expect(checkLayout(r.layout, { host: cxl }).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("the largest power-of-two MiB step otherwise, the 2 MiB page at the finest", () => {
    expect(sizes(planLayout(cxl, { mem: "1536M", vcpus: 3, threads: 0 }))).toEqual(["512M", "512M", "512M"]);
    expect(sizes(planLayout(cxl, { mem: "1G", vcpus: 3, threads: 0 }))).toEqual(["352M", "352M", "320M"]);
    expect(sizes(planLayout(cxl, { mem: "16G", vcpus: 3, threads: 0 }))).toEqual(["5632M", "5632M", "5G"]);
    expect(sizes(planLayout(seedHost, { mem: "6M", vcpus: 2, threads: 0 }))).toEqual(["4M", "2M"]);
  });

  it("on every sample, every size the planner writes is whole GiB, or MiB in steps of 32 or more", () => {
    for (const name of ["bm-standard2-52", "cxl-4node", "epyc-7451-8node", "hp-dl585-4socket"]) {
      for (const mem of ["16G", "64G", "100G"]) {
        const r = planLayout(host(name), { mem, vcpus: 8, threads: 16 });
        if (!r.ok) continue;
        for (const b of r.layout.backends) {
          const m = /^(\d+)M$/.exec(b.size);
          expect(m ? Number(m[1]) % 32 : b.size, `${name} ${mem}: ${b.size}`).toSatisfy((x: unknown) => x === 0 || /^\d+G$/.test(String(x)));
        }
      }
    }
  });
});

describe("planner notes on the 8-node EPYC sample", () => {
  const epyc = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/epyc-7451-8node.json"), "utf8")));
  it("says the one-thread backends once, not a sentence per backend", () => {
    const few = planLayout(epyc, { mem: "16G", vcpus: 8, threads: 4 });
    if (!few.ok) throw new Error("plan");
    // the budget note covers every backend; no per-backend repeat
    expect(few.notes.filter((n) => /1 preallocation thread/.test(n))).toEqual([]);
    expect(few.notes.filter((n) => /every backend is preallocated by 1 thread/.test(n))).toHaveLength(1);
    const some = planLayout(epyc, { mem: "16G", vcpus: 8, threads: 12 });
    if (!some.ok) throw new Error("plan");
    const one = some.notes.filter((n) => /1 preallocation thread/.test(n));
    expect(one).toHaveLength(1);
    expect(one[0]).toMatch(/^(ram-node\d, ){3}ram-node\d: 1 preallocation thread each, so QEMU uses its main thread/);
  });
});
