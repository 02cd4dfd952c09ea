// Where a clicked diagnostic's element lives on screen when it is not a backend (backends are
// selected through the store): the field that edits it, or its box on the canvas. Focusing it
// scrolls it into view and draws its focus ring, so NUMA002 ("add -smp") lands on the -smp
// field, NUMA045 on the display control, a guest node's problem on its box.

import type { ElementRef } from "../../shared/diagnostics/diagnostic";

/** The CSS selector of the control or box that shows `element` (at `path`), if any. */
export function elementSelector(element: ElementRef | undefined, path: string | undefined): string | undefined {
  if (path === "console" || path?.startsWith("console.")) return 'select[aria-label="display"]';
  switch (element?.kind) {
    case "smp":
      return 'input[aria-label="-smp cpus"]';
    case "memory":
      return 'input[aria-label="guest memory size (-m)"]';
    case "node":
      return element.index !== undefined ? `[data-guest-box="${element.index}"]` : undefined;
    default:
      return undefined;
  }
}

/** Focus (and so scroll to) the element's control; false when there is none on screen. */
export function revealElement(element: ElementRef | undefined, path: string | undefined): boolean {
  const selector = elementSelector(element, path);
  const el = selector ? document.querySelector<HTMLElement | SVGElement>(selector) : null;
  if (!el) return false;
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: "nearest", inline: "nearest" });
  return true;
}
