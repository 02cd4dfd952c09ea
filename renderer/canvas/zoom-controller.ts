// The host canvas's zoom and pan: d3-zoom wrapped once, created on an element that is always
// mounted, reconfigured by calls instead of being set up again. Its transform goes to whoever
// created it (the store); one viewport <g> applies it, so a wheel tick re-renders one element.
// Wheel zooms, a drag on empty space (or any drag with Shift, or the middle button) pans;
// plain drags on cards and chips stay drag-and-drop.

import { select, type Selection } from "d3-selection";
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from "d3-zoom";
import { TITLE_FONT } from "../../shared/topology/box-geometry";

export interface ViewTransform {
  k: number;
  x: number;
  y: number;
}

export const IDENTITY: ViewTransform = { k: 1, x: 0, y: 0 };
export const MIN_SCALE = 0.1;
export const MAX_SCALE = 8;
/** the page's body text (styles.css --fs-base) */
const PAGE_TEXT_PX = 14;
/**
 * How far a fit may blow a small host up, from what its text then looks like: until the drawing's
 * biggest text (node titles and package labels, TITLE_FONT units) is twice the page's body text.
 * Past that a card's words outgrow every heading around the canvas and read as a poster, not
 * labels. It was a fixed 1.35, which at 2560×1440 left the 16-PU hosts in 60 % of the panel's
 * width with 17 px titles.
 */
export const MAX_FIT_TEXT_PX = 2 * PAGE_TEXT_PX;
export const MAX_FIT_SCALE = MAX_FIT_TEXT_PX / TITLE_FONT;

/** The transform that shows `content` whole and centred in a `view`-sized viewport, with a margin. */
export function fitTransform(content: { width: number; height: number }, view: { width: number; height: number }, margin = 8): ViewTransform {
  const k = Math.max(MIN_SCALE, Math.min(MAX_FIT_SCALE, (view.width - 2 * margin) / content.width, (view.height - 2 * margin) / content.height));
  return { k, x: (view.width - content.width * k) / 2, y: (view.height - content.height * k) / 2 };
}

export interface ZoomController {
  /** show the content whole (on a new target, on resize, on the fit button) */
  fit(content: { width: number; height: number }, view: { width: number; height: number }): void;
  /** back to 100 % at the origin */
  reset(): void;
  /** zoom in or out by a factor around the viewport's centre */
  zoomBy(factor: number): void;
  destroy(): void;
}

/** Elements a pan may start on: the canvas background and package/die boxes, not cards or chips. */
const PAN_SURFACE = ".canvas-bg, .group-box, .group-label";

export function createZoomController(svg: SVGSVGElement, onTransform: (t: ViewTransform) => void): ZoomController {
  const sel: Selection<SVGSVGElement, unknown, null, undefined> = select(svg);
  const behavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([MIN_SCALE, MAX_SCALE])
    .filter((e: Event) => {
      if (e.type === "wheel") return true;
      if (e.type === "dblclick") return false;
      if (!(e instanceof MouseEvent) && !(typeof TouchEvent !== "undefined" && e instanceof TouchEvent)) return false;
      if (e instanceof MouseEvent && (e.button === 1 || e.shiftKey)) return true;
      if (e instanceof MouseEvent && e.button !== 0) return false;
      return e.target instanceof Element && e.target.closest(PAN_SURFACE) !== null;
    })
    .on("zoom", (e: D3ZoomEvent<SVGSVGElement, unknown>) => onTransform({ k: e.transform.k, x: e.transform.x, y: e.transform.y }));
  sel.call(behavior);
  const apply = (t: ViewTransform) => sel.call(behavior.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
  return {
    fit(content, view) {
      if (content.width <= 0 || content.height <= 0 || view.width <= 0 || view.height <= 0) return;
      apply(fitTransform(content, view));
    },
    reset: () => apply(IDENTITY),
    zoomBy(factor) {
      sel.call(behavior.scaleBy, factor);
    },
    destroy() {
      sel.on(".zoom", null);
    },
  };
}
