// Runs side by side: a bar per run of its preallocation time, for slides (SVG or PNG).
// Drawn at the width of its column, not scaled from a fixed one: its text stays 14 px on
// screen whatever the window (a 600-wide picture squeezed into a 1280 px window's column made
// it 9 px).

import { useEffect, useRef, useState } from "react";
import { scaleBand, scaleLinear } from "d3-scale";
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
  const H = 10 + 24 + runs.length * BAR * 1.35;
  // the titles take up to 45 % of the width; about 0.55 em a character
  const M = { left: Math.round(Math.min(300, W * 0.45)), right: 64, top: 10, bottom: 24 };
  const chars = Math.max(12, Math.floor((M.left - 10) / (FONT * 0.55)));
  const max = Math.max(1, ...runs.map((r) => r.timings.preallocMs ?? 0));
  const x = scaleLinear()
    .domain([0, max])
    .range([0, W - M.left - M.right]);
  const y = scaleBand<string>()
    .domain(runs.map((r) => r.id))
    .range([M.top, H - M.bottom])
    .padding(0.25);

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
        {runs.map((r) => {
          const ms = r.timings.preallocMs;
          return (
            <g key={r.id} transform={`translate(0,${y(r.id)})`}>
              <text x={M.left - 6} y={y.bandwidth() / 2 + 4} textAnchor="end" fill="currentColor">
                <title>{runTitle(r)}</title>
                {clipped(runTitle(r), chars)}
              </text>
              <rect x={M.left} width={x(ms ?? 0)} height={y.bandwidth()} fill={RUN_BAR} />
              <text x={M.left + x(ms ?? 0) + 4} y={y.bandwidth() / 2 + 4} fill="currentColor">
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
