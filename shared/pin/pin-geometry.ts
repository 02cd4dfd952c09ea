// Where the pinning is drawn on the host canvas, in the canvas's units (box-geometry.ts): each
// PU's cell, the node-wide pins as bands (one path per guest node and set, a strip along the
// bottom of every PU it may run on; several guest nodes on one PU stack their strips), the exact
// pins as marks (the vCPU's number on a tag at the PU's lower edge), the reserved PUs as one
// path (drawn hatched), and which PU or node a drop point lands on. Computed from the host
// geometry and the layout only, so the canvas memoises it on those two.

import type { Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import { CARD_FONT, CORE_PAD, PU_H, PU_W, textWidth, type CardGeo, type CoreGeo, type HostGeometry } from "../topology/box-geometry";
import type { GuestGeometry } from "../layout/guest-geometry";
import { formatIdList, idList } from "../cpulist/cpulist";
import { memoryNodesOf } from "../validate/rules/pinning";
import { emulatorHostSet, iothreadHostSet, vcpuGuestNodes, vcpuHostSets } from "./resolve";

export interface PuRect {
  os: number;
  /** the host node's OS number */
  node: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** a band's strip height; strips of several guest nodes on one PU stack upwards */
export const BAND_H = 4;
/** at most this many strips per PU (a fifth guest node shares the top one) */
export const MAX_STRIPS = 4;
/** an exact pin's tag: its height, and how far it hangs below the PU's cell */
export const MARK_H = 11;
export const MARK_DROP = 6.5;
/**
 * A tag's number, in canvas units (a label of more than 3 characters, "0-2", gets MARK_FONT_LONG
 * to fit the tag). The canvas draws it only when it comes out at MARK_READABLE_PX or more on
 * screen; smaller, the tag shows a dot and the guest box's vCPU cell says where it is pinned.
 */
export const MARK_FONT = 9.5;
export const MARK_FONT_LONG = 7;
export const MARK_READABLE_PX = 9;

const rectsOf = new WeakMap<HostGeometry, Map<number, PuRect>>();

/** Every PU drawn one by one, by OS number (PUs of a collapsed run of cores have none). */
export function puRects(geo: HostGeometry): Map<number, PuRect> {
  const known = rectsOf.get(geo);
  if (known) return known;
  const out = new Map<number, PuRect>();
  for (const card of geo.cards) {
    for (const core of card.cores) {
      for (const pu of core.pus) out.set(pu.os, { os: pu.os, node: card.node.os, x: card.x + core.x + pu.x, y: card.y + core.y + CORE_PAD, w: PU_W - 2, h: PU_H });
    }
  }
  rectsOf.set(geo, out);
  return out;
}

/** The part of a card its cores take (a drop there is "this node", a drop on a PU "this PU"). */
export function coresArea(card: CardGeo): { x: number; y: number; w: number; h: number } | undefined {
  if (card.cores.length === 0) return undefined;
  const x0 = Math.min(...card.cores.map((c) => c.x));
  const y0 = Math.min(...card.cores.map((c) => c.y));
  const x1 = Math.max(...card.cores.map((c) => c.x + c.w));
  const y1 = Math.max(...card.cores.map((c) => c.y + c.h));
  return { x: card.x + x0, y: card.y + y0, w: x1 - x0, h: y1 - y0 };
}

export type PinHit = { kind: "pu"; pu: number; node: number } | { kind: "cores"; node: number };

/** What a drop at `p` pins to: a PU's cell, else a card's cores area (node-wide), else nothing. */
export function pinHit(p: { x: number; y: number }, geo: HostGeometry): PinHit | undefined {
  for (const r of puRects(geo).values()) if (p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h) return { kind: "pu", pu: r.os, node: r.node };
  for (const card of geo.cards) {
    const a = coresArea(card);
    if (a && p.x >= a.x && p.x <= a.x + a.w && p.y >= a.y && p.y <= a.y + a.h) return { kind: "cores", node: card.node.os };
  }
  return undefined;
}

export interface Band {
  /** guest node id, -1 for vCPUs in no guest node */
  guest: number;
  /** the host nodes the guest node's memory is bound to (its colour) */
  memory: number[];
  vcpus: number[];
  pus: readonly number[];
  /** vcpus and pus as id lists ("0-3,8"), for the drawing's titles and data attributes */
  vcpuList: string;
  puList: string;
  /** strips on every PU of the set that is drawn, as one path */
  path: string;
}

/** What an exact pin's tag and a collapsed run's mark share: whose vCPUs, in whose colour, where, and its text. */
interface PinTag {
  vcpus: number[];
  /** guest node of the first vCPU (its colour), -1 for none */
  guest: number;
  memory: number[];
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
}

export interface Mark extends PinTag {
  pu: number;
}

/** Exact pins on the PUs of a collapsed run of cores (its cells are not drawn): the run box (x, y, w, h), tinted, with a count ("3 pinned"). */
export interface RunMark extends PinTag {
  node: number;
  pus: number[];
}

export interface PinOverlay {
  bands: Band[];
  marks: Mark[];
  runMarks: RunMark[];
  /** reserved PUs' cells, one path (filled with the hatch) */
  reserved: string;
  reservedPus: number[];
  /** the emulator's and each I/O thread's host CPUs (undefined: not pinned) */
  threads: Array<{ kind: "emulator" | "iothread"; id: string; pus: number[] | undefined }>;
}

const rect = (x: number, y: number, w: number, h: number) => `M${x},${y}h${w}v${h}h${-w}z`;

const stripCache = new WeakMap<HostGeometry, Array<string | undefined>>();
/** A PU's strips as path data, by PU × MAX_STRIPS + slot, kept per geometry: a drop that moves one guest node's pins draws every band again from these. */
function stripsOf(geo: HostGeometry): Array<string | undefined> {
  let m = stripCache.get(geo);
  if (!m) stripCache.set(geo, (m = []));
  return m;
}

/** the largest PU number drawn, per geometry (the strips taken per PU are an array that long) */
const maxPus = new WeakMap<HostGeometry, number>();
function maxPuOf(geo: HostGeometry): number {
  let m = maxPus.get(geo);
  if (m === undefined) {
    m = 0;
    for (const pu of puRects(geo).keys()) if (pu > m) m = pu;
    maxPus.set(geo, m);
  }
  return m;
}

const drawnPus = new WeakMap<HostGeometry, Uint8Array>();
/** 1 for each PU drawn one by one (it has a cell), by PU number, per geometry */
function drawnPusOf(geo: HostGeometry): Uint8Array {
  let d = drawnPus.get(geo);
  if (!d) {
    d = new Uint8Array(maxPuOf(geo) + 1);
    for (const pu of puRects(geo).keys()) d[pu] = 1;
    drawnPus.set(geo, d);
  }
  return d;
}

/** a host set's id list ("0-63,512-575"), by its text ("0,1,…"): the same sets come back drop after drop */
const lists = new Map<string, string>();
function listOf(text: string, pus: readonly number[]): string {
  let l = lists.get(text);
  if (l === undefined) {
    if (lists.size > 512) lists.clear();
    lists.set(text, (l = formatIdList(pus)));
  }
  return l;
}

const lowestCache = new WeakMap<HostGeometry, Map<string, string>>();
/** A set of PUs' lowest strips as one path, by the set's text, kept per geometry (a drop draws the bands it did not move again from these). */
function lowestBandsOf(geo: HostGeometry): Map<string, string> {
  let m = lowestCache.get(geo);
  if (!m) lowestCache.set(geo, (m = new Map()));
  // a long session meets many sets: keep the cache to what a few designs use
  if (m.size > 512) m.clear();
  return m;
}

/** the last overlay made: the pin layer and the thread chips ask for the same one */
let last: { layout: Layout; host: HostTopology; geo: HostGeometry; overlay: PinOverlay } | undefined;

/** The pinning of `layout` as shapes on `geo` (the same object again for the same three inputs). */
export function pinOverlay(layout: Layout, host: HostTopology, geo: HostGeometry): PinOverlay {
  if (last && last.layout === layout && last.host === host && last.geo === geo) return last.overlay;
  const overlay = makeOverlay(layout, host, geo);
  last = { layout, host, geo, overlay };
  return overlay;
}

function makeOverlay(layout: Layout, host: HostTopology, geo: HostGeometry): PinOverlay {
  const rects = puRects(geo);
  const guestOf = vcpuGuestNodes(layout);
  const memo = new Map<number, number[]>();
  const memory = (g: number) => {
    if (!memo.has(g)) memo.set(g, g < 0 ? [] : (memoryNodesOf(layout, g) ?? []));
    return memo.get(g)!;
  };
  // vCPUs by (guest node, host set): a node-wide pin is one group; exact pins are marks
  const groups = new Map<string, { guest: number; vcpus: number[]; pus: readonly number[]; text: string }>();
  const exact = new Map<number, number[]>();
  // vcpuHostSets hands every vCPU of one pin the same array: each array gets a short id once
  // (equal sets from two pins the same one), so a vCPU's group key is not a 500-character string
  const idOfArray = new Map<readonly number[], number>();
  const idOfSet = new Map<string, number>();
  const textOf: string[] = [];
  for (const [v, cpus] of [...vcpuHostSets(layout)].sort((a, b) => a[0] - b[0])) {
    if (cpus.length === 1) {
      exact.set(cpus[0]!, [...(exact.get(cpus[0]!) ?? []), v]);
      continue;
    }
    const guest = guestOf.get(v) ?? -1;
    let id = idOfArray.get(cpus);
    if (id === undefined) {
      const text = cpus.join(",");
      id = idOfSet.get(text);
      if (id === undefined) {
        idOfSet.set(text, (id = idOfSet.size));
        textOf.push(text);
      }
      idOfArray.set(cpus, id);
    }
    const key = `${guest}|${id}`;
    const gr = groups.get(key) ?? { guest, vcpus: [], pus: cpus, text: textOf[id]! };
    gr.vcpus.push(v);
    groups.set(key, gr);
  }
  // strips: each PU stacks the bands on it, in guest node order
  const ordered = [...groups.values()].sort((a, b) => a.guest - b.guest || a.vcpus[0]! - b.vcpus[0]!);
  // strips taken per PU, and each strip's path data kept per geometry (arrays by PU number: a
  // drop on a 1024-PU host draws every band again, and maps cost most of that)
  const slots = new Uint8Array(maxPuOf(geo) + 1);
  const drawn = drawnPusOf(geo);
  const strips = stripsOf(geo);
  const lowest = lowestBandsOf(geo);
  const bands: Band[] = ordered.map((gr) => {
    // a set none of whose PUs has a strip yet (every node-wide pin of a design with one guest
    // node per host node) is drawn as its lowest strips, made once per set and geometry
    const first = gr.pus.every((pu) => !slots[pu]);
    const known = first ? lowest.get(gr.text) : undefined;
    let d = known ?? "";
    for (const pu of gr.pus) {
      if (!drawn[pu]) continue;
      const taken = slots[pu]!;
      // more than 255 bands on one PU draw in the top strip all the same
      if (taken < 255) slots[pu] = taken + 1;
      if (known !== undefined) continue;
      const r = rects.get(pu)!;
      const s = Math.min(MAX_STRIPS - 1, taken);
      const at = pu * MAX_STRIPS + s;
      let strip = strips[at];
      if (strip === undefined) strips[at] = strip = rect(r.x, r.y + r.h - BAND_H * (s + 1), r.w, BAND_H);
      d += strip;
    }
    if (first && known === undefined) lowest.set(gr.text, d);
    return { guest: gr.guest, memory: memory(gr.guest), vcpus: gr.vcpus, pus: gr.pus, vcpuList: formatIdList(gr.vcpus), puList: listOf(gr.text, gr.pus), path: d };
  });
  const marks: Mark[] = [];
  const runs = new Map<CoreGeo, { node: number; x: number; y: number; vcpus: number[]; pus: number[] }>();
  const runOf = collapsedRuns(geo);
  for (const [pu, vcpus] of [...exact].sort((a, b) => a[0] - b[0])) {
    const r = rects.get(pu);
    const run = r ? undefined : runOf.get(pu);
    if (run) {
      const at = runs.get(run.core) ?? { node: run.node, x: run.x, y: run.y, vcpus: [], pus: [] };
      at.vcpus.push(...vcpus);
      at.pus.push(pu);
      runs.set(run.core, at);
    }
    if (!r) continue;
    const guest = guestOf.get(vcpus[0]!) ?? -1;
    marks.push({ pu, vcpus, guest, memory: memory(guest), x: r.x + 1, y: r.y + r.h - MARK_H + MARK_DROP, w: r.w - 2, h: MARK_H, label: vcpus.length === 1 ? String(vcpus[0]) : formatIdList(vcpus) });
  }
  const reservedPus = idList(layout.pinning?.reserved);
  const reserved = reservedPus
    .map((pu) => rects.get(pu))
    .filter((r): r is PuRect => r !== undefined)
    .map((r) => rect(r.x, r.y, r.w, r.h))
    .join("");
  const threads: PinOverlay["threads"] = [{ kind: "emulator", id: "emulator", pus: emulatorHostSet(layout) }];
  for (const t of layout.iothreads ?? []) threads.push({ kind: "iothread", id: t.id, pus: iothreadHostSet(layout, t.id) });
  const runMarks: RunMark[] = [...runs].map(([core, at]) => {
    const vcpus = [...at.vcpus].sort((a, b) => a - b);
    const guest = guestOf.get(vcpus[0]!) ?? -1;
    return { node: at.node, vcpus, pus: at.pus, guest, memory: memory(guest), x: at.x, y: at.y, w: core.w, h: core.h, label: `${vcpus.length} pinned` };
  });
  return { bands, marks, runMarks, reserved, reservedPus, threads };
}

const runsOf = new WeakMap<HostGeometry, Map<number, { core: CoreGeo; node: number; x: number; y: number }>>();
/** Which collapsed run of cores each of its PUs is in, with the run box's place on the canvas (once per geometry). */
function collapsedRuns(geo: HostGeometry): Map<number, { core: CoreGeo; node: number; x: number; y: number }> {
  const known = runsOf.get(geo);
  if (known) return known;
  const out = new Map<number, { core: CoreGeo; node: number; x: number; y: number }>();
  runsOf.set(geo, out);
  for (const card of geo.cards) {
    for (const core of card.cores) {
      for (const pu of core.runPus ?? []) out.set(pu, { core, node: card.node.os, x: card.x + core.x, y: card.y + core.y });
    }
  }
  return out;
}

/** The host CPUs a guest node's vCPUs may run on (for highlighting them while it is hovered). */
export function guestNodePus(layout: Layout, index: number): number[] {
  const guest = layout.nodes[index];
  if (!guest) return [];
  const sets = vcpuHostSets(layout);
  return [...new Set(idList(guest.cpus).flatMap((v) => sets.get(v) ?? []))].sort((a, b) => a - b);
}

export const CHIP_ROW_H = 24;
const CHIP_GAP_X = 8;

export interface ThreadChip {
  kind: "emulator" | "iothread";
  id: string;
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The emulator's and the I/O threads' chips: after the "+ guest node" handle, else on a row of their own under the guest. */
export function threadChips(overlay: Pick<PinOverlay, "threads">, guest: Pick<GuestGeometry, "add" | "width" | "top" | "height">): ThreadChip[] {
  const items = overlay.threads.map((t) => {
    const name = t.kind === "emulator" ? "emulator" : `I/O ${t.id}`;
    const text = `⚙ ${name} → ${t.pus ? `CPU ${formatIdList(t.pus)}` : "any CPU"}`;
    return { kind: t.kind, id: t.id, text, w: textWidth(text, CARD_FONT) + 18 };
  });
  const total = items.reduce((a, c) => a + c.w + CHIP_GAP_X, 0);
  const add = guest.add;
  let x = add.x + add.w + 2 * CHIP_GAP_X;
  let y = add.y + (add.h - CHIP_ROW_H) / 2;
  if (x + total > guest.width) {
    x = 0;
    y = guest.top + guest.height + 10;
  }
  return items.map((c) => {
    if (x > 0 && x + c.w > guest.width) {
      x = 0;
      y += CHIP_ROW_H + 6;
    }
    const chip = { ...c, x, y, h: CHIP_ROW_H };
    x += c.w + CHIP_GAP_X;
    return chip;
  });
}
