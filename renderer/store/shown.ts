// What the panels beside the canvas show: the layout and its host. A drop on the canvas must
// paint within a frame; on a big host the command line, diagnostics (checkLayout runs every
// rule over every CPU), prediction and the run panel's gate take longer than that frame has,
// so there they follow one frame behind: the canvas paints the edit, then `shown` catches up
// in a task after that paint (npm run bench -- ui measures both). On smaller hosts `shown`
// changes in the same update as the layout, so a panel is never behind there.
//
// Panels that only show derived text read `s.shown`; the canvas and the editing forms read
// `s.layout`, and every edit is computed from the store's current layout, never from `shown`.

import type { StoreApi } from "zustand/vanilla";
import type { Full } from "./slice";

/** hosts with more PUs than this: their panels follow a frame behind (a 1024-PU host's check takes 3–10 ms) */
export const FOLLOW_AFTER_PAINT_CPUS = 256;

/** after the next frame is painted (a task after the frame's rendering), or soon where there are no frames */
function afterPaint(run: () => void) {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => setTimeout(run, 0));
  else setTimeout(run, 0);
}

/** Keep `shown` following the layout and host; returns the unsubscribe. */
export function followShown(store: StoreApi<Full>): () => void {
  let waiting = false;
  const catchUp = () => {
    const { layout, host, shown } = store.getState();
    if (shown.layout !== layout || shown.host !== host) store.setState({ shown: { layout, host } });
  };
  return store.subscribe((s, prev) => {
    if (s.layout === prev.layout && s.host === prev.host) return;
    if ((s.host?.cpus.length ?? 0) <= FOLLOW_AFTER_PAINT_CPUS) return catchUp();
    if (waiting) return;
    waiting = true;
    afterPaint(() => {
      waiting = false;
      catchUp();
    });
  });
}

/** The panels are a frame behind the canvas (a big host's edit they have not caught up with yet). */
export function isBehind(s: Pick<Full, "layout" | "host" | "shown">): boolean {
  return s.shown.layout !== s.layout || s.shown.host !== s.host;
}
