import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { checkLayout } from "../validate/check";
import { topologySchema, type HostTopology } from "../topology/schema";
import { fixesFor } from "./fixes";
import { headroomFor } from "./headroom";
import { countsAgainstFree, pageNodes } from "./memory-fit";
import { backendBytes } from "../qemu/prealloc";
import { parseSize } from "../size/size";
import type { Layout } from "./schema";

const root = join(import.meta.dirname, "../..");
const hostsDir = join(root, "assets/hosts");
const host = (file: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(hostsDir, file), "utf8")));
const hosts = readdirSync(hostsDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map(host);
const seed = host("bm-standard2-52.json");
const epyc = host("epyc-7451-8node.json");
const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A layout of preallocated RAM backends, each bound to its nodes. */
const line = (backends: Array<{ size: string; nodes: string }>) =>
  parseCommandLine(`qemu-system-x86_64 -m 1G ${backends.map((b, i) => `-object memory-backend-ram,id=b${i},size=${b.size},host-nodes=${b.nodes},policy=bind,prealloc=on`).join(" ")}`).layout;
const numa013 = (l: Layout, h: HostTopology) => checkLayout(l, { host: h }).filter((d) => d.code === "NUMA013");
const bytes = (l: Layout, id: string) => {
  const r = parseSize(l.backends.find((b) => b.id === id)!.size);
  return r.ok ? r.bytes : NaN;
};

/** The oracle, written apart from memory-fit.ts: can each backend's pages be placed on its nodes
 *  without any node going past its free memory? A max flow (backends → their nodes → free
 *  memory), in whole MiB, found by augmenting paths. */
function placeable(demands: Array<{ bytes: number; nodes: number[] }>, free: Map<number, number>): boolean {
  const nodes = [...free.keys()];
  const cap = new Map<string, number>();
  const edge = (a: string, b: string, c: number) => cap.set(`${a}>${b}`, (cap.get(`${a}>${b}`) ?? 0) + c);
  const need = demands.reduce((a, d) => a + Math.ceil(d.bytes / MiB), 0);
  demands.forEach((d, i) => {
    edge("s", `b${i}`, Math.ceil(d.bytes / MiB));
    for (const n of d.nodes) edge(`b${i}`, `n${n}`, Number.MAX_SAFE_INTEGER);
  });
  for (const n of nodes) edge(`n${n}`, "t", Math.floor(free.get(n)! / MiB));
  const next = (v: string) => [...cap.keys()].filter((k) => k.startsWith(`${v}>`) && cap.get(k)! > 0).map((k) => k.slice(v.length + 1));
  let flow = 0;
  for (;;) {
    const prev = new Map<string, string>([["s", ""]]);
    const queue = ["s"];
    while (queue.length > 0 && !prev.has("t")) {
      const v = queue.shift()!;
      for (const w of next(v))
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
    }
    if (!prev.has("t")) return flow >= need;
    let push = Infinity;
    for (let w = "t"; w !== "s"; w = prev.get(w)!) push = Math.min(push, cap.get(`${prev.get(w)}>${w}`)!);
    for (let w = "t"; w !== "s"; w = prev.get(w)!) {
      const v = prev.get(w)!;
      cap.set(`${v}>${w}`, cap.get(`${v}>${w}`)! - push);
      cap.set(`${w}>${v}`, (cap.get(`${w}>${v}`) ?? 0) + push);
    }
    flow += push;
  }
}

describe("NUMA013 warns when a layout fits but eats the host's headroom", () => {
  // an EPYC 7451 node: 32 GiB, 30 GiB free; the headroom is max(1 GiB, 5 % of 32 GiB) = 1.6 GiB
  it("29 GiB on a node with 30 GiB free is a warning that says what is left and what the headroom is, and offers shrink", () => {
    const layout = line([{ size: "29G", nodes: "1" }]);
    const [d, ...rest] = numa013(layout, epyc);
    expect(rest).toEqual([]);
    expect(d!.severity).toBe("warning");
    expect(d!.message).toBe(
      "b0 preallocates 29 GiB on host node 1, which has 30 GiB free: that leaves the host 1 GiB, less than the 1.6 GiB headroom Numadesk leaves it (max(1 GiB, 5 % of the nodes' memory)); QEMU starts, but the kernel, the page cache and QEMU's own memory then compete with the guest, whose preallocated memory makes it the OOM killer's first choice",
    );
    // a warning is something QEMU accepts: it carries no policy phrase
    expect(d!.message).not.toMatch(/policy:/);
    const fixes = fixesFor(d!, layout, epyc);
    expect(fixes.map((f) => f.label)).toEqual(["shrink b0 to 28G, leaving 2 GiB of 30 GiB free for the host", expect.stringMatching(/^spread b0 over host nodes [0-9,-]+, leaving /)]);
    const shrunk = fixes[0]!.apply(layout);
    expect(bytes(shrunk, "b0")).toBe(28 * GiB);
    expect(numa013(shrunk, epyc)).toEqual([]);
    expect(numa013(fixes[1]!.apply(layout), epyc)).toEqual([]);
  });

  it("28 GiB there is quiet, 31 GiB is the error it always was", () => {
    expect(numa013(line([{ size: "28G", nodes: "1" }]), epyc)).toEqual([]);
    const [d] = numa013(line([{ size: "31G", nodes: "1" }]), epyc);
    expect(d!.severity).toBe("error");
    expect(d!.message).toMatch(/^b0 preallocates 31 GiB, but host node 1 has 30 GiB free; QEMU would fail/);
  });

  it("the headroom scales with the nodes: 5 % of the seed host's 377.6 GiB node is 18.9 GiB", () => {
    const node0 = seed.nodes[0]!;
    const fits = Math.floor((node0.memFree - headroomFor([node0])) / GiB);
    expect(numa013(line([{ size: `${fits}G`, nodes: "0" }]), seed)).toEqual([]);
    const [d] = numa013(line([{ size: `${fits + 2}G`, nodes: "0" }]), seed);
    expect(d!.severity).toBe("warning");
    expect(d!.message).toMatch(/less than the 18\.9 GiB headroom/);
  });
});

describe("NUMA013 counts backends on overlapping node sets together", () => {
  it("300 GiB on node 0 and 600 GiB on nodes 0-1 of the seed host need 900 GiB of nodes 0-1's 744: an error naming both", () => {
    const layout = line([
      { size: "300G", nodes: "0" },
      { size: "600G", nodes: "0-1" },
    ]);
    const ds = numa013(layout, seed);
    expect(ds.map((d) => [d.severity, d.message.slice(0, 70)])).toEqual([["error", "b0, b1 preallocate 900 GiB, but host nodes 0-1 have 744 GiB free; QEMU"]]);
    expect(ds[0]!.at?.path).toBe("backends[0].size");
    // shrinking makes both smaller, in proportion, to what nodes 0-1 spare
    const shrunk = fixesFor(ds[0]!, layout, seed)[0]!.apply(layout);
    expect(numa013(shrunk, seed)).toEqual([]);
    expect(bytes(shrunk, "b1") / bytes(shrunk, "b0")).toBeCloseTo(2, 1);
  });

  it("each set that fits alone and together is quiet", () => {
    expect(
      numa013(
        line([
          { size: "200G", nodes: "0" },
          { size: "300G", nodes: "0-1" },
          { size: "200G", nodes: "1" },
        ]),
        seed,
      ),
    ).toEqual([]);
  });
});

describe("spread to fit counts the backends already bound to the nodes it adds", () => {
  it("on the seed host, 500 GiB on node 0 beside 300 GiB on node 1 cannot spread (800 GiB > 744): only shrink", () => {
    const layout = line([
      { size: "500G", nodes: "0" },
      { size: "300G", nodes: "1" },
    ]);
    const [d] = numa013(layout, seed);
    expect(fixesFor(d!, layout, seed).map((f) => f.label)).toEqual([expect.stringMatching(/^shrink b0 to /)]);
  });

  it("on the EPYC host it passes over a node another backend fills and takes the next nearest", () => {
    // node 0's nearest are 1 (distance 16) then 2, 3 (22 on this sample); node 1 is full
    const near = epyc.nodes.map((n, i) => ({ id: n.id, dist: epyc.distances[0]![i]! })).sort((a, b) => a.dist - b.dist || a.id - b.id);
    const first = near[1]!.id;
    const layout = line([
      { size: "40G", nodes: "0" },
      { size: "28G", nodes: String(first) },
    ]);
    const [d] = numa013(layout, epyc);
    const spread = fixesFor(d!, layout, epyc).find((f) => f.label.startsWith("spread"))!;
    const after = spread.apply(layout);
    const chosen = after.backends[0]!.hostNodes!;
    expect(chosen.split(/[,-]/).length).toBeGreaterThanOrEqual(2);
    expect(numa013(after, epyc)).toEqual([]);
    // b1's 28 GiB is counted: nodes 0 and `first` alone hold 60 GiB free, less 68 GiB
    expect(chosen).not.toBe([0, first].sort((a, b) => a - b).join(first === 1 ? "-" : ","));
  });

  it("property: on every sample host, after spread, the backends it binds can be placed beside those already there (when those fit) with no node over its free memory, leaving the headroom; and spread is offered whenever the whole host would hold everything with its headroom", () => {
    const arb = fc.record({
      h: fc.nat(hosts.length - 1),
      backends: fc.array(fc.record({ share: fc.integer({ min: 5, max: 130 }), first: fc.nat(), wide: fc.boolean(), second: fc.nat() }), { minLength: 1, maxLength: 6 }),
    });
    let spreads = 0;
    fc.assert(
      fc.property(arb, ({ h, backends }) => {
        const target = hosts[h]!;
        const ids = target.nodes.map((n) => n.id);
        const meanFree = target.nodes.reduce((a, n) => a + n.memFree, 0) / ids.length;
        const layout = line(
          backends.map((b) => {
            const a = ids[b.first % ids.length]!;
            const c = ids[b.second % ids.length]!;
            const nodes = b.wide && a !== c ? [a, c].sort((x, y) => x - y).join(",") : String(a);
            return { size: `${Math.max(1, Math.round((meanFree * b.share) / 100 / MiB))}M`, nodes };
          }),
        );
        const all = target.nodes;
        const counted = layout.backends.filter((b) => countsAgainstFree(b, target));
        const total = counted.reduce((a, b) => a + backendBytes(b), 0);
        for (const d of numa013(layout, target)) {
          const fixes = fixesFor(d, layout, target);
          const spread = fixes.find((f) => f.label.startsWith("spread"));
          if (d.severity === "error" && total <= all.reduce((a, n) => a + n.memFree, 0) - headroomFor(all)) expect(spread, d.message).toBeDefined();
          if (!spread) continue;
          spreads++;
          const after = spread.apply(layout);
          const moved = after.backends.find((b, i) => b.hostNodes !== layout.backends[i]!.hostNodes)!;
          const chosen = new Set(pageNodes(moved, target));
          const inside = after.backends.filter((b) => countsAgainstFree(b, target) && pageNodes(b, target).every((n) => chosen.has(n)));
          const pool = target.nodes.filter((n) => chosen.has(n.id));
          const place = (list: typeof inside) =>
            placeable(
              list.map((b) => ({ bytes: backendBytes(b), nodes: pageNodes(b, target) })),
              new Map(pool.map((n) => [n.id, n.memFree])),
            );
          // when the backends already there fit (another NUMA013 is about them, not this spread), the moved ones fit beside them
          const movedIds = new Set(after.backends.filter((b, i) => b.hostNodes !== layout.backends[i]!.hostNodes).map((b) => b.id));
          if (place(inside.filter((b) => !movedIds.has(b.id)))) expect(place(inside), `${spread.label} on ${target.name}`).toBe(true);
          const need = inside.reduce((a, b) => a + backendBytes(b), 0);
          expect(need).toBeLessThanOrEqual(pool.reduce((a, n) => a + n.memFree, 0) - headroomFor(pool));
          expect(numa013(after, target).filter((x) => x.severity === "error" && x.message.includes(moved.id))).toEqual([]);
        }
      }),
      { numRuns: 300, seed: 20261126 },
    );
    // the generator reaches the case it is about
    expect(spreads).toBeGreaterThan(20);
  });
});
