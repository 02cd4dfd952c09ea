// The state of a canvas menu (GuestMenu.tsx) for every layer that opens one: where it stands in
// the canvas frame (the pointer or the element's corner, relative to the frame), and the element
// that had the focus, which gets it back when the menu closes.

import { useState } from "react";
import type { MenuItem } from "./GuestMenu";

export interface CanvasMenu {
  x: number;
  y: number;
  title: string;
  items: MenuItem[];
  back: Element | null;
}

export function useCanvasMenu(frame: React.RefObject<HTMLElement | null>) {
  const [menu, setMenu] = useState<CanvasMenu | undefined>();
  /** Open at a point in client coordinates. */
  const openMenu = (at: { x: number; y: number }, title: string, items: MenuItem[]) => {
    const r = frame.current?.getBoundingClientRect();
    setMenu({ x: at.x - (r?.left ?? 0), y: at.y - (r?.top ?? 0), title, items, back: document.activeElement });
  };
  const closeMenu = () => {
    const back = menu?.back;
    setMenu(undefined);
    if (back instanceof HTMLElement || back instanceof SVGElement) back.focus();
  };
  return { menu, openMenu, closeMenu };
}
