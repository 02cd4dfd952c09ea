// What is only about the window: theme, messages, the canvas view, the recovery offer.

import { IDENTITY } from "../canvas/zoom-controller";
import type { Full, SliceDeps } from "./slice";

export type UiSlice = Pick<Full, "theme" | "canvasView" | "collapseCores" | "setTheme" | "dropRecovery" | "say" | "dismiss" | "setCanvasView" | "setCollapseCores">;

export function uiSlice({ set }: SliceDeps): UiSlice {
  return {
    theme: "light",
    canvasView: IDENTITY,
    collapseCores: false,
    setTheme: (theme) => set({ theme }),
    dropRecovery: () => set({ recovery: undefined }),
    say: (kind, text) => set({ message: { kind, text } }),
    dismiss: () => set({ message: undefined }),
    setCanvasView: (canvasView) => set({ canvasView }),
    setCollapseCores: (collapseCores) => set({ collapseCores }),
  };
}
