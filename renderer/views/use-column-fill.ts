// The page's two columns. The host canvas is often much taller than the guest layout beside it
// (the GPU/NIC sample with two guest nodes at 1280×800: a 1000 px canvas panel beside a 430 px
// layout panel), which left an empty column beside the canvas at every window size. When the
// blank beside the canvas would hold most of the command line, the canvas spans two grid rows
// and the command line moves up beside it (styles.css, main[data-beside]); when the layout is
// as tall as the canvas (eight guest nodes), the command line stays under the canvas.
// The command panel is narrower in the right column, so taller: the two thresholds keep the
// choice from flipping back and forth when it moves.

import { useEffect, type RefObject } from "react";

/** beside the canvas when the blank there is at least this share of the command panel's height… */
const MOVE_UP = 0.6;
/** …and back under the canvas only when it falls below this share */
const MOVE_BACK = 0.4;

export function useColumnFill(main: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const el = main.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const decide = () => {
      const canvas = el.querySelector(".host-canvas");
      const layout = el.querySelector(".layout-panel");
      const command = el.querySelector(".command-panel");
      if (!canvas || !layout || !command) return;
      const blank = canvas.getBoundingClientRect().height - layout.getBoundingClientRect().height;
      const needs = command.getBoundingClientRect().height;
      const beside = el.dataset.beside === "on";
      const next = beside ? blank >= MOVE_BACK * needs : blank >= MOVE_UP * needs;
      if (next !== beside) el.dataset.beside = next ? "on" : "off";
    };
    const ro = new ResizeObserver(decide);
    // the panels come and go with the app's state: watch the ones there now and whatever main holds later
    const watch = () => {
      ro.disconnect();
      for (const c of Array.from(el.children)) ro.observe(c);
      decide();
    };
    const mo = new MutationObserver(watch);
    mo.observe(el, { childList: true });
    watch();
    return () => {
      ro.disconnect();
      mo.disconnect();
    };
  }, [main]);
}
