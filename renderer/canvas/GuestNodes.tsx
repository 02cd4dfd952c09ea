// The guest as a picture, under the host in the canvas's one zoomed viewport: a box per guest
// NUMA node holding its vCPU cells, a link in the host node's colour from each box to the
// host node(s) its memory is bound to, and a box for the vCPUs no node names yet.
//
// Pointer: click, shift-click (range), ctrl-click (toggle) and a lasso (drag on a box's empty
// part) select vCPUs; dragging the selection onto a guest node moves them there, onto a PU pins
// them one PU each from there, onto a host node's cores pins them node-wide (PinLayer draws
// the pins), onto the rest of a host node (or empty host space) makes a new guest node with them. A box's title bar drags the
// node onto a host node (its memory and thread-context follow). "+ guest node" dragged onto
// a host node adds one there. A drag only moves a preview: the layout changes once, on drop.
// Keyboard: every box and title bar is focusable; arrows move a cursor, Space toggles,
// Shift+arrows extend, a digit sends the selection (or the node) to that node, Enter or the
// context-menu key opens the same menu a right-click opens.

import { memo, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { StoreContext, useApp } from "../views/useApp";
import { inkOn, nodeColor, nodesColor } from "../views/palette";
import type { HostTopology } from "../../shared/topology/schema";
import type { Layout } from "../../shared/layout/schema";
import { CARD_FONT, clipText, type HostGeometry } from "../../shared/topology/box-geometry";
import { formatIdList } from "../../shared/cpulist/cpulist";
import { GUEST_HEAD, GUEST_PAD, VCPU_H, VCPU_W, hitTest, lassoVcpus, linkPath, nearestCard, type GuestBox, type GuestGeometry, type Hit, type Point } from "../../shared/layout/guest-geometry";
import { nodeOfUnnamedVcpus } from "../../shared/layout/unnamed-vcpus";
import { GuestMenu, type MenuItem } from "./GuestMenu";
import { pinHit, puRects } from "../../shared/pin/pin-geometry";
import { vcpuHostSets } from "../../shared/pin/resolve";
import { useCanvasMenu } from "./use-canvas-menu";
import { sameCells } from "./guest-geometry-of";
import { DragMarks, ghostRoom, ghostTransform, type DropMark } from "./DragMarks";
import { guestTitleMenu, useGuestTitleActions } from "./guest-title-menu";
import { guestBoxDevices } from "../../shared/layout/guest-devices";

const withSpace = (t: string) => (t ? ` · ${t}` : "");

/** a press that moves less than this (CSS px) is a click */
const DRAG_SLOP = 4;
/** a guest node made by a drop shares -m (shared/layout/memory-share.ts); its size is edited in the guest layout panel */
const NEW_NODE_SIZE = undefined;

type Drag = { kind: "vcpus"; vcpus: number[]; at: Point } | { kind: "guest"; index: number; at: Point } | { kind: "new"; at: Point } | { kind: "lasso"; from: Point; at: Point; base: number[] };

interface Props {
  host: HostTopology;
  geometry: HostGeometry;
  guest: GuestGeometry;
  layout: Layout;
  /** where HTML overlays (the menu) are positioned */
  frame: React.RefObject<HTMLDivElement | null>;
}

const hostIndex = (host: HostTopology, os: number) => host.nodes.findIndex((n) => n.id === os);

/** a vCPU cell's pin mark: a corner notch at the top right of the cell at x, y */
const pinCorner = (x: number, y: number) => `M${x + VCPU_W - 9},${y}h6q3,0 3,3v6z`;

/** vCPU → the one host CPU it is pinned to (vCPUs pinned to a set are not exact pins). */
function exactPins(layout: Layout): Map<number, number> {
  const out = new Map<number, number>();
  for (const [v, cpus] of vcpuHostSets(layout)) if (cpus.length === 1) out.set(v, cpus[0]!);
  return out;
}

/**
 * The boxes in guest-node order, for the DOM: a rebind that moves a box along the row (boxes sit
 * under their host card's column) then changes its transform, instead of moving its element,
 * which made Chromium lay out and paint all its text again. Boxes never overlap, so the DOM order
 * only sets the Tab order, which is the guest nodes' order (as in the list beside the canvas).
 */
const byIndex = (boxes: GuestBox[]) => boxes.slice().sort((a, b) => (a.index === -1 ? 1 : b.index === -1 ? -1 : a.index - b.index));

// what the unassigned box says: with guest nodes QEMU does not leave these vCPUs on no node, it puts them on
// guest node 0 (shared/layout/unnamed-vcpus.ts, measured on QEMU 7.2); short enough for the narrowest box
const unnamedDetail = (layout: Layout, n: number) => {
  const i = nodeOfUnnamedVcpus(layout);
  return i === undefined ? `${n} from -smp, in no node` : `QEMU: guest node ${layout.nodes[i]?.nodeid ?? i}`;
};
const boxName = (i: number, layout?: Layout) => (i === -1 ? "unassigned vCPUs" : `guest node ${layout?.nodes[i]?.nodeid ?? i}`);

/**
 * The links: drawn over the host cards (faintly), so a link that passes a nearer card on its
 * way is seen to go on to its own node instead of seeming to end at the first card it meets.
 */
export const GuestLinks = memo(
  function GuestLinks({ host, geometry, guest }: { host: HostTopology; geometry: HostGeometry; guest: GuestGeometry }) {
    return (
      <g className="guest-links" aria-hidden="true">
        {byIndex(guest.boxes).flatMap((box) =>
          box.hostNodes.map((os, slot) => {
            const card = geometry.cards.find((c) => c.node.os === os);
            if (!card) return null;
            return (
              <GuestLink
                // keyed by the box and slot, not the host node: a drop that rebinds it changes this path's d, instead of removing one path and adding another
                key={`${box.index}-${slot}`}
                link={`${box.index}-${os}`}
                d={linkPath(box, card, slot, box.hostNodes.length, geometry.cards, guest.boxes)}
                color={nodeColor(hostIndex(host, os))}
              />
            );
          }),
        )}
      </g>
    );
  },
  // a link changes only with its box (guest-geometry-of.ts keeps an unchanged box's object)
  (a, b) => a.host === b.host && a.geometry === b.geometry && a.guest.boxes.length === b.guest.boxes.length && a.guest.boxes.every((box, i) => box === b.guest.boxes[i]),
);

/** One link, drawn again only when its path or colour changes (a drop moves one or two of them). */
const GuestLink = memo(function GuestLink({ link, d, color }: { link: string; d: string; color: string }) {
  return <path className="guest-link" data-link={link} d={d} style={{ stroke: color }} />;
});

export function GuestNodes({ host, geometry, guest, layout, frame }: Props) {
  const moveVcpus = useApp((s) => s.moveVcpus);
  const moveGuest = useApp((s) => s.moveGuest);
  const addNode = useApp((s) => s.addNode);
  const say = useApp((s) => s.say);
  const pinVcpus = useApp((s) => s.pinVcpus);
  const setVcpuSelection = useApp((s) => s.setVcpuSelection);
  const titleActions = useGuestTitleActions();
  const [sel, setSel] = useState<number[]>([]);
  const [anchor, setAnchor] = useState<number | undefined>();
  const [cursor, setCursor] = useState<{ box: number; vcpu: number } | undefined>();
  const [drag, setDrag] = useState<Drag | undefined>();
  const { menu, openMenu, closeMenu } = useCanvasMenu(frame);
  const layer = useRef<SVGGElement>(null);
  const ghost = useRef<HTMLDivElement>(null);
  const store = useContext(StoreContext);
  // vCPUs pinned to one host CPU: their cells carry a mark and say where (the host's tag may be too small for its number)
  const exact = useMemo(() => exactPins(layout), [layout]);

  // vCPUs that no longer exist (after an undo or a new layout) leave the selection
  const known = new Set(guest.boxes.flatMap((b) => b.cells.map((c) => c.vcpu)));
  const selection = sel.filter((v) => known.has(v));
  // the selection is the store's too: a PU's menu pins it
  const selectionKey = selection.join(",");
  useEffect(() => setVcpuSelection(selectionKey ? selectionKey.split(",").map(Number) : []), [selectionKey, setVcpuSelection]);

  const toDrawing = useCallback((clientX: number, clientY: number): Point => {
    const ctm = layer.current?.getScreenCTM();
    if (!ctm) return { x: clientX, y: clientY };
    const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    return { x: p.x, y: p.y };
  }, []);

  /** Host nodes a new guest node could go on, nearest the point first, preferring ones with no guest node. */
  const emptyHostNode = (p: Point): number | undefined => {
    const taken = new Set(guest.boxes.flatMap((b) => (b.index >= 0 ? b.hostNodes : [])));
    const free = geometry.cards.filter((c) => !taken.has(c.node.os));
    return nearestCard(p, { cards: free.length ? free : geometry.cards });
  };
  /** The guest node bound to exactly this host node, if any. */
  const guestOnHost = (os: number) => guest.boxes.find((b) => b.index >= 0 && b.hostNodes.length === 1 && b.hostNodes[0] === os)?.index;

  const sendVcpus = (vcpus: number[], hit: Hit, p: Point) => {
    if (vcpus.length === 0) return;
    if (hit.kind === "guest") {
      if (hit.index >= -1) moveVcpus(vcpus, hit.index);
    } else {
      const os = hit.kind === "host" ? hit.node : emptyHostNode(p);
      if (os === undefined) return;
      const existing = hit.kind === "host" ? guestOnHost(os) : undefined;
      if (existing !== undefined) moveVcpus(vcpus, existing);
      else addNode(os, NEW_NODE_SIZE, vcpus);
    }
    setSel([]);
  };

  const drop = (d: Drag, p: Point, shift = false) => {
    const hit = hitTest(p, geometry, guest);
    const pin = d.kind === "vcpus" && hit.kind !== "guest" ? pinHit(p, geometry) : undefined;
    if (d.kind === "vcpus" && pin) {
      pinVcpus(d.vcpus, pin.kind === "pu" ? { pu: pin.pu } : { node: pin.node });
      setSel([]);
    } else if (d.kind === "vcpus") sendVcpus(d.vcpus, hit, p);
    else if (d.kind === "guest") {
      // Shift-drop: its memory also on that host node (host-nodes=0-1)
      if (hit.kind === "host") (shift ? titleActions.spanGuest : moveGuest)(d.index, hit.node);
      else if (hit.kind === "empty") say("info", `drop ${boxName(d.index, layout)} on a host node to bind its memory there`);
    } else if (d.kind === "new") {
      const os = hit.kind === "host" ? hit.node : hit.kind === "empty" ? emptyHostNode(p) : undefined;
      if (os !== undefined) addNode(os, NEW_NODE_SIZE, []);
    }
  };

  /** A press on something draggable: a click if it does not move, else a drag that ends in a drop. */
  const press = (e: React.PointerEvent, start: (p: Point) => Drag | undefined, click: () => void) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    e.preventDefault();
    const x0 = e.clientX;
    const y0 = e.clientY;
    let current: Drag | undefined;
    let target = "";
    const move = (ev: PointerEvent) => {
      if (!current && Math.hypot(ev.clientX - x0, ev.clientY - y0) < DRAG_SLOP) return;
      const p = toDrawing(ev.clientX, ev.clientY);
      const was = current;
      current = current ? { ...current, at: p } : start(p);
      if (!current) return;
      // a move that keeps the drop target only moves the preview: its transform is set here, with
      // no render of the layer (a drag frame of a 1024-PU host stays a transform; DragMarks.tsx)
      const now = current.kind === "lasso" ? "" : dropTarget(current, p, geometry, guest);
      if (was && current.kind !== "lasso" && now === target && ghost.current && frame.current && store) {
        const { room, size } = ghostRoom(frame.current, ghost.current);
        ghost.current.style.transform = ghostTransform(p, store.getState().canvasView, room, size);
        return;
      }
      target = now;
      setDrag(current);
    };
    const up = (ev: PointerEvent) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("keydown", cancel);
      setDrag(undefined);
      if (!current) return click();
      if (current.kind === "lasso") return;
      drop(current, toDrawing(ev.clientX, ev.clientY), ev.shiftKey);
    };
    const cancel = (ev: KeyboardEvent) => {
      if (ev.key !== "Escape") return;
      current = undefined;
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("keydown", cancel);
      setDrag(undefined);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("keydown", cancel);
  };

  const clickVcpu = (v: number, box: GuestBox, mods: { shift: boolean; ctrl: boolean }) => {
    setCursor({ box: box.index, vcpu: v });
    if (mods.shift && anchor !== undefined && box.cells.some((c) => c.vcpu === anchor)) {
      const order = box.cells.map((c) => c.vcpu);
      const [a, b] = [order.indexOf(anchor), order.indexOf(v)].sort((x, y) => x - y);
      const range = order.slice(a, b! + 1);
      setSel(mods.ctrl ? [...new Set([...selection, ...range])] : range);
      return;
    }
    setAnchor(v);
    if (mods.ctrl) setSel(selection.includes(v) ? selection.filter((x) => x !== v) : [...selection, v]);
    else setSel([v]);
  };

  const onCellDown = (e: React.PointerEvent, v: number, box: GuestBox) => {
    const mods = { shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey };
    press(
      e,
      (p) => {
        const vcpus = selection.includes(v) ? selection : [v];
        if (!selection.includes(v)) setSel([v]);
        return { kind: "vcpus", vcpus: [...vcpus].sort((a, b) => a - b), at: p };
      },
      () => clickVcpu(v, box, mods),
    );
    (e.currentTarget.closest(".guest-box") as SVGGElement | null)?.focus();
  };

  const onBoxDown = (e: React.PointerEvent) => {
    const additive = e.shiftKey || e.ctrlKey || e.metaKey;
    const from = toDrawing(e.clientX, e.clientY);
    const base = additive ? selection : [];
    (e.currentTarget as SVGGElement).focus();
    press(
      e,
      (p) => ({ kind: "lasso", from, at: p, base }),
      () => (additive ? undefined : setSel([])),
    );
  };

  // the lasso selects as it grows
  useEffect(() => {
    if (drag?.kind !== "lasso") return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the selection follows the lasso as the pointer moves; the drag state is what changes
    setSel([...new Set([...drag.base, ...lassoVcpus(drag.from, drag.at, guest)])]);
  }, [drag, guest]);

  // ---- the menu (right-click, Enter, the context-menu key) ----
  const vcpuMenu = (vcpus: number[], from: number): MenuItem[] => {
    const what = `${vcpus.length} vCPU${vcpus.length === 1 ? "" : "s"}`;
    const items: MenuItem[] = layout.nodes.map((n, i) => ({ label: `move ${what} to guest node ${n.nodeid ?? i}`, disabled: i === from, run: () => (moveVcpus(vcpus, i), setSel([])) }));
    for (const n of host.nodes) items.push({ label: `new guest node on host node ${n.id} with ${what}`, run: () => (addNode(n.id, NEW_NODE_SIZE, vcpus), setSel([])) });
    if (from !== -1) items.push({ label: `unassign ${what}`, run: () => (moveVcpus(vcpus, -1), setSel([])) });
    for (const n of host.nodes) if (n.cpus.length) items.push({ label: `pin ${what} to host node ${n.id}'s CPUs (node-wide)`, run: () => (pinVcpus(vcpus, { node: n.id }), setSel([])) });
    return items;
  };
  const guestMenu = (index: number): MenuItem[] => guestTitleMenu(index, layout, host, guest.boxes.find((b) => b.index === index)?.hostNodes ?? [], titleActions);
  const newMenu = (): MenuItem[] => host.nodes.map((n) => ({ label: `add a guest node on host node ${n.id}`, run: () => addNode(n.id, NEW_NODE_SIZE, []) }));
  const elementAt = (el: Element) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + 8, y: r.top + Math.min(r.height, 28) };
  };

  // ---- keyboard ----
  const onBoxKey = (e: React.KeyboardEvent, box: GuestBox) => {
    if (e.target !== e.currentTarget) return; // a key on the title bar is the title's
    const order = box.cells.map((c) => c.vcpu);
    if (order.length === 0) return;
    const cols = Math.max(1, box.cells.filter((c) => c.y === box.cells[0]!.y).length);
    const at = cursor && cursor.box === box.index && order.includes(cursor.vcpu) ? order.indexOf(cursor.vcpu) : -1;
    const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -cols, ArrowDown: cols };
    if (e.key in step) {
      e.preventDefault();
      const next = order[Math.max(0, Math.min(order.length - 1, at < 0 ? 0 : at + step[e.key]!))]!;
      setCursor({ box: box.index, vcpu: next });
      if (e.shiftKey) clickVcpu(next, box, { shift: true, ctrl: e.ctrlKey });
      else if (anchor === undefined || !e.ctrlKey) setAnchor(next);
      return;
    }
    const here = at >= 0 ? order[at]! : undefined;
    if (e.key === " ") {
      // a box just tabbed to has no cursor yet: Space starts it on the first vCPU, as an arrow does (it did nothing, and the page scrolled)
      e.preventDefault();
      const v = here ?? order[0]!;
      setCursor({ box: box.index, vcpu: v });
      clickVcpu(v, box, { shift: false, ctrl: true });
    } else if (e.key === "a" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      setSel([...new Set([...selection, ...order])]);
    } else if (e.key === "Escape") {
      setSel([]);
    } else if (/^\d$/.test(e.key) && selection.length) {
      // the digit is the guest node's id, as its title shows it
      const to = layout.nodes.findIndex((n, i) => (n.nodeid ?? i) === Number(e.key));
      if (to >= 0) {
        e.preventDefault();
        // the unassigned box emptied is gone after this edit, and the focus with it: it goes to the box they went to
        const emptied = box.index === -1 && order.every((v) => selection.includes(v));
        moveVcpus(selection, to);
        setSel([]);
        if (emptied) requestAnimationFrame(() => layer.current?.querySelector<SVGGElement>(`[data-guest-box="${to}"]`)?.focus());
      }
    } else if (e.key === "Enter" || e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
      e.preventDefault();
      const vcpus = selection.length ? selection : here !== undefined ? [here] : [];
      if (vcpus.length) openMenu(elementAt(e.currentTarget), `${vcpus.length} vCPU${vcpus.length === 1 ? "" : "s"} (${formatIdList(vcpus)})`, vcpuMenu(vcpus, box.index));
    }
  };
  const onHeadKey = (e: React.KeyboardEvent, index: number) => {
    // Shift+digit (by the key's place: Shift+1 types "!"): its memory also on that host node
    const shifted = e.shiftKey && /^Digit\d$/.test(e.code) ? Number(e.code.slice(5)) : undefined;
    if (shifted !== undefined && host.nodes.some((n) => n.id === shifted)) {
      e.preventDefault();
      titleActions.spanGuest(index, shifted);
    } else if (/^\d$/.test(e.key) && host.nodes.some((n) => n.id === Number(e.key))) {
      e.preventDefault();
      moveGuest(index, Number(e.key));
    } else if (e.key === "Enter" || e.key === " " || e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
      e.preventDefault();
      openMenu(elementAt(e.currentTarget), boxName(index, layout), guestMenu(index));
    }
  };
  const onNewKey = (e: React.KeyboardEvent) => {
    if (/^\d$/.test(e.key) && host.nodes.some((n) => n.id === Number(e.key))) {
      e.preventDefault();
      addNode(Number(e.key), NEW_NODE_SIZE, []);
    } else if (e.key === "Enter" || e.key === " " || e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
      e.preventDefault();
      openMenu(elementAt(e.currentTarget), "new guest node", newMenu());
    }
  };

  const onHeadDown = (e: React.PointerEvent, index: number) => {
    const el = e.currentTarget as SVGGElement;
    press(
      e,
      (p) => ({ kind: "guest", index, at: p }),
      () => el.focus(),
    );
  };
  const onMenu = (e: React.MouseEvent, vcpu: number | undefined, box: GuestBox) => {
    e.preventDefault();
    e.stopPropagation();
    if (vcpu === undefined) return openMenu({ x: e.clientX, y: e.clientY }, boxName(box.index, layout), box.index >= 0 ? guestMenu(box.index) : []);
    const vcpus = selected.has(vcpu) ? selection : [vcpu];
    if (!selected.has(vcpu)) setSel([vcpu]);
    openMenu({ x: e.clientX, y: e.clientY }, `${vcpus.length} vCPU${vcpus.length === 1 ? "" : "s"} (${formatIdList(vcpus)})`, vcpuMenu(vcpus, box.index));
  };
  const selected = new Set(selection);

  // the boxes are memoized on what they draw; their handlers reach this render's state through a ref
  const onNewDown = (e: React.PointerEvent) =>
    press(
      e,
      (p) => ({ kind: "new", at: p }),
      () => openMenu({ x: e.clientX, y: e.clientY }, "new guest node", newMenu()),
    );
  const onNewMenu = (e: React.MouseEvent) => {
    e.preventDefault();
    openMenu({ x: e.clientX, y: e.clientY }, "new guest node", newMenu());
  };
  const latest = useRef({ onCellDown, onBoxDown, onBoxKey, onHeadKey, onHeadDown, onMenu, onNewDown, onNewKey, onNewMenu });
  // eslint-disable-next-line react-hooks/refs -- the "latest handlers" idiom: memoized boxes call this render's handlers without re-rendering
  latest.current = { onCellDown, onBoxDown, onBoxKey, onHeadKey, onHeadDown, onMenu, onNewDown, onNewKey, onNewMenu };
  const [stable] = useState(() => ({
    onCellDown: (e: React.PointerEvent, v: number, box: GuestBox) => latest.current.onCellDown(e, v, box),
    onBoxDown: (e: React.PointerEvent) => latest.current.onBoxDown(e),
    onBoxKey: (e: React.KeyboardEvent, box: GuestBox) => latest.current.onBoxKey(e, box),
    onHeadKey: (e: React.KeyboardEvent, index: number) => latest.current.onHeadKey(e, index),
    onHeadDown: (e: React.PointerEvent, index: number) => latest.current.onHeadDown(e, index),
    onMenu: (e: React.MouseEvent, vcpu: number | undefined, box: GuestBox) => latest.current.onMenu(e, vcpu, box),
    onNewDown: (e: React.PointerEvent) => latest.current.onNewDown(e),
    onNewKey: (e: React.KeyboardEvent) => latest.current.onNewKey(e),
    onNewMenu: (e: React.MouseEvent) => latest.current.onNewMenu(e),
  }));

  const over = drag && drag.kind !== "lasso" ? hitTest(drag.at, geometry, guest) : undefined;
  const addAt = guest.add;

  return (
    <g className="guest-layer" ref={layer}>
      {byIndex(guest.boxes).map((box) => {
        const node = box.index >= 0 ? layout.nodes[box.index] : undefined;
        const backend = node?.memdev ? layout.backends.find((b) => b.id === node.memdev) : undefined;
        const mine = box.cells.filter((c) => selected.has(c.vcpu)).map((c) => c.vcpu);
        return (
          <GuestBoxView
            key={box.index}
            box={box}
            color={box.index === -1 ? "" : nodesColor(host, box.hostNodes)}
            title={box.index === -1 ? "unassigned vCPUs" : `guest node ${node?.nodeid ?? box.index}`}
            detail={
              box.index === -1
                ? unnamedDetail(layout, box.cells.length)
                : `${backend ? backend.size : (node?.mem ?? "no memory")}${box.hostNodes.length ? ` → host node${box.hostNodes.length > 1 ? "s" : ""} ${formatIdList(box.hostNodes)}` : backend ? " · not bound" : ""}${withSpace(guestBoxDevices(layout, box.index, host))}`
            }
            selectedKey={mine.join(",")}
            pinsKey={box.cells
              .filter((c) => exact.has(c.vcpu))
              .map((c) => `${c.vcpu}:${exact.get(c.vcpu)}`)
              .join(",")}
            cursor={cursor?.box === box.index ? cursor.vcpu : undefined}
            onCellDown={stable.onCellDown}
            onBoxDown={stable.onBoxDown}
            onBoxKey={stable.onBoxKey}
            onHeadDown={stable.onHeadDown}
            onHeadKey={stable.onHeadKey}
            onMenu={stable.onMenu}
          />
        );
      })}
      <NewNodeHandle x={addAt.x} y={addAt.y} w={addAt.w} h={addAt.h} onDown={stable.onNewDown} onKey={stable.onNewKey} onMenu={stable.onNewMenu} />
      {drag && drag.kind !== "lasso" ? (
        <DragMarks
          frame={frame}
          mark={
            over?.kind === "host"
              ? dropMarkOf(geometry, over.node, drag.kind === "vcpus" ? pinHit(drag.at, geometry) : undefined)
              : over?.kind === "guest" && drag.kind === "vcpus"
                ? guestMarkOf(guest, over.index)
                : undefined
          }
          preview={{ text: ghostText(drag, layout), at: drag.at }}
          previewRef={ghost}
        />
      ) : null}
      {drag?.kind === "lasso" ? (
        <rect className="lasso" x={Math.min(drag.from.x, drag.at.x)} y={Math.min(drag.from.y, drag.at.y)} width={Math.abs(drag.at.x - drag.from.x)} height={Math.abs(drag.at.y - drag.from.y)} />
      ) : null}
      {menu ? <GuestMenu frame={frame} x={menu.x} y={menu.y} title={menu.title} items={menu.items} onClose={closeMenu} /> : null}
    </g>
  );
}

/** "+ guest node": dragged onto a host node (or its number pressed) it adds a guest node there; drawn again only when it moves. */
const NewNodeHandle = memo(function NewNodeHandle({
  x,
  y,
  w,
  h,
  onDown,
  onKey,
  onMenu,
}: {
  x: number;
  y: number;
  w: number;
  h: number;
  onDown(e: React.PointerEvent): void;
  onKey(e: React.KeyboardEvent): void;
  onMenu(e: React.MouseEvent): void;
}) {
  return (
    <g
      className="guest-new"
      transform={`translate(${x},${y})`}
      tabIndex={0}
      role="button"
      aria-label="new guest node: drag onto a host node, or press its number"
      data-guest-new=""
      onPointerDown={onDown}
      onKeyDown={onKey}
      onContextMenu={onMenu}
    >
      <rect className="guest-new-box focus-ring" width={w} height={h} rx={8} />
      <text x={w / 2} y={h / 2 + 4} textAnchor="middle">
        + guest node
      </text>
    </g>
  );
});

/** The host node's card, or the PU a drop of vCPUs would pin them to. */
function dropMarkOf(geometry: HostGeometry, node: number, pin: ReturnType<typeof pinHit>): DropMark | undefined {
  const r = pin?.kind === "pu" ? puRects(geometry).get(pin.pu) : undefined;
  if (r) return { rect: r, pu: r.os };
  const c = geometry.cards.find((x) => x.node.os === node);
  return c ? { rect: c, node } : undefined;
}

/** The guest node's box that dropped vCPUs would join (the unassigned box too). */
function guestMarkOf(guest: GuestGeometry, index: number): DropMark | undefined {
  const b = guest.boxes.find((x) => x.index === index);
  return b ? { rect: b, guest: index } : undefined;
}

/** Where a drag would drop, as a key: the layer draws again only when it changes (the drop mark, a box's highlight). */
function dropTarget(d: Exclude<Drag, { kind: "lasso" }>, p: Point, geometry: HostGeometry, guest: GuestGeometry): string {
  const hit = hitTest(p, geometry, guest);
  const pin = d.kind === "vcpus" && hit.kind === "host" ? pinHit(p, geometry) : undefined;
  return JSON.stringify([hit, pin]);
}

/** What the preview says: the vCPUs dragged, or the guest node by its nodeid (as its box and the command line call it, not its place in the list). */
function ghostText(drag: Exclude<Drag, { kind: "lasso" }>, layout: Layout): string {
  if (drag.kind === "vcpus") return `${drag.vcpus.length} vCPU${drag.vcpus.length === 1 ? "" : "s"} · ${formatIdList(drag.vcpus)}`;
  return drag.kind === "guest" ? boxName(drag.index, layout) : "+ guest node";
}

interface BoxProps {
  box: GuestBox;
  color: string;
  title: string;
  detail: string;
  /** this box's selected vCPUs, as a string so an unchanged box is not drawn again */
  selectedKey: string;
  /** "vcpu:cpu,…" for this box's vCPUs pinned to one host CPU, as a string for the same reason */
  pinsKey: string;
  cursor: number | undefined;
  onCellDown(e: React.PointerEvent, vcpu: number, box: GuestBox): void;
  onBoxDown(e: React.PointerEvent): void;
  onBoxKey(e: React.KeyboardEvent, box: GuestBox): void;
  onHeadDown(e: React.PointerEvent, index: number): void;
  onHeadKey(e: React.KeyboardEvent, index: number): void;
  onMenu(e: React.MouseEvent, vcpu: number | undefined, box: GuestBox): void;
}

const GuestBoxView = memo(
  function GuestBoxView({ box, color, title, detail, selectedKey, pinsKey, cursor, onCellDown, onBoxDown, onBoxKey, onHeadDown, onHeadKey, onMenu }: BoxProps) {
    const ink = color ? inkOn(color) : undefined;
    const list = formatIdList(box.cells.map((c) => c.vcpu));
    // "256G → host nodes 0,2,5,7" may be wider than a box: clipped with "…", the whole of it in its title
    const shownDetail = clipText(detail, box.w - 2 * GUEST_PAD, CARD_FONT);
    return (
      <g
        className={`guest-box${box.index === -1 ? " unassigned" : ""}${color ? " coloured" : ""}`}
        transform={`translate(${box.x},${box.y})`}
        // the box's colour and its ink, as two custom properties its frame, head and cells take
        // in the stylesheet: a rebind that recolours a box writes one style, not one per vCPU cell
        style={color ? ({ "--box": color, "--box-ink": ink } as React.CSSProperties) : undefined}
        data-guest-box={box.index}
        data-vcpus={list}
        tabIndex={0}
        role="group"
        aria-label={`${title}: vCPUs ${list || "none"}; ${detail}. Arrows move, Space selects, a digit moves the selection to that guest node, Enter opens the menu`}
        onPointerDown={onBoxDown}
        onKeyDown={(e) => onBoxKey(e, box)}
        onContextMenu={(e) => onMenu(e, undefined, box)}
      >
        <rect className="guest-frame focus-ring" width={box.w} height={box.h} rx={8} />
        {box.index >= 0 ? (
          <g
            className="guest-head"
            tabIndex={0}
            role="button"
            data-guest-head={box.index}
            aria-label={`${title}: drag onto a host node to bind its memory there (Shift: also there), or press the host node's number (Shift+number: also there); Enter opens its menu`}
            onPointerDown={(e) => {
              e.stopPropagation();
              onHeadDown(e, box.index);
            }}
            onKeyDown={(e) => onHeadKey(e, box.index)}
          >
            <rect className="guest-head-bg focus-ring" width={box.w} height={GUEST_HEAD - 6} rx={8} />
            <text x={GUEST_PAD} y={14} className="guest-title">
              ⠿ {title}
            </text>
            <text x={GUEST_PAD} y={27} className="guest-detail">
              {shownDetail !== detail ? <title>{detail}</title> : null}
              {shownDetail}
            </text>
          </g>
        ) : (
          <>
            <text x={GUEST_PAD} y={14} className="guest-title">
              {title}
            </text>
            <text x={GUEST_PAD} y={27} className="guest-detail muted">
              {shownDetail !== detail ? <title>{detail}</title> : null}
              {shownDetail}
            </text>
          </>
        )}
        <BoxCells box={box} selectedKey={selectedKey} pinsKey={pinsKey} cursor={cursor} onCellDown={onCellDown} onMenu={onMenu} />
      </g>
    );
  },
  // handlers change every render of the layer; the picture depends only on these
  (a, b) => a.box === b.box && a.color === b.color && a.title === b.title && a.detail === b.detail && a.selectedKey === b.selectedKey && a.pinsKey === b.pinsKey && a.cursor === b.cursor,
);

/**
 * A box's vCPU cells, drawn again only when its cells, selection, pins or cursor change: a drop
 * that recolours a box (its colour is a custom property on the box) or moves it (its transform)
 * leaves them as they were, about 30 elements a box that React no longer compares and updates.
 */
const BoxCells = memo(
  function BoxCells({ box, selectedKey, pinsKey, cursor, onCellDown, onMenu }: Pick<BoxProps, "box" | "selectedKey" | "pinsKey" | "cursor" | "onCellDown" | "onMenu">) {
    const selected = new Set(selectedKey ? selectedKey.split(",").map(Number) : []);
    const pins = new Map(pinsKey ? pinsKey.split(",").map((p) => p.split(":").map(Number) as [number, number]) : []);
    return (
      <>
        {box.cells.map((c) => (
          <g
            key={c.vcpu}
            className={`vcpu${selected.has(c.vcpu) ? " selected" : ""}${cursor === c.vcpu ? " cursor" : ""}`}
            data-vcpu={c.vcpu}
            onPointerDown={(e) => {
              e.stopPropagation();
              onCellDown(e, c.vcpu, box);
            }}
            onContextMenu={(e) => onMenu(e, c.vcpu, box)}
          >
            {/* placed by coordinates, not a transform per cell: 64 cells were 64 transform nodes to paint and layerize on every edit */}
            {pins.has(c.vcpu) ? <title>{`vCPU ${c.vcpu} pinned to CPU ${pins.get(c.vcpu)}`}</title> : null}
            <rect x={c.x} y={c.y} width={VCPU_W} height={VCPU_H} rx={3} />
            <text x={c.x + VCPU_W / 2} y={c.y + VCPU_H / 2} textAnchor="middle">
              {c.vcpu}
            </text>
            {pins.has(c.vcpu) ? <path className="vcpu-pin" data-pinned-to={pins.get(c.vcpu)} d={pinCorner(c.x, c.y)} /> : null}
          </g>
        ))}
      </>
    );
  },
  // the handlers get this render's box: with the same index and cells, what they read of it (its index and cells) is the same
  (a, b) => a.box.index === b.box.index && sameCells(a.box.cells, b.box.cells) && a.selectedKey === b.selectedKey && a.pinsKey === b.pinsKey && a.cursor === b.cursor,
);
