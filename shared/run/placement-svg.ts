// A run's placement plot as an SVG string, drawn on the run's own topology: x is time since
// QEMU was spawned, y the CPUs grouped in node bands; one mark per sample of a touch_pages
// thread, coloured by its backend's node, and marks on a CPU of another node drawn larger
// with a dark outline so they stand out. Pure: no DOM, strings only, everything from the
// record escaped.

import { escapeHtml as esc } from "../text/html";
import { cpuNodes } from "./evidence";
import { TOUCH_PAGES, type RunRecord } from "./types";

/** Node colours, distinguishable in light and dark surroundings and for common colour blindness. */
export const NODE_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#7f7f7f"];
const nodeColour = (n: number) => (n >= 0 ? NODE_COLOURS[n % NODE_COLOURS.length]! : "#999999");
const OFF_OUTLINE = "#d00000";
// A plot of more marks than this is thinned (every k-th on-node mark kept); off-node marks are all kept.
export const MAX_MARKS = 20_000;

export interface PlotOptions {
  /** the time axis' end, shared by the plots of a report so they compare at a glance */
  endMs?: number;
  width?: number;
}

function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();

export function placementPlotSvg(r: RunRecord, opts: PlotOptions = {}): string {
  const nodeOf = cpuNodes(r);
  const nodes = [...new Set(nodeOf.values())].sort((a, b) => a - b);
  const rows = [...nodeOf.keys()].sort((a, b) => nodeOf.get(a)! - nodeOf.get(b)! || a - b);
  const rowOf = new Map(rows.map((c, i) => [c, i]));
  const rowH = Math.max(4, Math.min(18, Math.floor(360 / Math.max(1, rows.length))));
  const labelEvery = Math.ceil(10 / rowH);
  const W = opts.width ?? 900;
  const left = 110;
  const right = 16;
  const top = 12;
  const plotH = rows.length * rowH;
  const H = top + plotH + 40;
  const s = r.samples;
  const lastT = s.t.reduce((a, t) => Math.max(a, t), 0);
  const end = Math.max(1, opts.endMs ?? Math.max(lastT, r.timings.preallocMs ?? 0, 1));
  const x = (t: number) => left + (Math.min(t, end) / end) * (W - left - right);
  const y = (cpu: number) => top + (rowOf.get(cpu) ?? 0) * rowH;

  const workers = new Map(r.threads.filter((t) => t.name === TOUCH_PAGES).map((t) => [t.tid, t]));
  const backendNodes = new Map(r.backends.map((b) => [b.id, b.hostNodes]));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="placement" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(`Placement of the touch_pages threads of ${r.id}`)}">`);
  // node bands with their CPUs
  for (const n of nodes) {
    const mine = rows.filter((c) => nodeOf.get(c) === n);
    const y0 = y(mine[0]!);
    const h = mine.length * rowH;
    out.push(`<rect class="band" x="${left}" y="${y0}" width="${W - left - right}" height="${h}" fill="${nodeColour(n)}" fill-opacity="0.08" stroke="${nodeColour(n)}" stroke-opacity="0.5"/>`);
    out.push(`<text class="node-label" x="4" y="${fmt(y0 + h / 2 + 4)}" fill="${nodeColour(n)}" font-weight="bold">node ${n}</text>`);
    mine.forEach((c, i) => {
      if (i % labelEvery === 0) out.push(`<text class="cpu-label" x="${left - 6}" y="${fmt(y(c) + rowH / 2 + 3)}" text-anchor="end" font-size="${Math.min(11, rowH + 2)}">CPU ${c}</text>`);
    });
  }
  // time axis
  const step = niceStep(end, 8);
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${W - right}" y2="${top + plotH}" stroke="currentColor"/>`);
  for (let t = 0; t <= end + 1e-9; t += step) {
    out.push(
      `<line x1="${fmt(x(t))}" y1="${top + plotH}" x2="${fmt(x(t))}" y2="${top + plotH + 4}" stroke="currentColor"/><text x="${fmt(x(t))}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${end >= 2000 ? `${fmt(t / 1000)} s` : `${Math.round(t)} ms`}</text>`,
    );
  }
  out.push(`<text x="${fmt((left + W - right) / 2)}" y="${H - 6}" text-anchor="middle" font-size="11">time since QEMU started</text>`);
  if (r.timings.preallocMs !== undefined) {
    const px = fmt(x(r.timings.preallocMs));
    out.push(
      `<line class="prealloc-done" x1="${px}" y1="${top}" x2="${px}" y2="${top + plotH}" stroke="currentColor" stroke-dasharray="4 3"/><text x="${px}" y="${top + 10}" font-size="10" dx="3">preallocated</text>`,
    );
  }
  // marks
  const idx: number[] = [];
  let offCount = 0;
  const off = new Uint8Array(s.t.length);
  for (let i = 0; i < s.t.length; i++) {
    const w = workers.get(s.tid[i]!);
    if (!w || !rowOf.has(s.cpu[i]!)) continue;
    const home = w.backend ? (backendNodes.get(w.backend) ?? []) : [];
    if (home.length > 0 && !home.includes(s.node[i]!)) {
      off[i] = 1;
      offCount++;
    }
    idx.push(i);
  }
  const onCount = idx.length - offCount;
  const stride = Math.max(1, Math.ceil(onCount / Math.max(1, MAX_MARKS - offCount)));
  let drawn = 0;
  let seenOn = 0;
  const markW = 3;
  const onMarks: string[] = [];
  const offMarks: string[] = [];
  for (const i of idx) {
    if (!off[i] && seenOn++ % stride !== 0) continue;
    const w = workers.get(s.tid[i]!)!;
    const home = w.backend ? (backendNodes.get(w.backend) ?? []) : [];
    const colour = nodeColour(home[0] ?? -1);
    const tip = esc(
      `touch_pages ${s.tid[i]}${w.backend ? ` (${w.backend})` : ""} · CPU ${s.cpu[i]} · node ${s.node[i]} · ${Math.round(s.t[i]!)} ms · ${s.state[i] ?? "?"}${off[i] ? " · off-node" : ""}`,
    );
    const cx = x(s.t[i]!);
    const cy = y(s.cpu[i]!);
    (off[i] ? offMarks : onMarks).push(
      off[i]
        ? `<rect class="mark off" x="${fmt(cx - markW)}" y="${fmt(cy + 0.5)}" width="${markW * 2}" height="${Math.max(2, rowH - 1)}" fill="${colour}" stroke="${OFF_OUTLINE}" stroke-width="1.5"><title>${tip}</title></rect>`
        : `<rect class="mark" x="${fmt(cx - markW / 2)}" y="${fmt(cy + rowH * 0.2)}" width="${markW}" height="${fmt(Math.max(2, rowH * 0.6))}" fill="${colour}"><title>${tip}</title></rect>`,
    );
    drawn++;
  }
  // off-node marks last: drawn on top
  out.push(`<g class="marks" data-marks="${drawn}" data-off-node="${offCount}" data-thinned="${stride}">`, onMarks.join(""), offMarks.join(""), `</g>`);
  if (idx.length === 0) out.push(`<text x="${fmt((left + W) / 2)}" y="${fmt(top + plotH / 2)}" text-anchor="middle" font-size="13">no touch_pages thread was sampled</text>`);
  out.push(`</svg>`);
  return out.join("");
}

/** The legend beside a plot, as HTML: one entry per backend with its node's colour, and the off-node mark. */
export function placementLegendHtml(r: RunRecord): string {
  const workers = r.threads.filter((t) => t.name === TOUCH_PAGES);
  const items = r.backends
    .filter((b) => workers.some((t) => t.backend === b.id))
    .map((b) => {
      const n = workers.filter((t) => t.backend === b.id).length;
      return `<li><span class="swatch" style="background:${nodeColour(b.hostNodes[0] ?? -1)}"></span>${esc(b.id)}: memory on ${b.hostNodes.length ? `node ${b.hostNodes.join(", ")}` : "any node"}, ${n} thread${n === 1 ? "" : "s"}</li>`;
    });
  items.push(`<li><span class="swatch off"></span>a sample on another node's CPU than its backend's memory</li>`);
  return `<ul class="legend">${items.join("")}</ul>`;
}
