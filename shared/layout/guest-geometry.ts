// Where the guest is drawn under the host on the design canvas: a box per guest NUMA node
// (and one for the vCPUs -smp makes that no node names yet), each holding a cell per vCPU,
// in the host drawing's coordinates so the links to host cards and the drop targets share one
// zoom. Pure: the canvas draws it, the hit tests below decide where a drag lands.

import type { Layout } from "./schema";
import { parseIdList } from "../cpulist/cpulist";
import { backendNodes } from "./node-memory";
import { unassignedVcpus } from "./edits";
import type { HostGeometry } from "../topology/box-geometry";
import { wrapRows } from "../topology/wrap-rows";

export const VCPU_W = 26;
export const VCPU_H = 18;
export const VCPU_GAP = 2;
export const GUEST_PAD = 8;
/** title line and the size line under it */
export const GUEST_HEAD = 36;
export const GUEST_GAP = 14;
/** room between the host drawing and the guest row, where the links run */
export const LINK_ROOM = 56;
const MIN_BOX_W = 150;
/** a box never grows wider than this many cells: long lists wrap into rows */
const MAX_COLS = 16;

export interface VcpuCell {
  vcpu: number;
  /** relative to its box */
  x: number;
  y: number;
}

export interface GuestBox {
  /** index into layout.nodes, or -1 for the unassigned vCPUs */
  index: number;
  x: number;
  y: number;
  w: number;
  h: number;
  cells: VcpuCell[];
  /** host nodes its memory is bound to (empty for the unassigned box or an unbound backend) */
  hostNodes: number[];
}

export interface GuestGeometry {
  top: number;
  width: number;
  height: number;
  boxes: GuestBox[];
  /** the "+ guest node" handle, after the last box */
  add: { x: number; y: number; w: number; h: number };
}

export const ADD_W = 124;

const ids = (text: string | undefined): number[] => {
  const r = text === undefined ? undefined : parseIdList(text);
  return r && r.ok ? r.ids : [];
};

function boxFor(index: number, vcpus: number[], cols: number, hostNodes: number[]): Omit<GuestBox, "x" | "y"> {
  const rows = Math.max(1, Math.ceil(vcpus.length / cols));
  const cells = vcpus.map((vcpu, i) => ({ vcpu, x: GUEST_PAD + (i % cols) * (VCPU_W + VCPU_GAP), y: GUEST_HEAD + Math.floor(i / cols) * (VCPU_H + VCPU_GAP) }));
  const w = Math.max(MIN_BOX_W, 2 * GUEST_PAD + cols * (VCPU_W + VCPU_GAP) - VCPU_GAP);
  return { index, w, h: GUEST_HEAD + rows * (VCPU_H + VCPU_GAP) - VCPU_GAP + GUEST_PAD, cells, hostNodes };
}

/** The guest row under the host drawing: boxes left to right, wrapping at the host's width (or four boxes' width, if wider) and after as many boxes as the host has columns of cards. */
export function guestGeometry(layout: Layout, host: Pick<HostGeometry, "width" | "height"> & Partial<Pick<HostGeometry, "cards">>): GuestGeometry {
  const top = host.height + LINK_ROOM;
  // backends by id, the first of a repeated id as `find` gave: one lookup per node, not a search (2048 pasted nodes)
  const byId = new Map<string, (typeof layout.backends)[number]>();
  for (const b of layout.backends) if (!byId.has(b.id)) byId.set(b.id, b);
  const lists: Array<{ index: number; vcpus: number[]; hostNodes: number[] }> = layout.nodes.map((n, index) => {
    const b = n.memdev ? byId.get(n.memdev) : undefined;
    return { index, vcpus: ids(n.cpus), hostNodes: b ? backendNodes(b) : [] };
  });
  const free = unassignedVcpus(layout);
  if (free.length) lists.push({ index: -1, vcpus: free, hostNodes: [] });
  // wrap at the host's width, but never narrower than room for four boxes side by side: under a
  // small host (one node, a few PUs) a dozen guest nodes would otherwise stack into one tall
  // column, and fitting that to the panel shrinks the host below readable
  const width = Math.max(host.width, MIN_BOX_W, Math.min(lists.length, 4) * (MIN_BOX_W + GUEST_GAP) - GUEST_GAP);
  // as many columns as share the width fairly among the boxes, within MAX_COLS
  const perBox = (width - GUEST_GAP * Math.max(0, lists.length - 1)) / Math.max(1, lists.length);
  const fitCols = Math.floor((perBox - 2 * GUEST_PAD + VCPU_GAP) / (VCPU_W + VCPU_GAP));
  // boxes in the order their host cards are read (top to bottom, left to right; unbound ones last), cut into rows as wide as the
  // host's columns, so each box sits about under its card's column: the same order as the guest nodes' when the host is drawn in node order
  const cardAt = new Map((host.cards ?? []).map((c) => [c.node.os, c]));
  const place = (l: (typeof lists)[number]) => {
    const c = l.hostNodes.length ? cardAt.get(l.hostNodes[0]!) : undefined;
    return c ? [Math.round(c.y), c.x] : [Infinity, Infinity];
  };
  // a row holds at most as many boxes as the host has columns of cards (four at least): with one
  // box per host node, guest node i then sits about under host node i's column and its link
  // rises instead of crossing the canvas (the EPYC's 8 nodes in 2 packages of 4)
  const perRow = Math.max(4, new Set((host.cards ?? []).map((c) => Math.round(c.x))).size);
  const read = lists.map((l, i) => ({ l, i, at: place(l) })).sort((a, b) => a.at[0]! - b.at[0]! || a.at[1]! - b.at[1]! || a.i - b.i);
  // inside a row, left to right as their cards are: guest nodes on the EPYC's nodes 0, 2, 4 and 6
  // (read order 0, 4, 2, 6: 2 and 6 are the second card row) would else draw as 0, 2, 1, 3 with
  // crossing links; sorted by the card's column, then its row, the links cannot cross
  const ordered = read
    .flatMap((_, i) => (i % perRow === 0 ? [read.slice(i, i + perRow).sort((a, b) => a.at[1]! - b.at[1]! || a.at[0]! - b.at[0]! || a.i - b.i)] : []))
    .flat()
    .map((o) => o.l);
  const items = ordered.map((l) => boxFor(l.index, l.vcpus, Math.max(4, Math.min(MAX_COLS, fitCols, Math.max(1, l.vcpus.length))), l.hostNodes));
  const at = [...items.flatMap((_, i) => (i % perRow === 0 ? [items.slice(i, i + perRow)] : [])).entries()].flatMap(([row, chunk]) =>
    wrapRows(chunk, width, GUEST_GAP).placed.map((p) => Object.assign(p, { row })),
  );
  // rows stacked: each chunk wrapped on its own (a very narrow host may still wrap inside one), then shifted under the last
  let rowTop = 0;
  const byRow = new Map<number, typeof at>();
  for (const p of at) {
    const row = byRow.get(p.row);
    if (row) row.push(p);
    else byRow.set(p.row, [p]);
  }
  for (let r = 0, i = 0; i < at.length; r++) {
    const inRow = byRow.get(r) ?? [];
    for (const p of inRow) p.y += rowTop;
    rowTop = Math.max(...inRow.map((p) => p.y + p.h)) + GUEST_GAP;
    i += inRow.length;
  }
  // the "+ guest node" handle flows on after the last box, on its row if there is room
  const last = at[at.length - 1];
  const lastRight = last ? last.x + last.w + GUEST_GAP : 0;
  const addAt = !last ? { x: 0, y: 0 } : lastRight + ADD_W <= width ? { x: lastRight, y: last.y } : { x: 0, y: rowTop };
  at.push({ ...addAt, w: ADD_W, h: GUEST_HEAD, row: -1 } as (typeof at)[number]);
  const boxes: GuestBox[] = items.map((b, i) => Object.assign({}, b, { x: at[i]!.x, y: top + at[i]!.y }));
  const add = { x: at[items.length]!.x, y: top + at[items.length]!.y, w: ADD_W, h: GUEST_HEAD };
  const bottom = boxes.reduce((a, b) => Math.max(a, b.y + b.h), add.y + add.h);
  return { top, width: Math.max(width, ...boxes.map((b) => b.x + b.w)), height: bottom - top, boxes, add };
}

export interface Point {
  x: number;
  y: number;
}

const inside = (p: Point, r: { x: number; y: number; w: number; h: number }) => p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h;

/** What is under a point of the drawing: a guest box, a host card, or empty space. */
export type Hit = { kind: "guest"; index: number } | { kind: "host"; node: number } | { kind: "empty" };

export function hitTest(p: Point, host: Pick<HostGeometry, "cards">, guest: GuestGeometry): Hit {
  const g = guest.boxes.find((b) => inside(p, b));
  if (g) return { kind: "guest", index: g.index };
  const c = host.cards.find((card) => inside(p, card));
  if (c) return { kind: "host", node: c.node.os };
  return { kind: "empty" };
}

/** The host card nearest a point (for a drop on empty space). */
export function nearestCard(p: Point, host: Pick<HostGeometry, "cards">): number | undefined {
  let best: { node: number; d: number } | undefined;
  for (const c of host.cards) {
    const dx = Math.max(c.x - p.x, 0, p.x - (c.x + c.w));
    const dy = Math.max(c.y - p.y, 0, p.y - (c.y + c.h));
    const d = dx * dx + dy * dy;
    if (!best || d < best.d) best = { node: c.node.os, d };
  }
  return best?.node;
}

/** vCPUs whose cells a lasso rectangle (drawing coordinates, any corner order) touches. */
export function lassoVcpus(a: Point, b: Point, guest: GuestGeometry): number[] {
  const x0 = Math.min(a.x, b.x);
  const x1 = Math.max(a.x, b.x);
  const y0 = Math.min(a.y, b.y);
  const y1 = Math.max(a.y, b.y);
  const out: number[] = [];
  for (const box of guest.boxes) {
    for (const c of box.cells) {
      const cx = box.x + c.x;
      const cy = box.y + c.y;
      if (cx <= x1 && cx + VCPU_W >= x0 && cy <= y1 && cy + VCPU_H >= y0) out.push(c.vcpu);
    }
  }
  return out.sort((p, q) => p - q);
}

type Rect = { x: number; y: number; w: number; h: number };

/** Does the vertical band x0..x1 between y0 (top) and y1 cross the rectangle? */
const crosses = (x0: number, x1: number, y0: number, y1: number, r: Rect) => Math.max(x0, x1) >= r.x && Math.min(x0, x1) <= r.x + r.w && y1 >= r.y && y0 <= r.y + r.h;

/** How far a routed link keeps from a card it passes. */
const LINK_CLEAR = 5;

/**
 * An x for a link's vertical run beside `card` from `bottom` up to `top`, starting just
 * outside the card on `side` and moving further out past every other card that run would
 * touch (with a memory-only node stacked under its package, "just left of the card" is
 * along that node's border).
 */
function corridor(card: Rect, side: -1 | 1, top: number, bottom: number, slot: number, others: readonly Rect[]): number {
  let x = side < 0 ? card.x - LINK_CLEAR - slot * 3 : card.x + card.w + LINK_CLEAR + slot * 3;
  for (let moved = true, n = 0; moved && n < others.length + 1; n++) {
    moved = false;
    for (const r of others) {
      if (r === card || !crosses(x - 2, x + 2, top, bottom, r)) continue;
      x = side < 0 ? r.x - LINK_CLEAR - slot * 3 : r.x + r.w + LINK_CLEAR + slot * 3;
      moved = true;
    }
  }
  return x;
}

/**
 * A link from a guest box's top to a host card, as SVG path data. A box in a lower guest row
 * first climbs out through the gaps between the boxes above it (not through them). Then
 * straight to the card's bottom (a smooth S) when no other card is in the way; else up a gap
 * beside the card that no other card touches (left or right, whichever is nearer the box) and
 * into its side, so the link is never drawn over, or along the border of, another node's card.
 */
export function linkPath(box: Pick<GuestBox, "x" | "y" | "w">, card: Rect, slot = 0, slots = 1, others: readonly Rect[] = [], guests: readonly Rect[] = []): string {
  let x1 = box.x + (box.w * (slot + 1)) / (slots + 1);
  let y1 = box.y;
  let lead = `M${x1},${y1}`;
  for (let n = 0; n < guests.length; n++) {
    // the lowest box above the start that the way straight up would pass through
    const above = guests.filter((g) => g.y + g.h <= y1 && x1 >= g.x - 1 && x1 <= g.x + g.w + 1).sort((a, b) => b.y + b.h - (a.y + a.h))[0];
    if (!above) break;
    const gapY = y1 - GUEST_GAP / 2;
    const gapX = x1 - above.x < above.x + above.w - x1 ? above.x - GUEST_GAP / 2 : above.x + above.w + GUEST_GAP / 2;
    lead += `L${x1},${gapY}L${gapX},${gapY}`;
    x1 = gapX + slot * 2;
    y1 = above.y - GUEST_GAP / 2;
    lead += `L${x1},${gapY}L${x1},${y1}`;
  }
  const x2 = card.x + card.w / 2;
  const y2 = card.y + card.h;
  const inWay = others.filter((r) => r !== card && crosses(x1, x2, y2, y1, r));
  if (inWay.length === 0) {
    const my = (y1 + y2) / 2;
    return `${lead}C${x1},${my} ${x2},${my} ${x2},${y2}`;
  }
  const side = card.y + card.h - 14;
  // the run goes from under the lowest card in the way up to the card's side
  const low = Math.max(...inWay.map((r) => r.y + r.h)) + 10;
  const [gapX, below] = ([-1, 1] as const)
    .map((dir) => {
      const x = corridor(card, dir, side, low, slot, others);
      // cards between the box and the run, which the curve to it must pass under
      const under = others.filter((r) => r !== card && crosses(x1, x, side, y1, r)).map((r) => r.y + r.h + 10);
      return [x, Math.min(y1, Math.max(low, ...under))] as const;
    })
    .sort((a, b) => Math.abs(a[0] - x1) - Math.abs(b[0] - x1))[0]!;
  const my = (y1 + below) / 2;
  const into = gapX < card.x ? card.x : card.x + card.w;
  return `${lead}C${x1},${my} ${gapX},${my} ${gapX},${below}L${gapX},${side + 8}Q${gapX},${side} ${into},${side}`;
}
