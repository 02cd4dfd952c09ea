// Runs side by side: a bar per run of its preallocation time, for slides (SVG or PNG).
// Drawn at the width of its column, not scaled from a fixed one: its text stays 14 px on
// screen whatever the window (a 600-wide picture squeezed into a 1280 px window's column made
// it 9 px).

import { useEffect, useRef, useState } from "react";
import { scaleLinear } from "d3-scale";
import type { RunRecord } from "../../shared/run/types";
import { RUN_BAR } from "./palette";
import { downloadBlob } from "./download";
import { runTitle } from "../../shared/run/label";

const FONT = 14;
const BAR = 30;

function clipped(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

export function CompareChart({ runs }: { runs: RunRecord[] }) {
  const ref = useRef<SVGSVGElement>(null);
  const box = useRef<HTMLElement>(null);
  const [W, setW] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => setW(Math.max(320, Math.min(900, Math.floor(el.clientWidth)))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // what the bars are, in the picture itself (it is exported alone onto slides)
  const caption = "time to preallocation done, per run (shorter is faster)";
  const titles = runs.map((r) => runTitle(r));
  // beside its bar a title gets up to 45 % of the width (about 0.55 em a character); when one
  // does not fit there, every title goes on its own line above its bar: clipped at 1280 px,
  // "without thread-context …" and "with thread-context (no…" hid what told the runs apart
  const side = Math.round(Math.min(300, W * 0.45));
  const stacked = titles.some((t) => t.length > Math.floor((side - 10) / (FONT * 0.55)));
  const M = { left: stacked ? 8 : side, right: 64, top: 10 + FONT + 10 };
  const chars = Math.max(12, Math.floor((stacked ? W - 16 : side - 10) / (FONT * 0.55)));
  const barH = Math.round(BAR * 0.8);
  const rowH = stacked ? FONT + 6 + barH + 10 : Math.round(BAR * 1.35);
  const H = M.top + runs.length * rowH + 6;
  const max = Math.max(1, ...runs.map((r) => r.timings.preallocMs ?? 0));
  const x = scaleLinear()
    .domain([0, max])
    .range([0, W - M.left - M.right]);

  const exportSvg = () => {
    if (!ref.current) return;
    const text = new XMLSerializer().serializeToString(ref.current);
    downloadBlob("numadesk-compare.svg", new Blob([text], { type: "image/svg+xml" }));
  };
  const exportPng = () => {
    if (!ref.current) return;
    const img = new Image();
    const text = new XMLSerializer().serializeToString(ref.current);
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = W * 2;
      c.height = H * 2;
      const ctx = c.getContext("2d")!;
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0, c.width, c.height);
      c.toBlob((b) => b && downloadBlob("numadesk-compare.png", b));
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  };

  return (
    <figure className="compare-chart" ref={box}>
      <svg
        ref={ref}
        xmlns="http://www.w3.org/2000/svg"
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label="preallocation time per run"
        fontFamily="system-ui, sans-serif"
        fontSize={FONT}
      >
        <text x={8} y={10 + FONT} fill="currentColor" opacity={0.8} data-role="caption">
          {caption}
        </text>
        {runs.map((r, i) => {
          const ms = r.timings.preallocMs;
          const title = titles[i]!;
          const barY = stacked ? FONT + 6 : (rowH - barH) / 2;
          return (
            <g key={r.id} transform={`translate(0,${M.top + i * rowH})`}>
              <text x={stacked ? M.left : M.left - 6} y={stacked ? FONT : barY + barH / 2 + 5} textAnchor={stacked ? "start" : "end"} fill="currentColor" data-role="run">
                <title>{title}</title>
                {clipped(title, chars)}
              </text>
              <rect x={M.left} y={barY} width={x(ms ?? 0)} height={barH} fill={RUN_BAR} />
              <text x={M.left + x(ms ?? 0) + 4} y={barY + barH / 2 + 5} fill="currentColor">
                {ms !== undefined ? `${(ms / 1000).toFixed(2)} s` : r.outcome}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <button type="button" onClick={exportSvg}>
          save SVG
        </button>
        <button type="button" onClick={exportPng}>
          save PNG
        </button>
      </figcaption>
    </figure>
  );
}
