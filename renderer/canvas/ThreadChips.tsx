// The emulator's and each I/O thread's chip, beside "+ guest node": a chip says where the
// thread may run and is dragged onto a PU (that PU) or a host node's cores or card (node-wide).
// Hovering a chip highlights its PUs. Keyboard: a digit pins it node-wide to that host node,
// Delete unpins it, Enter (or right-click) opens the same choices as a menu.

import { useMemo, useRef, useState } from "react";
import { useApp } from "../views/useApp";
import type { HostTopology } from "../../shared/topology/schema";
import type { HostGeometry } from "../../shared/topology/box-geometry";
import { hitTest, type GuestGeometry, type Point } from "../../shared/layout/guest-geometry";
import { pinHit, pinOverlay, puRects, threadChips, type ThreadChip } from "../../shared/pin/pin-geometry";
import { addIothread, type PinTarget, type ThreadRef } from "../../shared/pin/edits";
import { GuestMenu, type MenuItem } from "./GuestMenu";
import { useCanvasMenu } from "./use-canvas-menu";
import { DragMarks, type DropMark } from "./DragMarks";

const DRAG_SLOP = 4;

interface Props {
  host: HostTopology;
  geometry: HostGeometry;
  guest: GuestGeometry;
  frame: React.RefObject<HTMLDivElement | null>;
}

const refOf = (c: ThreadChip): ThreadRef => (c.kind === "emulator" ? { kind: "emulator" } : { kind: "iothread", id: c.id });

export function ThreadChips({ host, geometry, guest, frame }: Props) {
  const layout = useApp((s) => s.layout);
  const pinThreadTo = useApp((s) => s.pinThreadTo);
  const hoverPus = useApp((s) => s.hoverPus);
  const edit = useApp((s) => s.edit);
  const say = useApp((s) => s.say);
  const overlay = useMemo(() => pinOverlay(layout, host, geometry), [layout, host, geometry]);
  const chips = useMemo(() => threadChips(overlay, guest), [overlay, guest]);
  const [drag, setDrag] = useState<{ chip: ThreadChip; at: Point } | undefined>();
  const { menu, openMenu: openAt, closeMenu } = useCanvasMenu(frame);
  const layer = useRef<SVGGElement>(null);
  const ghost = useRef<HTMLDivElement>(null);

  const toDrawing = (clientX: number, clientY: number): Point => {
    const ctm = layer.current?.getScreenCTM();
    if (!ctm) return { x: clientX, y: clientY };
    const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    return { x: p.x, y: p.y };
  };
  /** a PU, a node's cores, or anywhere on a node's card (node-wide) */
  const targetAt = (p: Point): PinTarget | undefined => {
    const pin = pinHit(p, geometry);
    if (pin) return pin.kind === "pu" ? { pu: pin.pu } : { node: pin.node };
    const hit = hitTest(p, geometry, guest);
    return hit.kind === "host" ? { node: hit.node } : undefined;
  };
  const pusOf = (c: ThreadChip) => overlay.threads.find((t) => t.kind === c.kind && t.id === c.id)?.pus;
  const name = (c: ThreadChip) => (c.kind === "emulator" ? "the emulator" : `I/O thread ${c.id}`);

  const onDown = (e: React.PointerEvent, chip: ThreadChip) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    e.preventDefault();
    const el = e.currentTarget as SVGGElement;
    const x0 = e.clientX;
    const y0 = e.clientY;
    let moving = false;
    const move = (ev: PointerEvent) => {
      if (!moving && Math.hypot(ev.clientX - x0, ev.clientY - y0) < DRAG_SLOP) return;
      moving = true;
      setDrag({ chip, at: toDrawing(ev.clientX, ev.clientY) });
    };
    const up = (ev: PointerEvent) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      setDrag(undefined);
      if (!moving) return el.focus();
      const target = targetAt(toDrawing(ev.clientX, ev.clientY));
      if (target) pinThreadTo(refOf(chip), target);
      else say("info", `drop ${name(chip)} on a PU, or on a host node to pin it node-wide`);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };

  const menuOf = (chip: ThreadChip): MenuItem[] => {
    const items: MenuItem[] = host.nodes.map((n) => ({ label: `run on host node ${n.id}'s CPUs (node-wide)`, run: () => pinThreadTo(refOf(chip), { node: n.id }) }));
    items.push({ label: "unpin: any CPU", disabled: pusOf(chip) === undefined, run: () => pinThreadTo(refOf(chip), undefined) });
    if (chip.kind === "emulator") items.push({ label: "add an I/O thread (-object iothread)", run: () => edit(addIothread) });
    return items;
  };
  const openMenu = (x: number, y: number, chip: ThreadChip) => openAt({ x, y }, name(chip), menuOf(chip));
  const onKey = (e: React.KeyboardEvent, chip: ThreadChip) => {
    if (/^\d$/.test(e.key) && host.nodes.some((n) => n.id === Number(e.key))) {
      e.preventDefault();
      pinThreadTo(refOf(chip), { node: Number(e.key) });
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      pinThreadTo(refOf(chip), undefined);
    } else if (e.key === "Enter" || e.key === " " || e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
      e.preventDefault();
      const r = (e.currentTarget as Element).getBoundingClientRect();
      openMenu(r.left + 8, r.bottom, chip);
    }
  };

  const over = drag ? targetAt(drag.at) : undefined;
  const overPu = over && "pu" in over ? puRects(geometry).get(over.pu) : undefined;
  const overCard = over && "node" in over ? geometry.cards.find((c) => c.node.os === over.node) : undefined;
  const mark: DropMark | undefined = overPu ? { rect: overPu, pu: overPu.os } : overCard ? { rect: overCard, node: overCard.node.os } : undefined;
  return (
    <g className="thread-chips" ref={layer}>
      {chips.map((c) => (
        <g
          key={`${c.kind}:${c.id}`}
          className={`thread-chip${pusOf(c) ? "" : " unpinned"}`}
          transform={`translate(${c.x},${c.y})`}
          tabIndex={0}
          role="button"
          data-thread-chip={c.kind === "emulator" ? "emulator" : c.id}
          data-pus={pusOf(c) ? pusOf(c)!.join(",") : ""}
          aria-label={`${name(c)}, ${c.text.replace(/^⚙ [^→]*→ /, "on ")}: drag onto a PU or a host node, press a host node's number, Delete unpins, Enter opens the menu`}
          onPointerDown={(e) => onDown(e, c)}
          onPointerEnter={() => hoverPus(pusOf(c))}
          onPointerLeave={() => hoverPus(undefined)}
          onKeyDown={(e) => onKey(e, c)}
          onContextMenu={(e) => {
            e.preventDefault();
            e.stopPropagation();
            openMenu(e.clientX, e.clientY, c);
          }}
        >
          <rect className="thread-chip-bg focus-ring" width={c.w} height={c.h} rx={c.h / 2} />
          <text x={c.w / 2} y={c.h / 2 + 4} textAnchor="middle">
            {c.text}
          </text>
        </g>
      ))}
      {drag ? <DragMarks frame={frame} mark={mark} preview={{ text: name(drag.chip), at: drag.at }} previewRef={ghost} /> : null}
      {menu ? <GuestMenu frame={frame} x={menu.x} y={menu.y} title={menu.title} items={menu.items} onClose={closeMenu} /> : null}
    </g>
  );
}
