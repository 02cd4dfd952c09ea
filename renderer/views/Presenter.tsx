// Presenter mode: the whole window, large type, one story at a time — each run, then the runs
// side by side — with a caption of what to look at (computed in shared/run/story.ts from the
// records). → / Space / PageDown step forward, ← / PageUp back, Esc leaves.

import { useEffect, useMemo, useState } from "react";
import { useApp } from "./useApp";
import { PlacementPlot } from "./PlacementPlot";
import { presenterStories } from "../../shared/run/story";
import { sharedDomainMs } from "../../shared/run/compare";
import { unpackSamples } from "../../shared/run/summarize";
import { runTitle } from "../../shared/run/label";

const NEXT = new Set(["ArrowRight", "ArrowDown", " ", "PageDown", "Enter"]);
const BACK = new Set(["ArrowLeft", "ArrowUp", "PageUp", "Backspace"]);

function useWindowSize() {
  const [size, setSize] = useState(() => ({ w: window.innerWidth, h: window.innerHeight }));
  useEffect(() => {
    const on = () => setSize({ w: window.innerWidth, h: window.innerHeight });
    window.addEventListener("resize", on);
    return () => window.removeEventListener("resize", on);
  }, []);
  return size;
}

export function Presenter() {
  const runs = useApp((s) => s.presenting);
  const stop = useApp((s) => s.stopPresenting);
  const host = useApp((s) => s.host);
  const [step, setStep] = useState(0);
  const stories = useMemo(() => (runs ? presenterStories(runs) : []), [runs]);
  const domainMs = useMemo(() => (runs ? sharedDomainMs(runs) : 0), [runs]);
  const { w, h } = useWindowSize();

  // new runs start at their first story (set during render, as React advises, not in an effect)
  const [shown, setShown] = useState(runs);
  if (shown !== runs) {
    setShown(runs);
    setStep(0);
  }
  useEffect(() => {
    if (!runs) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") stop();
      else if (NEXT.has(e.key)) setStep((s) => Math.min(stories.length - 1, s + 1));
      else if (BACK.has(e.key)) setStep((s) => Math.max(0, s - 1));
      else if (e.key === "Home") setStep(0);
      else if (e.key === "End") setStep(stories.length - 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    // the desktop's full screen where it is allowed; the browser leaves it on Esc itself, and so do we
    const onFull = () => {
      if (!document.fullscreenElement) stop();
    };
    let full = false;
    document.documentElement
      .requestFullscreen?.()
      .then(() => {
        full = true;
        document.addEventListener("fullscreenchange", onFull);
      })
      .catch(() => undefined);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("fullscreenchange", onFull);
      if (full && document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    };
  }, [runs, stories.length, stop]);

  if (!runs || stories.length === 0) return null;
  const story = stories[Math.min(step, stories.length - 1)]!;
  const big = w >= 1700;
  const fontPx = big ? 18 : 14;
  // what is left for the plots once the caption and the evidence have their room
  // a caption of more than two lines (about half an em a character) takes from the plots too
  const captionLines = Math.ceil((story.caption.length * (big ? 36 : 26) * 0.5) / Math.max(1, w - 64));
  const room = Math.max(220, h - (big ? 400 : 330) - Math.max(0, story.evidence.length - 2) * (big ? 36 : 30) - Math.max(0, captionLines - 2) * (big ? 46 : 34));
  const plotH = story.runs.length > 1 ? Math.max(150, Math.floor(room / story.runs.length) - (big ? 50 : 40)) : room;
  const plotW = Math.min(w - 64, 2200);
  return (
    <div className={`presenter${big ? " big" : ""}`} role="dialog" aria-modal="true" aria-label="presenter mode" data-step={step + 1} data-steps={stories.length}>
      <header>
        <span className="step" data-testid="presenter-step">
          {step + 1} / {stories.length}
        </span>
        <span className="keys muted">→ or Space: next · ←: back · Esc: leave</span>
        <button type="button" onClick={() => setStep((s) => Math.max(0, s - 1))} disabled={step === 0} aria-label="previous story">
          ←
        </button>
        <button type="button" onClick={() => setStep((s) => Math.min(stories.length - 1, s + 1))} disabled={step >= stories.length - 1} aria-label="next story">
          →
        </button>
        <button type="button" onClick={stop}>
          leave
        </button>
      </header>
      <p className="caption" data-testid="presenter-caption">
        {story.caption}
      </p>
      <div className="stage">
        {story.runs.map((i) => {
          const r = runs[i]!;
          const on = r.topology ?? host;
          if (!on) return null;
          const title = runTitle(r);
          return (
            <section key={r.id} aria-label={`run ${title}`}>
              <h3>{title}</h3>
              <PlacementPlot
                host={on}
                layout={r.layout}
                samples={unpackSamples(r)}
                width={plotW}
                height={plotH}
                domainMs={domainMs}
                fontPx={fontPx}
                label={`placement in run ${title}`}
                {...(r.timings.preallocMs !== undefined && r.outcome === "ok" ? { markMs: r.timings.preallocMs } : {})}
              />
            </section>
          );
        })}
      </div>
      {story.evidence.length ? (
        <ul className="evidence" data-testid="presenter-evidence">
          {story.evidence.map((e, k) => (
            <li key={k}>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
