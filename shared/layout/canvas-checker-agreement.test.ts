// The host canvas's red "N GiB more than is free" on a node's memory bar and the checker's
// NUMA013 must say the same thing, on every bundled sample: the canvas split a multi-node
// backend evenly over its nodes and counted memory that is not preallocated, so it drew red
// where the checker found nothing. Here both are read as a user reads them: the bar's words
// (overText) per node, and the NUMA013 errors' messages (which node or nodes, how much).

import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { topologySchema, type HostTopology } from "../topology/schema";
import { emptyLayout, type Layout } from "./schema";
import { nodeMemoryUse, overText } from "./node-memory";
import { checkLayout } from "../validate/check";
import { planLayout } from "../plan/planner";
import { bindBackend } from "./edits";
import { formatSize, sizeBytes } from "../size/size";
import { parseIdList } from "../cpulist/cpulist";

const dir = join(import.meta.dirname, "../../assets/hosts");
const samples: HostTopology[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => topologySchema.parse(JSON.parse(readFileSync(join(dir, f), "utf8"))));

const GiB = 2 ** 30;
const gib = (bytes: number) => formatSize(Math.max(1, Math.floor(bytes / GiB)) * GiB);
/** humanSize back to bytes: "28.6 GiB" → 28.6 × 2^30 (as rounded as the words are) */
const UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50 };
const bytesOf = (text: string) => {
  const m = /^([\d.]+) (B|[KMGTP]iB)$/.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * UNITS[m[2]!]!;
};

/** A layout of preallocated (or not) bind backends: [size, host-nodes] each, one guest node each. */
function layoutOf(backends: Array<[number, string]>, prealloc = true): Layout {
  const l: Layout = { ...emptyLayout("1G"), smp: { cpus: backends.length } };
  backends.forEach(([bytes, nodes], i) => {
    l.backends.push({ id: `m${i}`, type: "ram", size: gib(bytes), hostNodes: nodes, policy: "bind", ...(prealloc ? { prealloc: true, preallocThreads: 1 } : {}) });
    l.nodes.push({ nodeid: i, cpus: String(i), memdev: `m${i}` });
  });
  l.memory = { size: formatSize(l.backends.reduce((a, b) => a + sizeBytes(b.size), 0)) };
  return l;
}

/** The layouts each sample is checked with: planned ones, one node asked for too much, spans that fit and that do not, the same not preallocated. */
function layoutsFor(h: HostTopology): Array<[string, Layout]> {
  const out: Array<[string, Layout]> = [];
  const total = h.nodes.reduce((a, n) => a + n.memFree, 0);
  for (const share of [0.25, 0.6]) {
    const p = planLayout(h, { mem: gib(total * share), vcpus: 8, threads: 8 });
    if (!p.ok) continue;
    out.push([`planned ${share * 100}%`, p.layout]);
    // every backend of the plan on the first node
    out.push([`planned ${share * 100}%, all on node ${h.nodes[0]!.id}`, p.layout.backends.reduce((l, b) => bindBackend(l, b.id, h.nodes[0]!.id, h), p.layout)]);
  }
  const withMem = h.nodes.filter((n) => n.memFree > 4 * GiB);
  if (withMem.length >= 2) {
    const [a, b] = withMem as [(typeof withMem)[0], (typeof withMem)[0]];
    const pair = `${a.id},${b.id}`;
    // 60 % of a alone, and half of a+b over both: the even split had put 110 % on a
    out.push([
      "a node's backend beside a span that fits",
      layoutOf([
        [a.memFree * 0.6, String(a.id)],
        [(a.memFree + b.memFree) * 0.5, pair],
      ]),
    ]);
    out.push([
      "a span over both nodes' free memory",
      layoutOf([
        [a.memFree * 0.7, String(a.id)],
        [(a.memFree + b.memFree) * 0.6, pair],
      ]),
    ]);
    out.push(["a node asked for 1.5 times its free memory", layoutOf([[a.memFree * 1.5, String(a.id)]])]);
    out.push(["the same, not preallocated", layoutOf([[a.memFree * 1.5, String(a.id)]], false)]);
  }
  return out;
}

/** What NUMA013's errors say: for each host node they name, the bytes over (preallocated minus free). */
function checkerOver(h: HostTopology, l: Layout): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of checkLayout(l, { host: h })) {
    if (d.code !== "NUMA013" || d.severity !== "error") continue;
    const m = /preallocates? ([\d.]+ [KMGTP]?i?B), but (.+?) (?:has|have) ([\d.]+ [KMGTP]?i?B) free/.exec(d.message);
    if (!m) throw new Error(`NUMA013 worded otherwise: ${d.message}`);
    const where = /^host nodes? (.+)$/.exec(m[2]!);
    const r = where ? parseIdList(where[1]!) : undefined;
    const nodes = r && r.ok ? r.ids : h.nodes.map((n) => n.id);
    for (const n of nodes) out.set(n, Math.max(out.get(n) ?? 0, bytesOf(m[1]!) - bytesOf(m[3]!)));
  }
  return out;
}

describe("the canvas's over-commit and NUMA013 agree", () => {
  for (const h of samples) {
    it(`on ${h.name}: the same nodes red, by the same amount (to the rounding of the words)`, () => {
      const cases = layoutsFor(h);
      expect(cases.length).toBeGreaterThan(2);
      let red = 0;
      for (const [what, l] of cases) {
        const checker = checkerOver(h, l);
        for (const use of nodeMemoryUse(h, l)) {
          const text = overText(use);
          const said = /^([\d.]+ [KMGTP]?i?B) more than (?:is|nodes [\d,-]+ have) free/.exec(text);
          expect(said !== null, `${what}: node ${use.node}'s bar says "${text}", NUMA013 says ${checker.get(use.node) ?? "nothing"}`).toBe(checker.has(use.node));
          if (!said) continue;
          red++;
          // both are humanSize words: three significant digits
          const canvas = bytesOf(said[1]!);
          const diff = Math.abs(canvas - checker.get(use.node)!);
          expect(diff, `${what}: node ${use.node}: "${text}"`).toBeLessThanOrEqual(0.02 * Math.max(canvas, checker.get(use.node)!) + GiB);
        }
      }
      // the cases do make both red somewhere
      expect(red).toBeGreaterThan(0);
    });
  }
});
