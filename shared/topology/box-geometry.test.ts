// The canvas geometry of the box model: cards sit inside their package, never overlap, keep
// every PU of a node up to 128 PUs, collapse beyond it, and chips always fit their card.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema, TOPOLOGY_VERSION, type HostTopology } from "./schema";
import { hostBoxes } from "./boxes";
import { CHIP_H, CHIP_ROWS, CHIP_GAP, hostGeometry, packChips } from "./box-geometry";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));
const SAMPLES = ["bm-standard2-52", "cxl-4node", "epyc-7451-8node", "hp-dl585-4socket"];

/** nodes × cores × 2 threads, two nodes per package */
function bigHost(nodes: number, coresPerNode: number): HostTopology {
  const cpus: HostTopology["cpus"] = [];
  const half = nodes * coresPerNode;
  const list = Array.from({ length: nodes }, (_, n) => {
    const ids: number[] = [];
    for (let k = 0; k < coresPerNode; k++) {
      const a = n * coresPerNode + k;
      ids.push(a, a + half);
      for (const id of [a, a + half]) cpus.push({ id, node: n, socket: Math.floor(n / 2), core: a, siblings: [a, a + half], online: true });
    }
    return { id: n, cpus: ids.sort((x, y) => x - y), memTotal: 2 ** 38, memFree: 2 ** 37, hugepages: [] };
  });
  return { version: TOPOLOGY_VERSION, name: "big", source: { kind: "sample" }, nodes: list, cpus, distances: list.map((a) => list.map((b) => (a.id === b.id ? 10 : 21))) };
}

const inside = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("hostGeometry", () => {
  for (const name of SAMPLES) {
    it(`${name}: every card lies inside its package and no two cards overlap`, () => {
      const m = hostBoxes(host(name));
      for (const aspect of [0.8, 1.4, 2.5]) {
        const g = hostGeometry(m, { aspect });
        expect(g.cards).toHaveLength(m.nodes.length);
        for (const card of g.cards) {
          const pkg = m.packages.find((p) => p.nodes.includes(card.node));
          if (pkg)
            expect(
              inside(
                card,
                g.groups.find((x) => x.kind === "package" && x.os === pkg.os)!,
              ),
            ).toBe(true);
          expect(card.x + card.w).toBeLessThanOrEqual(g.width);
          for (const core of card.cores) expect(core.x + core.w).toBeLessThanOrEqual(card.w);
        }
        for (let i = 0; i < g.cards.length; i++) for (let j = i + 1; j < g.cards.length; j++) expect(overlap(g.cards[i]!, g.cards[j]!)).toBe(false);
      }
    });
  }

  it("draws each of 128 PUs of a node and collapses a node of 256", () => {
    const g128 = hostGeometry(hostBoxes(bigHost(2, 64)), { aspect: 1.5 });
    expect(g128.cards[0]!.cores.flatMap((c) => c.pus)).toHaveLength(128);
    const g256 = hostGeometry(hostBoxes(bigHost(2, 128)), { aspect: 1.5 });
    const card = g256.cards[0]!;
    expect(card.cores.length).toBeLessThanOrEqual(64);
    expect(card.cores.reduce((a, c) => a + c.count, 0)).toBe(128);
    expect(card.cores[0]!.label).toMatch(/^\d+× 0-\d+ \+ 256-\d+$/);
  });

  it("shapes the arrangement to the viewport: a wide viewport gets the EPYC packages side by side", () => {
    const m = hostBoxes(host("epyc-7451-8node"));
    const wide = hostGeometry(m, { aspect: 4 });
    const tall = hostGeometry(m, { aspect: 0.5 });
    expect(wide.width / wide.height).toBeGreaterThan(tall.width / tall.height);
  });
});

describe("packChips", () => {
  it("wraps chips into the card and turns what does not fit into +N", () => {
    const ids = Array.from({ length: 12 }, (_, i) => `ram-node${i}`);
    const { chips, more } = packChips(ids, 200);
    for (const c of [...chips, more!]) {
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.x + c.w).toBeLessThanOrEqual(200);
      expect(c.y + CHIP_H).toBeLessThanOrEqual(CHIP_ROWS * (CHIP_H + CHIP_GAP));
    }
    expect(more!.text).toBe(`+${12 - chips.length}`);
  });

  it("keeps a long id inside the card by shortening it", () => {
    const { chips, more } = packChips(["memory-backend-with-a-very-long-name-indeed"], 120);
    expect(more).toBeUndefined();
    expect(chips[0]!.text.endsWith("…")).toBe(true);
    expect(chips[0]!.w).toBeLessThanOrEqual(120);
  });

  it("puts everything when it fits", () => {
    const { chips, more } = packChips(["a", "b", "c"], 300);
    expect(chips.map((c) => c.text)).toEqual(["a", "b", "c"]);
    expect(more).toBeUndefined();
  });
});

describe("package labels", () => {
  it("count in the singular when there is one (a package of one core and one PU)", () => {
    const one: HostTopology = {
      version: TOPOLOGY_VERSION,
      name: "tiny",
      source: { kind: "sample" },
      nodes: [{ id: 0, cpus: [0], memTotal: 2 ** 30, memFree: 2 ** 29, hugepages: [] }],
      cpus: [{ id: 0, node: 0, socket: 0, core: 0, siblings: [0], online: true }],
      distances: [[10]],
    };
    expect(hostGeometry(hostBoxes(one), { aspect: 1.5 }).groups.map((g) => g.label)).toEqual(["Package 0 · 1 core · 1 PU"]);
    expect(hostGeometry(hostBoxes(host("bm-standard2-52")), { aspect: 1.5 }).groups.map((g) => g.label)).toEqual(["Package 0 · 26 cores · 52 PUs", "Package 1 · 26 cores · 52 PUs"]);
  });
});

describe("room for the guest row", () => {
  it("an arrangement that knows what is drawn below it fits host and guest larger (the CXL sample in a 1280×800 window)", () => {
    const machine = hostBoxes(host("cxl-4node"));
    const aspect = 1.05;
    const below = 250;
    const scale = (g: { width: number; height: number }) => Math.min(aspect / g.width, 1 / (g.height + below));
    const plain = hostGeometry(machine, { aspect });
    const aware = hostGeometry(machine, { aspect, below });
    expect(scale(aware)).toBeGreaterThan(scale(plain) * 1.1);
    expect(aware.width).toBeGreaterThan(plain.width);
    // asked as a function, it is asked with the plain arrangement and gives the same answer
    const asked: number[] = [];
    const viaFunction = hostGeometry(machine, { aspect, below: (p) => (asked.push(p.width), below) });
    expect(asked).toEqual([plain.width]);
    expect(viaFunction).toEqual(aware);
  });
});
