// What a drag shows over the canvas: the preview that follows the pointer and the mark on the
// host node (or PU) it would drop on. HTML over the SVG, in a portal into the canvas frame, for
// speed: Chromium repaints the canvas's SVG as a whole when anything in it changes (about 2.5 ms
// for the 1024-PU host), so a mark drawn in the SVG made every pointer move that changed the drop
// target repaint the whole drawing. Here a new target redraws this small overlay only, and a move
// that keeps the target moves the preview by its transform alone (its own compositor layer: no
// paint). The preview is drawn at the screen's size, readable at any zoom (npm run bench -- ui).

import { createPortal } from "react-dom";
import { useApp } from "../views/useApp";
import type { Point } from "../../shared/layout/guest-geometry";
import type { ViewTransform } from "./zoom-controller";

/** a rectangle in the drawing's units (the SVG viewport's, before zoom) */
export interface DrawingRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a drop would land, drawn as a dashed frame: a host node's card, or one PU when vCPUs would be pinned there. */
export interface DropMark {
  rect: DrawingRect;
  /** the host node a drop there binds or pins to */
  node?: number;
  /** the PU a drop there pins to, one vCPU each */
  pu?: number;
}

/** the preview sits this far (CSS px) right of and below the pointer, clear of the cursor */
const GHOST_OFFSET = 12;

/**
 * The preview's transform for a pointer at drawing point `p` under the view transform `t`: right
 * of and below the pointer, or left of (above) it where it would leave the frame (`room`, CSS px)
 * at the preview's size (`size`).
 */
export function ghostTransform(p: Point, t: ViewTransform, room: { w: number; h: number }, size: { w: number; h: number }): string {
  const px = p.x * t.k + t.x;
  const py = p.y * t.k + t.y;
  const x = px + GHOST_OFFSET + size.w > room.w ? px - GHOST_OFFSET - size.w : px + GHOST_OFFSET;
  const y = py + GHOST_OFFSET + size.h > room.h ? py - GHOST_OFFSET - size.h : py + GHOST_OFFSET;
  return `translate(${Math.round(x)}px,${Math.round(y)}px)`;
}

/** The preview's size before it is drawn: its text at the overlay's 12 px bold, padded (the later moves measure it). */
const ghostSize = (text: string) => ({ w: Math.min(260, 22 + text.length * 7.2), h: 22 });

/** The frame's size and the preview's, for a move that places the preview by its transform alone. */
export function ghostRoom(frame: HTMLElement, ghost: HTMLElement) {
  return { room: { w: frame.clientWidth, h: frame.clientHeight }, size: { w: ghost.offsetWidth, h: ghost.offsetHeight } };
}

interface Props {
  frame: React.RefObject<HTMLDivElement | null>;
  /** the preview's text; none while no preview is shown */
  text?: string;
  /** where the pointer is, in drawing units */
  at: Point;
  mark?: DropMark;
  /** the preview's element, for the moves that keep the drop target to move by its transform */
  ghost: React.RefObject<HTMLDivElement | null>;
}

export function DragMarks({ frame, text, at, mark, ghost }: Props) {
  const t = useApp((s) => s.canvasView);
  const el = frame.current;
  if (!el) return null;
  // the mark's frame is 3 drawing units outside the card (2 outside a PU), as the cards' own spacing allows
  const pad = mark?.pu !== undefined ? 2 : 3;
  return createPortal(
    <div className="drag-marks" aria-hidden="true">
      {mark ? (
        <div
          className={`drop-mark${mark.pu !== undefined ? " pin" : ""}`}
          data-drop-node={mark.pu === undefined ? mark.node : undefined}
          data-drop-pu={mark.pu}
          style={{
            left: (mark.rect.x - pad) * t.k + t.x,
            top: (mark.rect.y - pad) * t.k + t.y,
            width: (mark.rect.w + 2 * pad) * t.k,
            height: (mark.rect.h + 2 * pad) * t.k,
            borderRadius: (mark.pu !== undefined ? 3 : 10) * t.k,
          }}
        />
      ) : null}
      {text !== undefined ? (
        <div className="drag-ghost" ref={ghost} style={{ transform: ghostTransform(at, t, { w: el.clientWidth, h: el.clientHeight }, ghostSize(text)) }}>
          {text}
        </div>
      ) : null}
    </div>,
    el,
  );
}
