// Where each box of the host's box model goes on the canvas, in canvas units (1 unit = 1 CSS
// pixel at zoom 1): packages as containers, dies inside them, node cards with their cores
// (SMT siblings side by side in one core box), memory and chip areas of a fixed size, so an
// edit of the layout never moves a box. The arrangement (how many boxes per row) is chosen to
// show the host as large as the viewport allows; nodes with more than 128 PUs, or all of them
// when asked, show runs of identical cores as one box (lstopo's collapsing).

import { coreRuns, runLabel, type MachineBox, type NodeBox } from "./boxes";
import { formatIdList } from "../cpulist/cpulist";
import { humanSize } from "../size/size";
import { plural } from "../text/plural";
import { wrapRows } from "./wrap-rows";
import { pciModel } from "./format-pci";

export const PU_W = 24;
export const PU_H = 17;
export const CORE_PAD = 2;
export const CORE_GAP = 3;
export const CARD_PAD = 8;
/** title line and thread-context line above the cores */
export const CARD_HEAD = 42;
/** memory bar and its legend (total/free, what the layout binds, over-commit); a fourth line for nodes with huge-page pools */
export const MEM_H = 60;
export const HUGE_LINE = 14;
/** a row per PCI device on a node (attach it to the guest from there), two lines (address and kind; the model) so a narrow card still names the device; at most PCI_ROWS_MAX, the last "+N more". Its text is the card's small
 * text (CARD_FONT): at 10 units it was 8 px on a host with devices fitted at about 0.8 */
export const PCI_LINE = 32;
export const PCI_ROWS_MAX = 8;
/**
 * A card with devices is as wide as its longest model name up to this (canvas units): at the
 * 184-unit minimum the GPU/NIC sample read "I350 Gigabit Network Connecti…" and "81:00.0 · Ether…".
 * Longer names (Intel's chipset parts, 300+) still end in "…", whole in the row's tooltip.
 */
export const PCI_TEXT_MAX = 240;
/** room between the last device row and the chips below it (they touched) */
export const PCI_GAP = 6;
export const pciRowCount = (devices: number) => Math.min(devices, PCI_ROWS_MAX);
/** an L3 group's frame around its cores: padding and its label line */
export const L3_PAD = 3;
export const L3_HEAD = 14;
export const CHIP_H = 17;
export const CHIP_GAP = 4;
export const CHIP_ROWS = 2;
/**
 * The canvas's small text (memory legend, thread-context line, chips, a card title's counts,
 * collapsed runs' labels), in canvas units. 12, not the panel's 11: the 8-node EPYC sample fits
 * a 1280×800 window at about 0.79, and 12 units come out at 9.5 CSS px there (11 gave 8.7).
 */
export const CARD_FONT = 12;
export const CHIP_FONT = CARD_FONT;
/** a card title's "node N", and an L3 frame's label (it has only its frame's head line) */
export const TITLE_FONT = 13;
export const L3_FONT = 10.5;
const CARD_MIN_W = 184;
const GROUP_PAD = 10;
const GROUP_HEAD = 22;
/** a package's or die's label (bold, whose advance is about 12 % wider than textWidth's average) */
export const GROUP_FONT = 13;
const BOLD_ADVANCE = 1.12;
const GAP = 12;
/** the most PUs a card draws one by one; beyond it identical cores collapse */
export const MAX_PUS_DRAWN = 128;

export interface CoreGeo {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** PUs drawn one by one (empty for a collapsed run) */
  pus: Array<{ os: number; online: boolean; x: number }>;
  /** cores this box stands for: > 1 for a collapsed run */
  count: number;
  /** "7× PU 0-6 + 52-58" for a collapsed run */
  label?: string;
  /** a collapsed run's PUs (what the pin layer counts pins on; its cells are not drawn) */
  runPus?: number[];
  title: string;
}

export interface CardGeo {
  node: NodeBox;
  x: number;
  y: number;
  w: number;
  h: number;
  /** relative to the card */
  cores: CoreGeo[];
  memY: number;
  chipsY: number;
  /** L3 groups' frames around their cores, relative to the card (empty without caches) */
  l3: Array<{ x: number; y: number; w: number; h: number; label: string; title: string }>;
  /** where the PCI line goes (below the memory), when the node has devices */
  pciY?: number;
}

export interface GroupGeo {
  kind: "package" | "die";
  os: number;
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
}

export interface HostGeometry {
  width: number;
  height: number;
  groups: GroupGeo[];
  cards: CardGeo[];
}

/** What a card without CPUs says about who preallocates its memory. */
export function memoryOnlyNote(node: NodeBox): string {
  if (!node.memoryOnly) return "";
  return node.preallocFrom !== undefined ? `no CPUs: node ${node.preallocFrom} preallocates it` : "no CPUs";
}

/** Average advance of the UI font, in ems: what text needs without a DOM to measure it. */
const EM_ADVANCE = 0.58;
export function textWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * EM_ADVANCE);
}

/** Text clipped to `width` units at `fontSize` (estimated widths, as above), ending in "…" when cut: a legend, a chip, a label; the whole text goes in a title. */
export function clipText(text: string, width: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= width) return text;
  let s = text;
  while (s.length > 1 && textWidth(s + "…", fontSize) > width) s = s.slice(0, -1);
  return s + "…";
}

interface Item {
  w: number;
  h: number;
}

/**
 * Items in rows about three times wider than tall (never narrower than `minW` or the widest
 * item), at 0,0: cores inside a card or an L3 frame, and L3 frames inside a card.
 */
function rows<T extends Item>(items: readonly T[], minW: number) {
  const area = items.reduce((a, b) => a + (b.w + CORE_GAP) * (b.h + CORE_GAP), 0);
  return wrapRows(items, Math.max(minW, Math.sqrt(area * 3), ...items.map((b) => b.w)), CORE_GAP);
}

/** A node card's own content, placed at 0,0; cards of equal nodes look alike wherever they go. */
export function cardContent(node: NodeBox, collapse: boolean): Omit<CardGeo, "x" | "y"> {
  const maxBoxes = collapse ? 8 : node.puCount > MAX_PUS_DRAWN ? Math.floor(MAX_PUS_DRAWN / Math.max(1, node.threadsPerCore)) : Infinity;
  const box = (run: ReturnType<typeof coreRuns>[number]) => {
    const first = run.cores[0]!;
    const key = `${first.package}/${first.os}`;
    const title = `core ${first.os} of package ${first.package}: PU ${runLabel(run)}`;
    if (run.cores.length === 1) {
      const w = first.pus.length * PU_W + 2 * CORE_PAD;
      return { key, w, h: PU_H + 2 * CORE_PAD, count: 1, title, pus: first.pus.map((p, k) => ({ os: p.os, online: p.online, x: CORE_PAD + k * PU_W })) };
    }
    const label = `${run.cores.length}× ${runLabel(run)}`;
    return {
      key,
      w: Math.max(2 * PU_W, textWidth(label, CARD_FONT) + 8),
      h: PU_H + 2 * CORE_PAD,
      count: run.cores.length,
      label,
      pus: [],
      runPus: run.cores.flatMap((c) => c.pus.map((p) => p.os)),
      title: `${run.cores.length} cores, PU ${runLabel(run)}`,
    };
  };
  // the title: "node N" at TITLE_FONT, its counts at CARD_FONT
  const titleW =
    Math.max(textWidth(`node ${node.os}`, TITLE_FONT) + textWidth(` · ${node.cores.length} cores · ${node.puCount} PUs`, CARD_FONT), textWidth(memoryOnlyNote(node), CARD_FONT)) + 2 * CARD_PAD;
  const cores: CoreGeo[] = [];
  const l3: CardGeo["l3"] = [];
  let gridW: number;
  let gridH: number;
  if (!node.l3) {
    const g = rows(coreRuns(node, maxBoxes).map(box), Math.max(CARD_MIN_W - 2 * CARD_PAD, titleW - 2 * CARD_PAD));
    // the placed cores are wrapRows's own copies: moved in place
    for (const b of g.placed) cores.push(Object.assign(b, { x: CARD_PAD + b.x, y: CARD_HEAD + b.y }));
    gridW = g.w;
    gridH = g.h;
  } else {
    // each L3 group is a frame holding its own cores (runs never cross a group), the frames
    // flowing in rows like cores do
    const share = Number.isFinite(maxBoxes) ? Math.max(1, Math.floor(maxBoxes / node.l3.length)) : Infinity;
    const frames = node.l3.map((g) => {
      const label = `L3 ${g.size > 0 ? humanSize(g.size) : ""}`.trim();
      const inner = rows(coreRuns({ ...node, cores: g.cores }, share).map(box), 0);
      return { g, inner, label, w: Math.max(inner.w, textWidth(label, L3_FONT)) + 2 * L3_PAD, h: inner.h + L3_HEAD + L3_PAD };
    });
    const placed = rows(frames, Math.max(CARD_MIN_W - 2 * CARD_PAD, titleW - 2 * CARD_PAD));
    for (const f of placed.placed) {
      const fx = CARD_PAD + f.x;
      const fy = CARD_HEAD + f.y;
      l3.push({ x: fx, y: fy, w: f.w, h: f.h, label: f.label, title: `L3 ${f.g.size > 0 ? humanSize(f.g.size) : "(size unknown)"} shared by PU ${formatIdList(f.g.cpus)}` });
      for (const b of f.inner.placed) cores.push(Object.assign(b, { x: fx + L3_PAD + b.x, y: fy + L3_HEAD + b.y }));
    }
    gridW = placed.w;
    gridH = placed.h;
  }
  const pciW = node.pci ? Math.min(PCI_TEXT_MAX, Math.max(...node.pci.slice(0, PCI_ROWS_MAX).map((d) => textWidth(pciModel(d), CARD_FONT)))) + 2 * CARD_PAD : 0;
  const w = Math.max(CARD_MIN_W, titleW, gridW + 2 * CARD_PAD, pciW);
  const memY = CARD_HEAD + gridH + (cores.length ? 10 : 0);
  const pciAt = memY + MEM_H + (node.hugepages.length ? HUGE_LINE : 0);
  const chipsY = pciAt + (node.pci ? PCI_LINE * pciRowCount(node.pci.length) + PCI_GAP : 0);
  return { node, w, h: chipsY + CHIP_ROWS * (CHIP_H + CHIP_GAP) + CARD_PAD - CHIP_GAP, cores, memY, chipsY, l3, ...(node.pci ? { pciY: pciAt } : {}) };
}

/** Items left to right in rows of `cols`; returns the size taken. */
function flow(items: Item[], cols: number, gap: number): { w: number; h: number; at: Array<[number, number]> } {
  const at: Array<[number, number]> = [];
  let y = 0;
  let w = 0;
  for (let i = 0; i < items.length; i += cols) {
    const row = items.slice(i, i + cols);
    let x = 0;
    for (const it of row) {
      at.push([x, y]);
      x += it.w + gap;
    }
    w = Math.max(w, x - gap);
    y += Math.max(...row.map((r) => r.h)) + gap;
  }
  return { w, h: Math.max(0, y - gap), at };
}

/**
 * The whole host, arranged to be as large as possible in a viewport of the given aspect
 * (width / height). Packages hold their nodes (through their dies when the model has them);
 * memory-only nodes and nodes spanning packages sit beside the packages. `below`: canvas
 * units drawn under the host in the same view (the guest row), which a tall arrangement
 * would have to shrink with; given as a function, it is asked with the arrangement chosen
 * without it (the guest row takes its width from the host), and the same arrangements are
 * weighed again, so cards are laid out once.
 */
export function hostGeometry(machine: MachineBox, opts: { aspect: number; collapse?: boolean; below?: number | ((plain: HostGeometry) => number) }): HostGeometry {
  const content = new Map(machine.nodes.map((n) => [n.os, cardContent(n, opts.collapse ?? false)]));
  const maxInner = Math.max(1, ...machine.packages.map((p) => (p.dies ? Math.max(p.dies.length, ...p.dies.map((d) => d.nodes.length)) : p.nodes.length)));
  const outerCount = machine.packages.length + machine.looseNodes.length;
  const options: HostGeometry[] = [];
  for (let inner = 1; inner <= maxInner; inner++) {
    for (let outer = 1; outer <= Math.max(1, outerCount); outer++) options.push(arrange(machine, content, inner, outer));
  }
  const best = (below: number) => {
    let pick: { k: number; geo: HostGeometry } | undefined;
    for (const geo of options) {
      const k = Math.min(opts.aspect / geo.width, 1 / (geo.height + below));
      if (!pick || k > pick.k * 1.001) pick = { k, geo };
    }
    return pick!.geo;
  };
  if (typeof opts.below !== "function") return best(opts.below ?? 0);
  return best(opts.below(best(0)));
}

function arrange(machine: MachineBox, content: Map<number, Omit<CardGeo, "x" | "y">>, inner: number, outer: number): HostGeometry {
  const groups: GroupGeo[] = [];
  const cards: CardGeo[] = [];
  // build bottom-up with relative positions, then shift everything when the parent is placed
  type Built = { w: number; h: number; groups: GroupGeo[]; cards: CardGeo[] };
  const shift = (b: Built, dx: number, dy: number) => {
    for (const g of b.groups) {
      g.x += dx;
      g.y += dy;
    }
    for (const c of b.cards) {
      c.x += dx;
      c.y += dy;
    }
  };
  const cardItem = (n: NodeBox): Built => {
    const c = content.get(n.os)!;
    return { w: c.w, h: c.h, groups: [], cards: [Object.assign({}, c, { x: 0, y: 0 })] };
  };
  const container = (kind: GroupGeo["kind"], os: number, label: string, children: Built[], cols: number): Built => {
    const f = flow(children, cols, GAP);
    children.forEach((ch, i) => shift(ch, GROUP_PAD + f.at[i]![0], GROUP_HEAD + f.at[i]![1]));
    const w = Math.max(f.w + 2 * GROUP_PAD, textWidth(label, GROUP_FONT * BOLD_ADVANCE) + 2 * GROUP_PAD);
    const h = f.h + GROUP_HEAD + GROUP_PAD;
    return { w, h, groups: [{ kind, os, x: 0, y: 0, w, h, label }, ...children.flatMap((c) => c.groups)], cards: children.flatMap((c) => c.cards) };
  };
  const top: Built[] = machine.packages.map((p) => {
    const label = `Package ${p.os} · ${plural(p.coreCount, "core")} · ${plural(p.puCount, "PU")}`;
    if (p.dies) {
      const dies = p.dies.map((d) => container("die", d.os, `Die ${d.os}`, d.nodes.map(cardItem), inner));
      return container("package", p.os, label, dies, inner);
    }
    return container("package", p.os, label, p.nodes.map(cardItem), inner);
  });
  top.push(...machine.looseNodes.map(cardItem));
  const f = flow(top, outer, GAP * 1.5);
  top.forEach((t, i) => {
    shift(t, f.at[i]![0], f.at[i]![1]);
    groups.push(...t.groups);
    cards.push(...t.cards);
  });
  cards.sort((a, b) => a.node.index - b.node.index);
  return { width: Math.max(1, f.w), height: Math.max(1, f.h), groups, cards };
}

/** Chips that fit a card's chip area: wrapped into rows, truncated to the card, the rest as "+N". */
export interface ChipGeo {
  id: string;
  x: number;
  y: number;
  w: number;
  text: string;
}

export function packChips(ids: readonly string[], width: number, rows = CHIP_ROWS): { chips: ChipGeo[]; more: ChipGeo | undefined } {
  const chipW = (t: string) => textWidth(t, CHIP_FONT) + 14;
  // a chip's text takes its width less the chip's 14 units of padding
  const fitText = (t: string, room: number) => clipText(t, room - 14, CHIP_FONT);
  const chips: ChipGeo[] = [];
  const rowY = (r: number) => r * (CHIP_H + CHIP_GAP);
  const more = (count: number): { chips: ChipGeo[]; more: ChipGeo } => {
    const last = chips[chips.length - 1];
    const x = last && last.y === rowY(rows - 1) ? last.x + last.w + CHIP_GAP : 0;
    return { chips, more: { id: "+more", x, y: rowY(rows - 1), w: chipW(`+${count}`), text: `+${count}` } };
  };
  // the last row keeps room for "+N" while chips remain after the one being placed
  const reserve = (row: number, i: number) => (row === rows - 1 && i < ids.length - 1 ? chipW(`+${ids.length - i - 1}`) + CHIP_GAP : 0);
  let row = 0;
  let x = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (x > 0 && x + chipW(id) + reserve(row, i) > width) {
      row++;
      x = 0;
    }
    if (row >= rows) return more(ids.length - i);
    const room = width - x - reserve(row, i);
    if (room < chipW("ab…")) return more(ids.length - i);
    const text = fitText(id, room);
    const w = Math.min(chipW(text), room);
    chips.push({ id, x, y: rowY(row), w, text });
    x += w + CHIP_GAP;
  }
  return { chips, more: undefined };
}
