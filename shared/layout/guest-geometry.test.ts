import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema } from "../topology/schema";
import { hostBoxes } from "../topology/boxes";
import { hostGeometry } from "../topology/box-geometry";
import { planLayout } from "../plan/planner";
import { emptyLayout } from "./schema";
import { guestGeometry, hitTest, lassoVcpus, nearestCard, VCPU_H, VCPU_W } from "./guest-geometry";

const root = join(import.meta.dirname, "../..");
const seed = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/bm-standard2-52.json"), "utf8")));
const geo = hostGeometry(hostBoxes(seed), { aspect: 1.5 });
const planned = planLayout(seed, { mem: "256G", vcpus: 104, threads: 16 });
if (!planned.ok) throw new Error("plan");

describe("the guest drawn under the host", () => {
  const g = guestGeometry(planned.layout, geo);

  it("a box per guest node under the host, each cell inside its box, no two boxes overlapping", () => {
    expect(g.boxes.map((b) => [b.index, b.cells.length, b.hostNodes])).toEqual([
      [0, 52, [0]],
      [1, 52, [1]],
    ]);
    for (const b of g.boxes) {
      expect(b.y).toBeGreaterThan(geo.height);
      for (const c of b.cells) {
        expect(c.x + VCPU_W).toBeLessThanOrEqual(b.w);
        expect(c.y + VCPU_H).toBeLessThanOrEqual(b.h);
      }
      expect(b.x + b.w).toBeLessThanOrEqual(g.width);
    }
    const [a, b] = g.boxes;
    expect(a!.x + a!.w <= b!.x || b!.x + b!.w <= a!.x || a!.y + a!.h <= b!.y || b!.y + b!.h <= a!.y).toBe(true);
    expect(g.add.y + g.add.h).toBeLessThanOrEqual(g.top + g.height);
  });

  it("-smp's vCPUs that no node names get a box of their own", () => {
    const l = { ...emptyLayout("1G"), smp: { cpus: 6 } };
    const e = guestGeometry(l, geo);
    expect(e.boxes.map((b) => [b.index, b.cells.map((c) => c.vcpu)])).toEqual([[-1, [0, 1, 2, 3, 4, 5]]]);
  });

  it("hit tests: a guest box, a host card, empty space; the nearest card; a lasso picks the cells it touches", () => {
    const b1 = g.boxes[1]!;
    expect(hitTest({ x: b1.x + 5, y: b1.y + 5 }, geo, g)).toEqual({ kind: "guest", index: 1 });
    const card = geo.cards.find((c) => c.node.os === 1)!;
    expect(hitTest({ x: card.x + card.w / 2, y: card.y + card.h / 2 }, geo, g)).toEqual({ kind: "host", node: 1 });
    expect(hitTest({ x: -50, y: -50 }, geo, g)).toEqual({ kind: "empty" });
    expect(nearestCard({ x: card.x + card.w + 40, y: card.y }, geo)).toBe(1);
    const c0 = b1.cells[0]!;
    const c1 = b1.cells[1]!;
    // from the middle of the first cell to the middle of the second, in either direction
    const p = { x: b1.x + c0.x + 3, y: b1.y + c0.y + 3 };
    const q = { x: b1.x + c1.x + 3, y: b1.y + c1.y + 3 };
    expect(lassoVcpus(p, q, g)).toEqual([c0.vcpu, c1.vcpu].sort((x, y) => x - y));
    expect(lassoVcpus(q, p, g)).toEqual(lassoVcpus(p, q, g));
    expect(lassoVcpus({ x: -99, y: -99 }, { x: -90, y: -90 }, g)).toEqual([]);
  });
});

describe("the guest row follows the host's columns", () => {
  const epyc = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/epyc-7451-8node.json"), "utf8")));
  const plan = planLayout(epyc, { mem: "128G", vcpus: 48, threads: 16 });
  if (!plan.ok) throw new Error("plan");

  it("each box sits in its host card's column, rows as wide as the host's columns, whichever way the packages are arranged", () => {
    // wide (packages side by side, 2×2 cards each) and tall (packages stacked, a row of 4 each)
    for (const aspect of [3, 1]) {
      const host = hostGeometry(hostBoxes(epyc), { aspect });
      const g = guestGeometry(plan.layout, host);
      const columns = [...new Set(host.cards.map((c) => c.x))].sort((a, b) => a - b);
      expect(columns.length, `aspect ${aspect}`).toBe(4);
      const rows = [...new Set(g.boxes.map((b) => b.y))];
      expect(rows.length).toBe(2);
      for (const b of g.boxes) {
        const card = host.cards.find((c) => c.node.os === b.hostNodes[0])!;
        // the box's rank in its row is its card's column
        const rank = g.boxes.filter((o) => o.y === b.y && o.x < b.x).length;
        expect(rank, `guest node ${b.index} under host node ${card.node.os}`).toBe(columns.indexOf(card.x));
      }
    }
  });
});

describe("links", () => {
  it("go straight to a card with nothing in the way, else up the gap beside the cards in the way", async () => {
    const { linkPath } = await import("./guest-geometry");
    const top = { x: 0, y: 0, w: 100, h: 100 };
    const lower = { x: 0, y: 120, w: 100, h: 100 };
    const box = { x: 0, y: 300, w: 100 };
    expect(linkPath(box, lower, 0, 1, [top, lower])).toMatch(/^M50,300C/);
    const routed = linkPath(box, top, 0, 1, [top, lower]);
    // every x the routed path visits is left of the cards (in the gap), until it enters the card's side
    const xs = [...routed.matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
    expect(xs.slice(2, -1).every((x) => x < 0)).toBe(true);
    expect(routed.endsWith("0,86")).toBe(true);
  });

  it("from a lower guest row, climb out between the boxes above instead of through them", async () => {
    const { linkPath, GUEST_GAP } = await import("./guest-geometry");
    const card = { x: 0, y: 0, w: 180, h: 190 };
    const upper = { x: 0, y: 250, w: 150, h: 80 };
    const beside = { x: 164, y: 250, w: 150, h: 80 };
    const lower = { x: 0, y: 344, w: 140, h: 80 };
    const d = linkPath(lower, card, 0, 1, [card], [upper, beside, lower]);
    const points = [...d.matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    // up into the row gap, sideways to the gap left of the box above (the nearer side), up past it
    expect(points.slice(0, 5)).toEqual([
      { x: 70, y: 344 },
      { x: 70, y: 344 - GUEST_GAP / 2 },
      { x: -GUEST_GAP / 2, y: 344 - GUEST_GAP / 2 },
      { x: -GUEST_GAP / 2, y: 344 - GUEST_GAP / 2 },
      { x: -GUEST_GAP / 2, y: 250 - GUEST_GAP / 2 },
    ]);
    // no point of the path is inside either box of the upper row
    for (const b of [upper, beside]) expect(points.filter((p) => p.x > b.x && p.x < b.x + b.w && p.y > b.y && p.y < b.y + b.h)).toEqual([]);
    // and it still ends at the card's bottom
    expect(points[points.length - 1]).toEqual({ x: 90, y: 190 });
  });

  it("run up a gap no other card touches: not along the border of a memory-only card stacked under the target (the CXL sample)", async () => {
    const { linkPath } = await import("./guest-geometry");
    // the CXL sample's shape: node 0 in its package at x 10, memory-only node 3 under the package from x 0, wider than node 0
    const node0 = { x: 10, y: 30, w: 180, h: 190 };
    const node1 = { x: 210, y: 30, w: 180, h: 190 };
    const node3 = { x: 0, y: 260, w: 210, h: 150 };
    const box = { x: 0, y: 480, w: 180 };
    const cards = [node0, node1, node3];
    const d = linkPath(box, node0, 0, 1, cards);
    const points = [...d.matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    // the vertical run (the L segment) keeps clear of node 3's sides by at least 4 units, and ends in node 0's side
    const run = points[points.length - 3]!;
    expect(Math.min(Math.abs(run.x - node3.x), Math.abs(run.x - (node3.x + node3.w)))).toBeGreaterThanOrEqual(4);
    expect(run.x < node3.x || run.x > node3.x + node3.w).toBe(true);
    expect(points[points.length - 1]).toEqual({ x: node0.x, y: node0.y + node0.h - 14 });
    // and the curve to it starts under node 3 (it passes below the card, not through it)
    expect(points[3]!.y).toBeGreaterThan(node3.y + node3.h);
  });
});

describe("guest boxes in a row follow their host cards left to right", () => {
  // four host nodes drawn two by two, as the EPYC's packages are at the canvas's fit: 0 over 2, 1 over 3
  const card = (os: number, x: number, y: number) => ({ node: { os }, x, y, w: 150, h: 150 });
  const host = { width: 700, height: 320, cards: [card(0, 0, 0), card(1, 170, 0), card(2, 0, 170), card(3, 170, 170)] } as unknown as Parameters<typeof guestGeometry>[1];
  const layoutOn = (hostNodes: number[]) => ({
    ...emptyLayout("4G"),
    nodes: hostNodes.map((_, i) => ({ nodeid: i, cpus: String(i), memdev: `m${i}` })),
    backends: hostNodes.map((n, i) => ({ type: "ram" as const, id: `m${i}`, size: "1G", hostNodes: String(n), policy: "bind" as const })),
  });
  const leftToRight = (hostNodes: number[]) =>
    guestGeometry(layoutOn(hostNodes), host)
      .boxes.sort((a, b) => a.x - b.x)
      .map((b) => b.index);

  it("guest nodes on host nodes 0, 2, 1, 3 (read order 0, 1, 2, 3) draw as 0, 1, 2, 3: their links cannot cross", () => {
    // host node 2 is under host node 0: guest node 1 goes beside guest node 0, not after guest node 2
    expect(leftToRight([0, 2, 1, 3])).toEqual([0, 1, 2, 3]);
  });

  it("one guest node per host node: those of the left column (host nodes 0 and 2) come first, then the right's", () => {
    expect(leftToRight([0, 1, 2, 3])).toEqual([0, 2, 1, 3]);
  });
});
