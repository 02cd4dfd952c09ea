// What a drag shows over the canvas: the preview that follows the pointer and the mark on the
// host node, PU or guest node it would drop on. HTML over the SVG, in a portal into the canvas frame, for
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

/** Where a drop would land, drawn as a dashed frame: a host node's card, a guest node's box, or one PU when vCPUs would be pinned there. */
export interface DropMark {
  rect: DrawingRect;
  /** the host node a drop there binds or pins to */
  node?: number;
  /** the PU a drop there pins to, one vCPU each */
  pu?: number;
  /** the guest node (its index in the layout) that dropped vCPUs would join */
  guest?: number;
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
  mark?: DropMark;
  /** the preview that follows the pointer; none where the browser draws its own (a chip's drag and drop) */
  preview?: {
    text: string;
    /** where the pointer is, in drawing units */
    at: Point;
  };
  /** the preview's element, for the moves that keep the drop target to move it by its transform */
  previewRef?: React.RefObject<HTMLDivElement | null>;
}

export function DragMarks({ frame, mark, preview, previewRef }: Props) {
  const t = useApp((s) => s.canvasView);
  const el = frame.current;
  if (!el) return null;
  // the mark's frame is 3 drawing units outside the card or box (2 outside a PU), as the cards' own spacing allows
  const pad = mark?.pu !== undefined ? 2 : 3;
  return createPortal(
    <div className="drag-marks" aria-hidden="true">
      {mark ? (
        <div
          className={`drop-mark${mark.pu !== undefined ? " pin" : ""}`}
          data-drop-node={mark.pu === undefined ? mark.node : undefined}
          data-drop-pu={mark.pu}
          data-drop-guest={mark.guest}
          style={{
            left: (mark.rect.x - pad) * t.k + t.x,
            top: (mark.rect.y - pad) * t.k + t.y,
            width: (mark.rect.w + 2 * pad) * t.k,
            height: (mark.rect.h + 2 * pad) * t.k,
            borderRadius: (mark.pu !== undefined ? 3 : 10) * t.k,
          }}
        />
      ) : null}
      {preview ? (
        <div className="drag-ghost" ref={previewRef} style={{ transform: ghostTransform(preview.at, t, { w: el.clientWidth, h: el.clientHeight }, ghostSize(preview.text)) }}>
          {preview.text}
        </div>
      ) : null}
    </div>,
    el,
  );
}
