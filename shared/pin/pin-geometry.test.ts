// The pin overlay's shapes on the seed host's real geometry: bands over the right PUs, marks
// inside their PU's cell, reserved cells, and drop points resolved to a PU or a node.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planLayout } from "../plan/planner";
import { topologySchema, type HostTopology } from "../topology/schema";
import { hostBoxes } from "../topology/boxes";
import { hostGeometry } from "../topology/box-geometry";
import { coresArea, guestNodePus, pinHit, pinOverlay, puRects, BAND_H } from "./pin-geometry";
import { pinVcpusToPu, toggleReserved } from "./edits";
import { pinFocusOf } from "./focus";
import { checkLayout } from "../validate/check";

const seed: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/bm-standard2-52.json"), "utf8")));
const geo = hostGeometry(hostBoxes(seed), { aspect: 2, collapse: false });
const planned = () => {
  const r = planLayout(seed, { mem: "8G", vcpus: 8, threads: 4 });
  if (!r.ok) throw new Error("plan failed");
  return r.layout;
};
/** the rectangles of a path made of M x,y h w v h h -w z pieces */
const rects = (d: string) => [...d.matchAll(/M([\d.-]+),([\d.-]+)h([\d.-]+)v([\d.-]+)/g)].map((m) => ({ x: +m[1]!, y: +m[2]!, w: +m[3]!, h: +m[4]! }));

describe("pin overlay", () => {
  it("every PU has a cell inside its node's card", () => {
    const r = puRects(geo);
    expect(r.size).toBe(104);
    for (const pu of r.values()) {
      const card = geo.cards.find((c) => c.node.os === pu.node)!;
      expect(pu.x).toBeGreaterThanOrEqual(card.x);
      expect(pu.x + pu.w).toBeLessThanOrEqual(card.x + card.w);
      expect(seed.cpus.find((c) => c.id === pu.os)!.node).toBe(pu.node);
    }
  });

  it("a node-wide pin is one band with a strip at the bottom of each of its node's PUs; an exact pin a mark on its PU", () => {
    const r = pinVcpusToPu(planned(), seed, [0], 5);
    if (!r.ok) throw new Error(r.error);
    const o = pinOverlay(r.layout, seed, geo);
    expect(o.bands.map((b) => [b.guest, b.pus.length, b.memory])).toEqual([
      [0, 52, [0]],
      [1, 52, [1]],
    ]);
    expect(o.bands[0]!.vcpus).toEqual([1, 2, 3]);
    const strips = rects(o.bands[0]!.path);
    expect(strips).toHaveLength(52);
    const cell5 = puRects(geo).get(5)!;
    expect(strips).toContainEqual({ x: cell5.x, y: cell5.y + cell5.h - BAND_H, w: cell5.w, h: BAND_H });
    expect(o.marks).toHaveLength(1);
    const m = o.marks[0]!;
    expect([m.pu, m.label, m.guest]).toEqual([5, "0", 0]);
    expect(m.x).toBeGreaterThanOrEqual(cell5.x);
    expect(m.x + m.w).toBeLessThanOrEqual(cell5.x + cell5.w);
    expect(guestNodePus(r.layout, 0)).toContain(5);
  });

  it("exact pins on collapsed cores (no PU cells there) are counted on their run's box, not dropped", () => {
    const collapsed = hostGeometry(hostBoxes(seed), { aspect: 2, collapse: true });
    let l = planned();
    for (const [v, pu] of [
      [0, 0],
      [1, 1],
      [2, 52],
    ] as const) {
      const r = pinVcpusToPu(l, seed, [v], pu);
      if (!r.ok) throw new Error(r.error);
      l = r.layout;
    }
    const o = pinOverlay(l, seed, collapsed);
    expect(o.marks).toEqual([]);
    expect(o.runMarks).toHaveLength(1);
    const m = o.runMarks[0]!;
    expect([m.node, m.vcpus, m.pus, m.label, m.guest]).toEqual([0, [0, 1, 2], [0, 1, 52], "3 pinned", 0]);
    // the run box holding PUs 0, 1 and 52
    const card = collapsed.cards.find((c) => c.node.os === 0)!;
    const core = card.cores.find((c) => c.runPus?.includes(0))!;
    expect(core.runPus).toEqual(expect.arrayContaining([0, 1, 52]));
    expect({ x: m.x, y: m.y, w: m.w, h: m.h }).toEqual({ x: card.x + core.x, y: card.y + core.y, w: core.w, h: core.h });
    // drawn one by one, the same pins are marks again
    expect(pinOverlay(l, seed, geo).runMarks).toEqual([]);
    expect(pinOverlay(l, seed, geo).marks.map((x) => x.pu)).toEqual([0, 1, 52]);
  });

  it("two guest nodes on one host node stack their strips", () => {
    const l = planned();
    l.pinning = {
      vcpus: [
        { node: 0, hostCpus: "0-25" },
        { node: 1, hostCpus: "0-25" },
      ],
    };
    const [a, b] = pinOverlay(l, seed, geo).bands.map((x) => rects(x.path));
    expect(a![0]!.y - b![0]!.y).toBe(BAND_H);
  });

  it("a band drawn again from the kept strips is the band drawn afresh, also after the same set was drawn stacked", () => {
    const wide = (pins: Array<{ node: number; hostCpus: string }>) => ({ ...planned(), pinning: { vcpus: pins } });
    const fresh = (l: ReturnType<typeof planned>) => pinOverlay(l, seed, hostGeometry(hostBoxes(seed), { aspect: 2, collapse: false })).bands.map((b) => b.path);
    const designs = [
      wide([
        { node: 0, hostCpus: "0-25" },
        { node: 1, hostCpus: "26-51" },
      ]),
      wide([
        { node: 0, hostCpus: "0-25" },
        { node: 1, hostCpus: "0-25" },
      ]),
      wide([
        { node: 0, hostCpus: "26-51" },
        { node: 1, hostCpus: "0-25" },
      ]),
      wide([
        { node: 0, hostCpus: "0-25" },
        { node: 1, hostCpus: "26-51" },
      ]),
    ];
    // one geometry for all (its kept strips grow as designs come), each compared with a geometry of its own
    for (const l of designs) expect(pinOverlay(l, seed, geo).bands.map((b) => b.path)).toEqual(fresh(l));
    const stacked = pinOverlay(designs[1]!, seed, geo).bands.map((b) => rects(b.path)[0]!.y);
    expect(stacked[0]! - stacked[1]!).toBe(BAND_H);
  });

  it("reserved PUs are drawn; a drop point finds its PU, else its node's cores, else nothing", () => {
    const r = toggleReserved(planned(), seed, 7);
    if (!r.ok) throw new Error(r.error);
    const o = pinOverlay(r.layout, seed, geo);
    const cell7 = puRects(geo).get(7)!;
    expect(rects(o.reserved)).toEqual([{ x: cell7.x, y: cell7.y, w: cell7.w, h: cell7.h }]);
    expect(pinHit({ x: cell7.x + 3, y: cell7.y + 3 }, geo)).toEqual({ kind: "pu", pu: 7, node: 0 });
    const area = coresArea(geo.cards[1]!)!;
    // the gap between a card's first two core boxes is its node, not a PU
    const core = geo.cards[1]!.cores[0]!;
    expect(pinHit({ x: geo.cards[1]!.x + core.x + core.w + 1, y: area.y + 5 }, geo)).toEqual({ kind: "cores", node: 1 });
    expect(pinHit({ x: geo.cards[1]!.x + 2, y: geo.cards[1]!.y + 2 }, geo)).toBeUndefined();
  });

  it("a PIN diagnostic points at its vCPUs and PUs", () => {
    const r = pinVcpusToPu(planned(), seed, [0], 30);
    if (!r.ok) throw new Error(r.error);
    const d = checkLayout(r.layout, { host: seed }).find((x) => x.code === "PIN001");
    expect(d).toBeDefined();
    expect(pinFocusOf(d!, r.layout)).toEqual({ vcpus: [0], pus: [30] });
    const shared = { ...r.layout, pinning: { ...r.layout.pinning, dedicated: true, vcpus: [...r.layout.pinning!.vcpus!, { vcpus: "1", hostCpus: "30" }] } };
    const d2 = checkLayout(shared, { host: seed }).find((x) => x.code === "PIN002");
    expect(pinFocusOf(d2!, shared)).toMatchObject({ pus: expect.arrayContaining([30]), vcpus: expect.arrayContaining([0, 1]) });
  });
});
