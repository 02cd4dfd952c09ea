// The live placement plot: x is time since QEMU started, y the host's CPUs in node bands, one
// mark per sample per touch_pages thread, colored by the backend it serves. A mark on a node
// the backend is not bound to is drawn as a red cross. Canvas, drawn incrementally, so 200 Hz
// × 64 threads stays smooth.

import { useEffect, useMemo, useRef, useState } from "react";
import type { HostTopology } from "../../shared/topology/schema";
import type { Layout } from "../../shared/layout/schema";
import type { Sample } from "../../shared/run/types";
import { assignThreads } from "../../shared/run/summarize";
import { idList } from "../../shared/cpulist/cpulist";
import { backendOrder } from "../../shared/qemu/generate";
import { onlineCpuCount } from "../../shared/topology/query";
import { hostBoxes, puOrder } from "../../shared/topology/boxes";
import { scaleLinear } from "d3-scale";
import { useApp } from "./useApp";
import { OFF_NODE, backendColor, nodeColor } from "./palette";

export interface PlotProps {
  host: HostTopology;
  layout: Layout;
  samples: readonly Sample[];
  /** how many of `samples` to draw (the array may grow in place) */
  count?: number;
  width?: number;
  height?: number;
  label?: string;
  /** ms since spawn when preallocation finished (QEMU's QMP greeting): a marker line */
  markMs?: number;
  /** a fixed time axis (ms), so plots side by side share one scale */
  domainMs?: number;
  /** the size of its text (presenter mode draws it larger, for a projector) */
  fontPx?: number;
}

/**
 * What the plot drew per touch_pages thread: marks, off-node marks, and the sums of their x (px)
 * and rows. On the canvas as data-marks, so a test can tell that a replay draws what the live
 * run drew.
 */
type MarkTally = Map<number, { n: number; off: number; sx: number; rows: number }>;
const tallyText = (m: MarkTally) =>
  [...m.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([tid, v]) => `${tid}:${v.n}:${v.off}:${v.sx.toFixed(1)}:${v.rows}`)
    .join(" ");

/** the plot's text in the run panel: 13 px in the text colour (11 px grey did not read from the back of a room; presenter mode passes 14-18) */
const PLOT_FONT = 13;

export function PlacementPlot({ host, layout, samples, count, width: maxWidth = 720, height = 260, label, markMs, domainMs, fontPx = PLOT_FONT }: PlotProps) {
  const LEFT = Math.round((84 * fontPx) / 11);
  const BOTTOM = Math.round((22 * fontPx) / 11);
  const tally = useRef<MarkTally>(new Map());
  const n = count ?? samples.length;
  const ref = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLElement>(null);
  const [room, setRoom] = useState(maxWidth);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => setRoom(Math.max(240, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const width = Math.min(maxWidth, room);
  const drawn = useRef<{ count: number; tMax: number; layout?: Layout; theme?: string; samples?: readonly Sample[] }>({ count: 0, tMax: 0 });
  // the canvas takes its colours from the theme's CSS variables: a new theme draws it all again
  // (a frame later: the app sets the theme on <html> in its own effect, after this child's)
  const appTheme = useApp((s) => s.theme);
  const [theme, setTheme] = useState(appTheme);
  useEffect(() => {
    const id = requestAnimationFrame(() => setTheme(appTheme));
    return () => cancelAnimationFrame(id);
  }, [appTheme]);
  const workerTids = useRef(new Set<number>());
  const axis = useRef({ tMax: 1000, plotW: 1, rowH: 1 });
  // rows and node bands come from the host's box model: node by node, SMT siblings together
  const machine = useMemo(() => hostBoxes(host), [host]);
  const pus = useMemo(() => puOrder(machine), [machine]);
  const rows = useMemo(() => new Map(pus.map((r, i) => [r.pu, i])), [pus]);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | undefined>();
  const order = useMemo(() => backendOrder(layout), [layout]);
  // a backend's marks take its host node's colour, the colour of that node's band and card
  const colorOf = useMemo(() => new Map(layout.backends.map((b) => [b.id, backendColor(host, b)])), [layout, host]);
  const bound = useMemo(() => new Map(layout.backends.map((b) => [b.id, new Set(idList(b.hostNodes))])), [layout]);

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== width * dpr || canvas.height !== height * dpr) {
      canvas.width = width * dpr;
      canvas.height = height * dpr;
      drawn.current = { count: 0, tMax: 0 };
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const plotW = width - LEFT - 8;
    const plotH = height - BOTTOM - 6;
    const rowH = plotH / Math.max(1, rows.size);
    const last = n ? samples[n - 1]!.t : 0;
    // the time axis grows by doubling, so a full redraw happens only a few times per run; another
    // sample list (the next run, a record, a replay) starts from 1 s again: the lab demo's second
    // run was drawn on the first one's 16 s axis, so the faster run looked no shorter
    let tMax = domainMs ?? ((drawn.current.samples === samples && drawn.current.tMax) || 1000);
    while (last > tMax) tMax *= 2;
    // a different layout colors the marks differently: draw everything again
    // another sample list (a finished run's, from its record) is drawn from its start too
    const full = tMax !== drawn.current.tMax || n < drawn.current.count || drawn.current.layout !== layout || drawn.current.theme !== theme || drawn.current.samples !== samples;
    const style = getComputedStyle(canvas);
    const fg = style.getPropertyValue("--fg") || "#222";
    const muted = style.getPropertyValue("--muted") || "#888";
    if (full) {
      ctx.clearRect(0, 0, width, height);
      // node bands
      let y = 6;
      for (const node of machine.nodes) {
        const count = node.puCount;
        ctx.fillStyle = nodeColor(node.index) + "22";
        ctx.fillRect(LEFT, y, plotW, count * rowH);
        ctx.fillStyle = fg;
        ctx.font = `${fontPx}px system-ui, sans-serif`;
        ctx.textAlign = "right";
        // the node's name at the left, its CPUs beside their rows when they fit (≥ 9 px a row)
        ctx.textAlign = "left";
        if (count > 0) ctx.fillText(`node ${node.os}`, 4, y + (count * rowH) / 2 + 4);
        if (count > 0 && rowH < 9) {
          ctx.fillStyle = fg;
          ctx.textAlign = "right";
          const first = pus.find((p) => p.nodeIndex === node.index)?.pu;
          const lastPu = [...pus].reverse().find((p) => p.nodeIndex === node.index)?.pu;
          ctx.font = `${Math.round((fontPx * 9) / 11)}px system-ui, sans-serif`;
          ctx.fillText(`${first}`, LEFT - 4, y + 9);
          if (lastPu !== first) ctx.fillText(`${lastPu}`, LEFT - 4, y + count * rowH - 1);
        }
        y += count * rowH;
      }
      if (rowH >= 9) {
        ctx.fillStyle = fg;
        ctx.textAlign = "right";
        ctx.font = `${Math.min(fontPx, Math.floor(rowH) - 1)}px system-ui, sans-serif`;
        pus.forEach((p, i) => ctx.fillText(`cpu ${p.pu}`, LEFT - 4, 6 + i * rowH + rowH / 2 + 4));
      }
      ctx.font = `${fontPx}px system-ui, sans-serif`;
      // the band borders, so node groups read apart in dark mode too
      ctx.strokeStyle = muted;
      ctx.lineWidth = 0.5;
      y = 6;
      for (const node of machine.nodes) {
        y += node.puCount * rowH;
        ctx.beginPath();
        ctx.moveTo(LEFT, Math.round(y) + 0.5);
        ctx.lineTo(LEFT + plotW, Math.round(y) + 0.5);
        ctx.stroke();
      }
      ctx.fillStyle = fg;
      ctx.textAlign = "center";
      // round ticks (d3's 1-2-5 steps); the last label ends at the axis' end instead of past it
      const ticks = scaleLinear()
        .domain([0, tMax / 1000])
        .ticks(5);
      const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
      for (const t of ticks) {
        const x = LEFT + ((t * 1000) / tMax) * plotW;
        ctx.textAlign = x > LEFT + plotW - 16 ? "right" : "center";
        ctx.fillText(`${t.toFixed(step < 1 ? 1 : 0)} s`, x, height - 6);
      }
      drawn.current = { count: 0, tMax, layout, theme, samples };
      tally.current = new Map();
      axis.current = { tMax, plotW, rowH };
      canvas.dataset.axisMs = String(tMax);
    }
    for (let i = drawn.current.count; i < n; i++) if (samples[i]!.name === "touch_pages") workerTids.current.add(samples[i]!.tid);
    if (full)
      workerTids.current = new Set(
        samples
          .slice(0, n)
          .filter((s) => s.name === "touch_pages")
          .map((s) => s.tid),
      );
    const owner = assignThreads([...workerTids.current], layout, order, onlineCpuCount(host));
    const w = Math.max(1.5, plotW / (tMax / 5));
    for (let i = drawn.current.count; i < n; i++) {
      const s = samples[i]!;
      const row = rows.get(s.cpu);
      if (row === undefined) continue;
      const x = LEFT + (s.t / tMax) * plotW;
      const y = 6 + row * rowH;
      if (s.name !== "touch_pages") {
        ctx.fillStyle = muted;
        ctx.fillRect(x, y + rowH * 0.35, w, Math.max(1, rowH * 0.3));
        continue;
      }
      const backend = owner.get(s.tid);
      const onNode = !backend || (bound.get(backend)?.size ?? 0) === 0 || bound.get(backend)!.has(s.node);
      const tl = tally.current.get(s.tid) ?? { n: 0, off: 0, sx: 0, rows: 0 };
      tl.n++;
      tl.off += onNode ? 0 : 1;
      tl.sx += x;
      tl.rows += row;
      tally.current.set(s.tid, tl);
      if (onNode) {
        ctx.fillStyle = backend ? colorOf.get(backend)! : fg;
        ctx.globalAlpha = s.state === "R" ? 1 : 0.45;
        ctx.fillRect(x, y + 1, w, Math.max(1.5, rowH - 2));
        ctx.globalAlpha = 1;
      } else {
        ctx.strokeStyle = OFF_NODE;
        ctx.lineWidth = 1.5;
        const h = Math.max(4, rowH);
        ctx.beginPath();
        ctx.moveTo(x - 2, y);
        ctx.lineTo(x + 2, y + h);
        ctx.moveTo(x + 2, y);
        ctx.lineTo(x - 2, y + h);
        ctx.stroke();
      }
    }
    drawn.current.count = n;
    canvas.dataset.marks = tallyText(tally.current);
    if (markMs !== undefined && markMs <= tMax) {
      // drawn over the marks on every pass: samples after it come in after the greeting
      const x = Math.round(LEFT + (markMs / tMax) * plotW) + 0.5;
      ctx.save();
      ctx.strokeStyle = fg;
      ctx.setLineDash([4, 3]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, 6);
      ctx.lineTo(x, 6 + plotH);
      ctx.stroke();
      ctx.restore();
    }
  }, [samples, n, rows, machine, order, colorOf, bound, host, layout, width, height, markMs, domainMs, pus, theme, fontPx, LEFT, BOTTOM]);

  // hovering says which thread ran where: the touch_pages sample nearest the pointer on that CPU's row
  const hover = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    const { tMax, plotW, rowH } = axis.current;
    const pu = pus[Math.floor((py - 6) / rowH)];
    if (!pu || px < LEFT) return setTip(undefined);
    const t = ((px - LEFT) / plotW) * tMax;
    const near = (tMax / plotW) * 4;
    let best: Sample | undefined;
    for (let i = 0; i < n; i++) {
      const s = samples[i]!;
      if (s.cpu !== pu.pu || Math.abs(s.t - t) > near) continue;
      if (!best || Math.abs(s.t - t) < Math.abs(best.t - t) || (best.name !== "touch_pages" && s.name === "touch_pages")) best = s;
    }
    if (!best) return setTip(undefined);
    const owner = best.name === "touch_pages" ? assignThreads([...workerTids.current], layout, order, onlineCpuCount(host)).get(best.tid) : undefined;
    const state = best.state === "R" ? "running" : best.state === "D" ? "waiting (D)" : best.state === "S" ? "sleeping (S)" : best.state;
    setTip({ x: px, y: py, text: `${best.name} ${best.tid}${owner ? ` (${owner})` : ""} · cpu ${best.cpu} · node ${best.node} · ${(best.t / 1000).toFixed(3)} s · ${state}` });
  };

  return (
    <figure className="plot" ref={box}>
      {tip ? (
        <div className="plot-tip" role="tooltip" style={{ left: Math.min(tip.x + 12, width - 260), top: tip.y + 12 }}>
          {tip.text}
        </div>
      ) : null}
      <canvas
        ref={ref}
        onMouseMove={hover}
        onMouseLeave={() => setTip(undefined)}
        style={{ width, height }}
        role="img"
        aria-label={label ?? "placement of touch_pages threads over time"}
        data-samples={n}
        data-mark-ms={markMs}
        data-domain-ms={domainMs}
        data-host={host.name}
        data-font-px={fontPx}
        data-left={LEFT}
        data-bottom={BOTTOM}
        data-bands={machine.nodes
          .filter((x) => x.puCount > 0)
          .map((x) => `${x.os}:${x.puCount}`)
          .join(" ")}
      />
      <figcaption>
        {order.map((id) => (
          <span key={id} className="legend">
            <i style={{ background: colorOf.get(id) }} /> {id}
          </span>
        ))}
        <span className="legend">
          <i className="cross" /> off its node
        </span>
        {markMs !== undefined ? (
          <span className="legend" data-testid="prealloc-marker">
            <i className="dashed" /> preallocated at {(markMs / 1000).toFixed(2)} s
          </span>
        ) : null}
        <span className="legend muted">time: seconds since QEMU started · faint: waiting (D/S), grey: other QEMU threads</span>
      </figcaption>
    </figure>
  );
}
