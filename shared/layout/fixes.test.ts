import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { checkLayout } from "../validate/check";
import { topologySchema, type HostTopology } from "../topology/schema";
import { fixFor, fixesFor } from "./fixes";
import { humanSize, parseSize } from "../size/size";
import { headroomFor } from "./headroom";
import type { Layout } from "./schema";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));
const seedHost = host("bm-standard2-52");
const cxl = host("cxl-4node");
const fixture = (name: string) => readFileSync(join(root, "shared/qemu/fixtures", name), "utf8");

/** Apply the first available fix until none is left; the labels, in order. */
function fixAll(layout: Layout, h: HostTopology): { layout: Layout; applied: string[] } {
  const applied: string[] = [];
  for (let i = 0; i < 20; i++) {
    const fix = checkLayout(layout, { host: h })
      .map((d) => fixFor(d, layout, h))
      .find((f) => f !== undefined);
    if (!fix) break;
    applied.push(fix.label);
    layout = fix.apply(layout);
  }
  return { layout, applied };
}

/** The layout's meaning: no imported text, no positions. */
const meaning = (l: Layout) => JSON.parse(JSON.stringify(l, (k, v) => (k === "origin" || k === "at" || k === "qemu" ? undefined : v)));

describe("one-click fixes", () => {
  it("turn the seed's baseline into the seed's fast line plus -smp 104 (and -display none, which QEMU needs beside -monitor stdio), on the seed host", () => {
    const { layout, applied } = fixAll(parseCommandLine(fixture("seed-baseline.sh")).layout, seedHost);
    expect([...applied].sort()).toEqual(["add -smp 104", "add a thread-context per node", "use -display none (the monitor stays on stdio)"]);
    expect(checkLayout(layout, { host: seedHost })).toEqual([]);
    const fast = parseCommandLine(fixture("seed-fast.sh").replace("-m 256G", "-m 256G -smp 104").replace("-nographic", "-display none")).layout;
    expect(meaning(layout)).toEqual(meaning(fast));
  });

  it("a memory-only node is preallocated from the nearest node with CPUs", () => {
    const line = `qemu-system-x86_64 -name debug-threads=on -m 4G -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -numa node,nodeid=1,memdev=c
      -object memory-backend-ram,id=a,size=2G,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2
      -object memory-backend-ram,id=c,size=2G,host-nodes=3,policy=bind,prealloc=on,prealloc-threads=2`;
    const { layout } = fixAll(parseCommandLine(line).layout, cxl);
    const c = layout.backends.find((b) => b.id === "c")!;
    expect(layout.threadContexts.find((t) => t.id === c.preallocContext)?.nodeAffinity).toBe("2");
    expect(checkLayout(layout, { host: cxl }).filter((d) => d.severity !== "hint")).toEqual([]);
  });

  it("a context on a CPU-less node moves to the nearest node with CPUs", () => {
    const line = `qemu-system-x86_64 -name debug-threads=on -m 2G -smp 1 -numa node,memdev=c -object thread-context,id=t,node-affinity=3
      -object memory-backend-ram,id=c,size=2G,host-nodes=3,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t`;
    const { layout, applied } = fixAll(parseCommandLine(line).layout, cxl);
    expect(applied[0]).toBe("move t to node 2, the nearest with CPUs");
    expect(layout.threadContexts[0]!.nodeAffinity).toBe("2");
    expect(checkLayout(layout, { host: cxl }).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("a context on a node the host lacks moves to the node with CPUs nearest the memory it preallocates", () => {
    const line = `qemu-system-x86_64 -name debug-threads=on -m 2G -smp 1 -numa node,memdev=c -object thread-context,id=t,node-affinity=7
      -object memory-backend-ram,id=c,size=2G,host-nodes=3,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t`;
    const { layout, applied } = fixAll(parseCommandLine(line).layout, cxl);
    // cxl-4node's node 3 is memory only; node 2 is the nearest with CPUs
    expect(applied[0]).toBe("move t to node 2, nearest its memory");
    expect(layout.threadContexts[0]!.nodeAffinity).toBe("2");
    const lone = parseCommandLine("qemu-system-x86_64 -m 1G -object thread-context,id=t,node-affinity=9").layout;
    const [d] = checkLayout(lone, { host: seedHost }).filter((x) => x.code === "NUMA011");
    expect(fixFor(d!, lone, seedHost)?.label).toBe("move t to node 0, the host's first with CPUs");
  });

  it("-m follows the backends, debug-threads turns on, one thread becomes two", () => {
    const line = `qemu-system-x86_64 -m 3G -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object thread-context,id=t,node-affinity=0
      -object memory-backend-ram,id=a,size=2G,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=1,prealloc-context=t`;
    const { layout, applied } = fixAll(parseCommandLine(line).layout, seedHost);
    expect(applied).toEqual(expect.arrayContaining(["set -m to 2G", "turn on debug-threads", "use 2 threads for a"]));
    expect(layout.memory?.size).toBe("2G");
    expect(checkLayout(layout, { host: seedHost }).filter((d) => d.severity !== "hint")).toEqual([]);
  });

  describe("over-commit (NUMA013): shrink to fit, or spread over nodes", () => {
    // the seed host has about 371 GiB free on each node
    const over = (size: string, second = "") =>
      parseCommandLine(`qemu-system-x86_64 -name debug-threads=on -m 1T -smp 2 -numa node,nodeid=0,cpus=0,memdev=a -numa node,nodeid=1,cpus=1,memdev=b
        -object thread-context,id=tc0,node-affinity=0 -object thread-context,id=tc1,node-affinity=1
        -object memory-backend-ram,id=a,size=${size},host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc0
        -object memory-backend-ram,id=b,size=${second || "8G"},host-nodes=1,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc1`).layout;
    const numa013 = (l: Layout) => checkLayout(l, { host: seedHost }).filter((d) => d.code === "NUMA013");
    const bytes = (l: Layout, id: string) => {
      const r = parseSize(l.backends.find((b) => b.id === id)!.size);
      return r.ok ? r.bytes : NaN;
    };

    const GiB = 2 ** 30;
    const node = (id: number) => seedHost.nodes.find((n) => n.id === id)!;

    it("offers both buttons for one backend too large for its node; each clears the error and leaves the host its headroom", () => {
      const layout = over("500G");
      const [d] = numa013(layout);
      expect(d).toBeDefined();
      const fixes = fixesFor(d!, layout, seedHost);
      // node 0: 377.6 GiB total, 371.5 GiB free; headroom max(1 GiB, 5 % of 377.6 GiB) = 18.9 GiB
      const headroom = headroomFor([node(0)]);
      expect(headroom).toBeGreaterThan(18.8 * GiB);
      expect(headroom).toBeLessThan(19 * GiB);
      const size = Math.floor((node(0).memFree - headroom) / GiB) * GiB;
      expect(size).toBe(352 * GiB);
      expect(fixes.map((f) => f.label)).toEqual([
        `shrink a to 352G, leaving ${humanSize(node(0).memFree - size)} of ${humanSize(node(0).memFree)} free for the host`,
        // b's 8 GiB already on node 1 counts against what spreading adds
        `spread a over host nodes 0-1, leaving ${humanSize(node(0).memFree + node(1).memFree - 508 * GiB)} of ${humanSize(node(0).memFree + node(1).memFree)} free for the host`,
      ]);
      expect(fixes[0]!.label).toMatch(/leaving 19\.\d GiB of 371 GiB free/);
      const shrunk = fixes[0]!.apply(layout);
      expect(numa013(shrunk)).toEqual([]);
      expect(bytes(shrunk, "a")).toBe(size);
      expect(node(0).memFree - bytes(shrunk, "a")).toBeGreaterThanOrEqual(headroom);
      expect(bytes(shrunk, "b")).toBe(8 * GiB); // the other node's backend is not touched
      // -m follows the sizes, so no NUMA001 appears
      expect(checkLayout(shrunk, { host: seedHost }).filter((x) => x.severity === "error")).toEqual([]);
      const spread = fixes[1]!.apply(layout);
      expect(spread.backends.find((b) => b.id === "a")!.hostNodes).toBe("0-1");
      expect(numa013(spread)).toEqual([]);
      expect(bytes(spread, "a")).toBe(500 * GiB);
      // fixFor (the first button) is the shrink
      expect(fixFor(d!, layout, seedHost)!.label).toBe(fixes[0]!.label);
    });

    it("shrinks several backends on one node in proportion, to whole GiB, below the free memory by the headroom", () => {
      const line = `qemu-system-x86_64 -name debug-threads=on -m 600G -smp 2 -numa node,nodeid=0,cpus=0,memdev=a -numa node,nodeid=1,cpus=1,memdev=b
        -object memory-backend-ram,id=a,size=400G,host-nodes=0,policy=bind,prealloc=on
        -object memory-backend-ram,id=b,size=200G,host-nodes=0,policy=bind,prealloc=on`;
      const layout = parseCommandLine(line).layout;
      const [d] = numa013(layout);
      const fixed = fixesFor(d!, layout, seedHost)[0]!.apply(layout);
      expect(numa013(fixed)).toEqual([]);
      expect([bytes(fixed, "a") % GiB, bytes(fixed, "b") % GiB]).toEqual([0, 0]);
      expect(Math.abs(bytes(fixed, "a") / bytes(fixed, "b") - 2)).toBeLessThan(0.01);
      const sum = bytes(fixed, "a") + bytes(fixed, "b");
      const usable = node(0).memFree - headroomFor([node(0)]);
      expect(sum).toBeLessThanOrEqual(usable);
      expect(sum).toBeGreaterThan(usable - 2 * GiB); // rounding each down loses less than 1 GiB each
      expect(parseSize(fixed.memory!.size, "M")).toEqual({ ok: true, bytes: sum });
    });

    it("does not spread over nodes that would hold the backend only by giving up the headroom", () => {
      // 1 GiB less than both nodes' free memory: it fits, but leaves the host 1 GiB of 744 GiB
      const both = node(0).memFree + node(1).memFree;
      const size = Math.floor(both / GiB) * GiB - GiB;
      const layout = over(`${size / GiB}G`, "1G");
      const [d] = numa013(layout);
      expect(d).toBeDefined();
      expect(fixesFor(d!, layout, seedHost).map((f) => f.label)).toEqual([expect.stringMatching(/^shrink a to \d+G, leaving/)]);
    });

    it("on a small node: 2 MiB units below 1 GiB, and no shrink where the headroom takes all the free memory", () => {
      const small = (freeMiB: number): HostTopology => {
        const h = structuredClone(seedHost);
        h.nodes[0] = { ...h.nodes[0]!, memTotal: 4 * GiB, memFree: freeMiB * 2 ** 20 };
        return h;
      };
      const layout = over("3G");
      const check = (h: HostTopology) => checkLayout(layout, { host: h }).filter((x) => x.code === "NUMA013");
      // 1.7 GiB free, headroom 1 GiB (5 % of 4 GiB is less): 0.7 GiB left, in whole 2 MiB pages
      const h = small(1741);
      const [d] = check(h);
      const fix = fixesFor(d!, layout, h)[0]!;
      expect(fix.label).toBe(`shrink a to 716M, leaving 1 GiB of 1.7 GiB free for the host`);
      expect(bytes(fix.apply(layout), "a")).toBe(716 * 2 ** 20);
      // 1 GiB free: nothing to give
      const [d2] = check(small(1024));
      expect(fixesFor(d2!, layout, small(1024)).filter((f) => f.label.startsWith("shrink"))).toEqual([]);
    });

    it("does not offer to spread what the whole host cannot hold", () => {
      const layout = over("900G");
      const [d] = numa013(layout);
      expect(fixesFor(d!, layout, seedHost).map((f) => f.label)).toEqual([expect.stringMatching(/^shrink a/)]);
    });
  });
});
