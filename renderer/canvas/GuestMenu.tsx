// The menu every canvas drag also has (right-click, Enter, the context-menu key): HTML over
// the canvas, in a portal since the canvas is SVG. Arrows move, Enter picks, Escape closes.

import { useEffect, useRef } from "react";
import { createPortal } from "react-dom";

export interface MenuItem {
  label: string;
  disabled?: boolean;
  run(): void;
}

interface Props {
  frame: React.RefObject<HTMLDivElement | null>;
  x: number;
  y: number;
  title: string;
  items: MenuItem[];
  onClose(): void;
}

export function GuestMenu({ frame, x, y, title, items, onClose }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
    const away = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener("pointerdown", away, true);
    return () => window.removeEventListener("pointerdown", away, true);
  }, [onClose]);
  if (!frame.current) return null;
  const width = frame.current.clientWidth;
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
    <div className="canvas-menu" role="menu" aria-label={title} ref={ref} style={{ left: Math.max(4, Math.min(x, width - 280)), top: y }} onKeyDown={onKey}>
      <div className="canvas-menu-title">{title}</div>
      {items.length === 0 ? <div className="muted">nothing to do here</div> : null}
      {items.map((it) => (
        <button
          key={it.label}
          type="button"
          role="menuitem"
          disabled={it.disabled}
          onClick={() => {
            onClose();
            it.run();
          }}
        >
          {it.label}
        </button>
      ))}
    </div>,
    frame.current,
  );
}
