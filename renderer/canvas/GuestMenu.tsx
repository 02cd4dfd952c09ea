// The menu every canvas drag also has (right-click, Enter, the context-menu key): HTML over
// the canvas, in a portal since the canvas is SVG. Arrows move, Enter picks, Escape closes.

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { MenuField, type MenuFieldSpec } from "./MenuField";

export interface MenuItem {
  label: string;
  disabled?: boolean;
  run(): void;
  /** an item that takes a value: choosing it opens a field in the menu (MenuField.tsx) */
  field?: MenuFieldSpec;
}

interface Props {
  frame: React.RefObject<HTMLDivElement | null>;
  x: number;
  y: number;
  title: string;
  items: MenuItem[];
  onClose(): void;
}

const MARGIN = 4;

export function GuestMenu({ frame, x, y, title, items, onClose }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [editing, setEditing] = useState<string | undefined>();
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
    const away = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener("pointerdown", away, true);
    return () => window.removeEventListener("pointerdown", away, true);
  }, [onClose]);
  // A long menu (25 items for two vCPUs on the 8-node EPYC) once ran past the canvas and the
  // window's bottom: it is kept inside the frame, moved up as far as it must, scrolling inside
  // itself when the frame is shorter than it. Measured before paint, so it never jumps.
  const [top, setTop] = useState(y);
  useLayoutEffect(() => {
    const el = ref.current;
    const f = frame.current;
    if (!el || !f) return;
    setTop(Math.max(MARGIN, Math.min(y, f.clientHeight - MARGIN - el.offsetHeight)));
  }, [frame, y, items.length]);
  if (!frame.current) return null;
  const width = frame.current.clientWidth;
  const maxHeight = Math.max(120, frame.current.clientHeight - 2 * MARGIN);
  const onKey = (e: React.KeyboardEvent) => {
    const buttons = Array.from(ref.current?.querySelectorAll<HTMLButtonElement>("button:not(:disabled)") ?? []);
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      buttons[(i + (e.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length]?.focus();
    }
    e.stopPropagation();
  };
  return createPortal(
    <div className="canvas-menu" role="menu" aria-label={title} ref={ref} style={{ left: Math.max(MARGIN, Math.min(x, width - 280)), top, maxHeight }} onKeyDown={onKey}>
      <div className="canvas-menu-title">{title}</div>
      {items.length === 0 ? <div className="muted">nothing to do here</div> : null}
      {items.map((it) =>
        it.field && editing === it.label ? (
          <MenuField key={it.label} field={it.field} onDone={onClose} />
        ) : (
          <button
            key={it.label}
            type="button"
            role="menuitem"
            disabled={it.disabled}
            onClick={() => {
              if (it.field) return setEditing(it.label);
              onClose();
              it.run();
            }}
          >
            {it.label}
          </button>
        ),
      )}
    </div>,
    frame.current,
  );
}
