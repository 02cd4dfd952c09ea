// The page's two columns. The host canvas is often much taller than the guest layout beside it
// (the GPU/NIC sample with two guest nodes at 1280×800: a 1000 px canvas panel beside a 430 px
// layout panel), which left an empty column beside the canvas at every window size. When that
// blank is at least BLANK_PX, the canvas spans two grid rows and the command line moves up
// beside it (styles.css, main[data-beside]); when the layout is about as tall as the canvas
// (eight guest nodes), the command line stays under the canvas.
// Only the canvas and the layout panel are measured: neither changes size when the command
// line moves (each keeps its column), so the choice cannot flip back and forth; and a command
// panel that grows (a refused paste of 30 000 backends shown with its bad token) does not make
// the page lay that text out twice (e2e/hostile.e2e.ts bounds that frame).

import { useEffect, type RefObject } from "react";

/** the blank beside the canvas worth filling: most of a short command panel */
const BLANK_PX = 240;

export function useColumnFill(main: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const el = main.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const decide = () => {
      const canvas = el.querySelector(".host-canvas");
      const layout = el.querySelector(".layout-panel");
      if (!canvas || !layout) return;
      const next = canvas.getBoundingClientRect().height - layout.getBoundingClientRect().height >= BLANK_PX ? "on" : "off";
      if (el.dataset.beside !== next) el.dataset.beside = next;
    };
    const ro = new ResizeObserver(decide);
    // the two panels, as they are now and whenever main's children change
    const watch = () => {
      ro.disconnect();
      for (const c of Array.from(el.querySelectorAll(":scope > .host-canvas, :scope > .layout-panel"))) ro.observe(c);
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
