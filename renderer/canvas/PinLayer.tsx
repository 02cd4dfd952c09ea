// The pinning over the host: where each vCPU may run (a node-wide pin as a band of strips along
// the bottom of its PUs, in the guest node's colour; an exact pin as a tag with the vCPU's
// number hanging from its PU), reserved PUs hatched, and what is highlighted (the PUs of the
// hovered guest node or thread chip; what a clicked PIN diagnostic points at). Shapes come from
// shared/pin/pin-geometry.ts as a few paths and one string of text, memoised on the layout and
// the geometry. The drawing takes no pointer events (drops on cards pass through it); a PU's
// menu (right-click) is found from the point, and each card's PUs have one focusable element
// for the keyboard: arrows (Home, End) move a cursor, R reserves or releases, E runs the emulator there,
// P pins the selected vCPUs there, Enter opens the menu.

import { memo, useContext, useEffect, useMemo, useRef, useState } from "react";
import { StoreContext, useApp } from "../views/useApp";
import { inkOn, nodesColor } from "../views/palette";
import type { HostTopology } from "../../shared/topology/schema";
import type { GuestGeometry } from "../../shared/layout/guest-geometry";
import { VCPU_H, VCPU_W } from "../../shared/layout/guest-geometry";
import { coresArea, guestNodePus, MARK_DROP, MARK_FONT, MARK_FONT_LONG, MARK_H, MARK_READABLE_PX, pinHit, pinOverlay, puRects, type PuRect, type RunMark } from "../../shared/pin/pin-geometry";
import { textWidth, type HostGeometry } from "../../shared/topology/box-geometry";
import { formatIdList, idList } from "../../shared/cpulist/cpulist";
import { GuestMenu, type MenuItem } from "./GuestMenu";
import { useCanvasMenu } from "./use-canvas-menu";

interface Props {
  host: HostTopology;
  geometry: HostGeometry;
  guest: GuestGeometry;
  frame: React.RefObject<HTMLDivElement | null>;
}

const ring = (r: { x: number; y: number; w: number; h: number }, pad: number) => `M${r.x - pad},${r.y - pad}h${r.w + 2 * pad}v${r.h + 2 * pad}h${-(r.w + 2 * pad)}z`;

/** the reserved PUs' hatch: one element for every render, so React passes over it */
const HATCH = (
  <defs>
    <pattern id="pin-hatch" width={5} height={5} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <rect width={5} height={5} className="pin-hatch-bg" />
      <line x1={0} y1={0} x2={0} y2={5} className="pin-hatch-line" />
    </pattern>
  </defs>
);

export function PinLayer({ host, geometry, guest, frame }: Props) {
  const layout = useApp((s) => s.layout);
  const on = useApp((s) => s.pinOverlay);
  const overlay = useMemo(() => pinOverlay(layout, host, geometry), [layout, host, geometry]);
  // which tag numbers come out readable at this zoom (a boolean each, so a zoom redraws the tags only when one flips)
  const readable = useApp((s): 0 | 1 | 2 => (s.canvasView.k * MARK_FONT_LONG >= MARK_READABLE_PX ? 2 : s.canvasView.k * MARK_FONT >= MARK_READABLE_PX ? 1 : 0));
  return (
    <g className="pin-layer" pointerEvents="none">
      {HATCH}
      {on ? <PinShapes host={host} overlay={overlay} readable={readable} /> : null}
      <Highlights geometry={geometry} guest={guest} />
      <PuKeys geometry={geometry} frame={frame} />
    </g>
  );
}

const PinShapes = memo(function PinShapes({ host, overlay, readable }: { host: HostTopology; overlay: ReturnType<typeof pinOverlay>; readable: 0 | 1 | 2 }) {
  // exact pins' tags grouped by colour: one path each, and their numbers as one string of markup
  const tags = useMemo(() => {
    const byColor = new Map<string, string[]>();
    const text: string[] = [];
    for (const m of overlay.marks) {
      const color = nodesColor(host, m.memory);
      const shared = m.vcpus.length > 1;
      byColor.set(color, [...(byColor.get(color) ?? []), `M${m.x + 2},${m.y}h${m.w - 4}a2,2 0 0 1 2,2v${m.h - 4}a2,2 0 0 1 -2,2h${-(m.w - 4)}a2,2 0 0 1 -2,-2v${-(m.h - 4)}a2,2 0 0 1 2,-2z`]);
      const long = m.label.length > 3;
      const size = long ? MARK_FONT_LONG : MARK_FONT;
      // the number only where it reads (MARK_READABLE_PX on screen); else a dot says "one vCPU pinned here", and the vCPU's cell in its guest box says which CPU
      text.push(
        readable >= (long ? 2 : 1)
          ? `<text class="pin-mark-label${shared ? " shared" : ""}" data-pin-mark="${m.pu}" data-vcpus="${m.label}" x="${m.x + m.w / 2}" y="${m.y + m.h / 2 + size * 0.36}" text-anchor="middle" style="fill:${inkOn(color)};font-size:${size}px">${m.label}</text>`
          : `<circle class="pin-mark-dot" data-pin-mark="${m.pu}" data-vcpus="${m.label}" cx="${m.x + m.w / 2}" cy="${m.y + m.h / 2}" r="${shared ? 2.6 : 2}" style="fill:${inkOn(color)}"><title>vCPU ${m.label} pinned to CPU ${m.pu}</title></circle>`,
      );
    }
    return { paths: [...byColor], html: { __html: text.join("") } };
  }, [overlay, host, readable]);
  return (
    <g className="pin-shapes" data-bands={overlay.bands.length} data-marks={overlay.marks.length}>
      {overlay.reserved ? <path className="pin-reserved" d={overlay.reserved} fill="url(#pin-hatch)" data-reserved={formatIdList(overlay.reservedPus)} /> : null}
      {overlay.bands.map((b) => (
        <PinBand key={`${b.guest}|${b.vcpus[0]}`} guest={b.guest} d={b.path} color={nodesColor(host, b.memory)} vcpus={b.vcpuList} pus={b.puList} />
      ))}
      {tags.paths.map(([color, parts]) => (
        <path key={color} className="pin-mark" d={parts.join("")} style={{ fill: color }} />
      ))}
      <g className="pin-mark-labels" dangerouslySetInnerHTML={tags.html} />
      <RunMarks host={host} marks={overlay.runMarks} readable={readable > 0} />
    </g>
  );
});

/** One node-wide pin's band, drawn again only when it changes (a drop moves one guest node's, not all of them). */
const PinBand = memo(function PinBand({ guest, d, color, vcpus, pus }: { guest: number; d: string; color: string; vcpus: string; pus: string }) {
  return (
    <path className="pin-band" d={d} style={{ fill: color }} data-guest={guest} data-vcpus={vcpus} data-pus={pus}>
      <title>{`${guest >= 0 ? `guest node ${guest}'s` : "unassigned"} vCPUs ${vcpus} may run on CPUs ${pus}`}</title>
    </path>
  );
});

/**
 * Exact pins on a collapsed run of cores (its PUs are not drawn one by one): the run box tinted
 * in the guest node's colour, and a tag under it with how many vCPUs are pinned there.
 */
function RunMarks({ host, marks, readable }: { host: HostTopology; marks: RunMark[]; readable: boolean }) {
  return (
    <>
      {marks.map((m) => {
        const color = nodesColor(host, m.memory);
        const w = textWidth(m.label, MARK_FONT) + 8;
        return (
          <g key={`${m.node}/${m.pus[0]}`} className="pin-run" data-run-pins={formatIdList(m.pus)} data-vcpus={formatIdList(m.vcpus)}>
            <title>{`vCPU${m.vcpus.length === 1 ? "" : "s"} ${formatIdList(m.vcpus)} pinned to CPU${m.pus.length === 1 ? "" : "s"} ${formatIdList(m.pus)} (collapsed cores)`}</title>
            <rect className="pin-run-tint" x={m.x} y={m.y} width={m.w} height={m.h} rx={3} style={{ fill: color }} />
            <rect className="pin-mark" x={m.x + m.w - w - 2} y={m.y + m.h - MARK_H + MARK_DROP} width={w} height={MARK_H} rx={2} style={{ fill: color }} />
            {readable ? (
              <text
                className="pin-mark-label"
                x={m.x + m.w - 2 - w / 2}
                y={m.y + m.h - MARK_H / 2 + MARK_DROP + MARK_FONT * 0.36}
                textAnchor="middle"
                style={{ fill: inkOn(color), fontSize: MARK_FONT }}
              >
                {m.label}
              </text>
            ) : (
              <circle className="pin-mark-dot" cx={m.x + m.w - 2 - w / 2} cy={m.y + m.h - MARK_H / 2 + MARK_DROP} r={2.6} style={{ fill: inkOn(color) }} />
            )}
          </g>
        );
      })}
    </>
  );
}

/** The hovered guest node's or chip's PUs, and what a clicked PIN diagnostic points at. */
function Highlights({ geometry, guest }: { geometry: HostGeometry; guest: GuestGeometry }) {
  const hover = useApp((s) => s.pinHover);
  const focus = useApp((s) => s.pinFocus);
  const rects = puRects(geometry);
  const path = (pus: number[] | undefined, pad: number) =>
    (pus ?? [])
      .map((p) => rects.get(p))
      .filter((r): r is PuRect => r !== undefined)
      .map((r) => ring(r, pad))
      .join("");
  const vcpuRings = (focus?.vcpus ?? [])
    .flatMap((v) => guest.boxes.flatMap((b) => b.cells.filter((c) => c.vcpu === v).map((c) => ring({ x: b.x + c.x, y: b.y + c.y, w: VCPU_W, h: VCPU_H }, 2))))
    .join("");
  return (
    <>
      {hover?.length ? <path className="pin-hover" d={path(hover, 1.5)} data-pus={formatIdList(hover)} /> : null}
      {focus ? <path className="pin-focus" d={path(focus.pus, 2.5) + vcpuRings} data-pus={formatIdList(focus.pus)} data-vcpus={formatIdList(focus.vcpus)} /> : null}
    </>
  );
}

/**
 * The keyboard's and the right-click's way to a PU: per card one focusable element over its
 * cores, a cursor drawn while it has focus, and the PU menu.
 */
const PuKeys = memo(function PuKeys({ geometry, frame }: { geometry: HostGeometry; frame: React.RefObject<HTMLDivElement | null> }) {
  // the layout is read when a menu opens or the pointer moves, not subscribed to: an edit (a
  // drop on a 1024-PU host) does not draw this layer again (npm run bench -- ui)
  const store = useContext(StoreContext)!;
  const selection = useApp((s) => s.vcpuSelection);
  const toggleReserve = useApp((s) => s.toggleReserve);
  const pinVcpus = useApp((s) => s.pinVcpus);
  const pinThreadTo = useApp((s) => s.pinThreadTo);
  const hoverPus = useApp((s) => s.hoverPus);
  const [cursor, setCursor] = useState<{ node: number; pu: number } | undefined>();
  const { menu, openMenu: openAt, closeMenu } = useCanvasMenu(frame);
  const layer = useRef<SVGGElement>(null);
  const rects = puRects(geometry);
  // each card's PUs in reading order (rows, then left to right): the arrows' order
  const orders = useMemo(() => {
    const byNode = new Map<number, PuRect[]>();
    for (const r of rects.values()) byNode.set(r.node, [...(byNode.get(r.node) ?? []), r]);
    return new Map([...byNode].map(([node, rs]) => [node, rs.sort((a, b) => a.y - b.y || a.x - b.x).map((r) => r.os)]));
  }, [rects]);

  const puMenu = (pu: number): MenuItem[] => {
    const layout = store.getState().layout;
    const reserved = new Set(idList(layout.pinning?.reserved));
    const items: MenuItem[] = [
      reserved.has(pu) ? { label: `release CPU ${pu} (no longer reserved for the host)`, run: () => toggleReserve(pu) } : { label: `reserve CPU ${pu} for the host`, run: () => toggleReserve(pu) },
    ];
    if (selection.length)
      items.push({
        label: `pin vCPU${selection.length > 1 ? "s" : ""} ${formatIdList(selection)} here (one PU each from CPU ${pu})`,
        disabled: reserved.has(pu),
        run: () => pinVcpus(selection, { pu }),
      });
    items.push({ label: `run the emulator on CPU ${pu}`, disabled: reserved.has(pu), run: () => pinThreadTo({ kind: "emulator" }, { pu }) });
    for (const t of layout.iothreads ?? []) items.push({ label: `run I/O thread ${t.id} on CPU ${pu}`, disabled: reserved.has(pu), run: () => pinThreadTo({ kind: "iothread", id: t.id }, { pu }) });
    return items;
  };
  const openMenu = (clientX: number, clientY: number, pu: number) => {
    const node = rects.get(pu)?.node;
    openAt({ x: clientX, y: clientY }, `CPU ${pu}${node !== undefined ? ` · host node ${node}` : ""}`, puMenu(pu));
  };

  // right-click on a PU (the cards are drawn under this layer, which takes no pointer events),
  // and the PUs of the guest node under the pointer (its box or title)
  const latest = useRef({ openMenu, hoverPus, geometry });
  // eslint-disable-next-line react-hooks/refs -- the "latest handlers" idiom: the native listeners are attached once
  latest.current = { openMenu, hoverPus, geometry };
  useEffect(() => {
    const svg = layer.current?.ownerSVGElement;
    if (!svg) return;
    const toDrawing = (e: MouseEvent) => {
      const ctm = layer.current?.getScreenCTM();
      return ctm ? new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse()) : undefined;
    };
    const onMenu = (e: MouseEvent) => {
      const p = toDrawing(e);
      const hit = p ? pinHit(p, latest.current.geometry) : undefined;
      if (hit?.kind !== "pu") return;
      e.preventDefault();
      latest.current.openMenu(e.clientX, e.clientY, hit.pu);
    };
    let hovered: number | undefined;
    const onOver = (e: PointerEvent) => {
      const box = (e.target as Element | null)?.closest?.("[data-guest-box]");
      const index = box ? Number(box.getAttribute("data-guest-box")) : undefined;
      if (index === hovered) return;
      hovered = index;
      latest.current.hoverPus(index !== undefined && index >= 0 ? guestNodePus(store.getState().layout, index) : undefined);
    };
    svg.addEventListener("contextmenu", onMenu);
    svg.addEventListener("pointerover", onOver);
    return () => {
      svg.removeEventListener("contextmenu", onMenu);
      svg.removeEventListener("pointerover", onOver);
    };
  }, [store]);

  const onKey = (e: React.KeyboardEvent, node: number, order: number[]) => {
    if (order.length === 0) return;
    const at = cursor?.node === node ? order.indexOf(cursor.pu) : -1;
    const here = at >= 0 ? order[at]! : order[0]!;
    const row = (pu: number) => rects.get(pu)!.y;
    const step = (dir: number) => {
      const next = order[Math.max(0, Math.min(order.length - 1, (at < 0 ? 0 : at) + dir))]!;
      setCursor({ node, pu: next });
    };
    const vertical = (down: boolean) => {
      // the PU in the next row nearest in x
      const r0 = rects.get(here)!;
      const rowY = [...new Set(order.map(row))].sort((a, b) => a - b);
      const target = rowY[rowY.indexOf(r0.y) + (down ? 1 : -1)];
      if (target === undefined) return;
      const next = order.filter((p) => row(p) === target).sort((a, b) => Math.abs(rects.get(a)!.x - r0.x) - Math.abs(rects.get(b)!.x - r0.x))[0]!;
      setCursor({ node, pu: next });
    };
    if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      setCursor({ node, pu: e.key === "Home" ? order[0]! : order[order.length - 1]! });
    } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      step(e.key === "ArrowRight" ? 1 : -1);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      vertical(e.key === "ArrowDown");
    } else if (e.key === "r" || e.key === "R") {
      e.preventDefault();
      setCursor({ node, pu: here });
      toggleReserve(here);
    } else if (e.key === "e" || e.key === "E") {
      e.preventDefault();
      pinThreadTo({ kind: "emulator" }, { pu: here });
    } else if ((e.key === "p" || e.key === "P") && selection.length) {
      e.preventDefault();
      pinVcpus(selection, { pu: here });
    } else if (e.key === "Enter" || e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
      e.preventDefault();
      const r = (e.currentTarget as Element).getBoundingClientRect();
      openMenu(r.left + 8, r.top + 16, here);
    }
  };

  return (
    <g ref={layer} className="pu-keys">
      {geometry.cards.map((card) => {
        const area = coresArea(card);
        if (!area) return null;
        const order = orders.get(card.node.os) ?? [];
        const cur = cursor?.node === card.node.os ? rects.get(cursor.pu) : undefined;
        return (
          <g
            key={card.node.os}
            className="pu-keys-card"
            tabIndex={0}
            role="group"
            data-pu-keys={card.node.os}
            data-cursor={cur?.os}
            aria-label={`host node ${card.node.os}'s CPUs: arrows move, R reserves or releases for the host, E runs the emulator there, P pins the selected vCPUs there, Enter opens the menu`}
            onKeyDown={(e) => onKey(e, card.node.os, order)}
            onFocus={() => (cursor?.node === card.node.os ? undefined : setCursor({ node: card.node.os, pu: order[0]! }))}
          >
            <rect className="pu-keys-area" x={area.x - 2} y={area.y - 2} width={area.w + 4} height={area.h + 4} rx={4} />
            {cur ? <path className="pu-cursor" d={ring(cur, 2)} /> : null}
          </g>
        );
      })}
      {menu ? <GuestMenu frame={frame} x={menu.x} y={menu.y} title={menu.title} items={menu.items} onClose={closeMenu} /> : null}
    </g>
  );
});
