// The host as nested boxes, drawn from the host's box model (shared/topology/boxes.ts) placed
// by shared/topology/box-geometry.ts: packages as containers, node cards with their cores and
// PUs (OS numbers; SMT siblings in one core box), a memory bar with its legend, huge pages,
// and the backends bound there as chips. Cards are drop targets for backend chips and thread
// budgets. Zoom and pan go through one controller; its transform lives in the store and one
// viewport <g> applies it, so a wheel tick or a drag re-renders only what changed.

import { memo, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { scaleLinear } from "d3-scale";
import { useApp, DND_TYPE, StoreContext, type DragItem } from "./useApp";
import { backendColor, inkOn, nodeColor, OFF_NODE } from "./palette";
import { machineOf, memoryUseOf } from "../store/store";
import { overText } from "../../shared/layout/node-memory";
import { createZoomController, fitTransform, MAX_FIT_SCALE, type ZoomController } from "../canvas/zoom-controller";
import type { HostTopology } from "../../shared/topology/schema";
import { CardResources, UnplacedDevices } from "./CardResources";
import { AttachedDevices } from "./AttachedDevices";
import type { Layout } from "../../shared/layout/schema";
import type { NodeMemoryUse } from "../../shared/layout/node-memory";
import { idList } from "../../shared/cpulist/cpulist";
import { humanSize } from "../../shared/size/size";
import { guestGeometry, LINK_ROOM, VCPU_H, VCPU_W } from "../../shared/layout/guest-geometry";
import { cellFont, digitsOf } from "../canvas/label-size";
import { smpMaxCpus } from "../../shared/qemu/prealloc";
import { GuestLayer } from "../canvas/GuestLayer";
import { DragMarks } from "../canvas/DragMarks";
import { guestFootprint, guestGeometryOf } from "../canvas/guest-geometry-of";
import { PinLegend, PinToggle } from "../canvas/PinLegend";
import { CARD_FONT, CARD_PAD, CHIP_FONT, CHIP_H, PU_H, PU_W, CORE_PAD, clipText, hostGeometry, memoryOnlyNote, packChips, type CardGeo, type HostGeometry } from "../../shared/topology/box-geometry";

/** the guest's height counts for a fit in steps of this much */
const GUEST_STEP = 120;

/** the canvas never takes more of the window's height than this */
const MAX_VIEW_HEIGHT = 0.8;

export function HostCanvas() {
  const host = useApp((s) => s.host);
  const collapse = useApp((s) => s.collapseCores);
  const setCollapse = useApp((s) => s.setCollapseCores);
  const setView = useApp((s) => s.setCanvasView);
  const labelsAtZoom = useApp((s) => s.canvasView.k * LABEL_FONT >= MIN_LABEL_PX);
  const fitted = useRef<HostGeometry | undefined>(undefined);
  const frameRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const controller = useRef<ZoomController | undefined>(undefined);
  const [room, setRoom] = useState({ width: 640, maxHeight: 480 });

  // the controller is made once, on the <svg> that is always mounted
  useEffect(() => {
    if (!svgRef.current) return;
    const c = createZoomController(svgRef.current, setView);
    controller.current = c;
    return () => {
      c.destroy();
      controller.current = undefined;
    };
  }, [setView]);

  useEffect(() => {
    const el = frameRef.current;
    if (!el) return;
    const measure = () => setRoom({ width: Math.max(200, Math.floor(el.clientWidth)), maxHeight: Math.max(260, Math.floor(window.innerHeight * MAX_VIEW_HEIGHT)) });
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    window.addEventListener("resize", measure);
    return () => {
      ro.disconnect();
      window.removeEventListener("resize", measure);
    };
  }, []);

  // the arrangement follows the viewport's shape, in steps so a resize does not re-lay out on every pixel
  const aspect = Math.round((room.width / room.maxHeight) * 4) / 4;
  // the guest is drawn under the host, in the same zoomed drawing. The arrangement leaves room
  // for the guest row under it: a tall arrangement over a tall guest row would shrink both (a
  // guest node more or less arranges again, a moved vCPU not); the layout is read when that
  // count changes, not subscribed to, so an edit does not draw the host again. With no guest
  // node the row still holds "+ guest node" and the emulator chip, which the fit shows too
  const store = useContext(StoreContext);
  const guestNodeCount = useApp((s) => s.layout.nodes.length);
  const geometry = useMemo(() => {
    if (!host) return undefined;
    const layout = store!.getState().layout;
    return hostGeometry(machineOf(host), { aspect, collapse, below: (plain) => LINK_ROOM + guestGeometry(layout, plain).height });
    // the count is what the guest row's size follows; the layout itself is read, not subscribed to
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, host, aspect, collapse, guestNodeCount]);
  // what a fit shows is host and guest, following the guest's size in steps (a box more or
  // less), not every moved vCPU, so the picture stays put while you work in it
  const footprint = useApp((s) => (geometry ? guestFootprint(guestGeometryOf(s.layout, geometry), GUEST_STEP) : ""));
  const content = useMemo(() => {
    if (!geometry) return undefined;
    const [rows, , width] = footprint.split(":").map(Number);
    // the guest row may be wider than a small host (it makes room for four boxes side by side)
    return { width: Math.max(geometry.width, width ?? 0), height: geometry.height + LINK_ROOM + (rows ?? 0) * GUEST_STEP };
  }, [geometry, footprint]);
  const height = content ? Math.max(200, Math.ceil(Math.min(MAX_FIT_SCALE, (room.width - 16) / content.width, (room.maxHeight - 16) / content.height) * content.height + 16)) : 200;
  const fit = useCallback(() => {
    if (!content) return;
    fitted.current = geometry;
    controller.current?.fit(content, { width: room.width, height });
  }, [content, geometry, room.width, height]);
  // until the fit has run for a new host, decide on PU labels by the zoom the fit will give,
  // so a big host's unreadable labels are never made only to be dropped a moment later
  // eslint-disable-next-line react-hooks/refs -- the ref says whether the fit effect has run for this geometry; its zoom then re-renders
  const labels = content && fitted.current !== geometry ? fitTransform(content, { width: room.width, height }).k * LABEL_FONT >= MIN_LABEL_PX : labelsAtZoom;
  // show the whole host on a new target, a new arrangement and a new size
  useEffect(fit, [fit]);
  // PU and vCPU numbers sized so the fit draws them readable (renderer/canvas/label-size.ts)
  const fitK = content ? fitTransform(content, { width: room.width, height }).k : 1;
  const puFont = cellFont(LABEL_FONT, fitK, PU_W - 2, PU_H, digitsOf(host ? Math.max(0, ...host.cpus.map((c) => c.id)) : 0)).font;
  const maxVcpus = useApp((s) => smpMaxCpus(s.layout.smp));
  const vcpuFont = cellFont(VCPU_FONT, fitK, VCPU_W, VCPU_H, digitsOf(maxVcpus - 1)).font;

  return (
    <section className="panel host-canvas" aria-label="host topology">
      <header>
        <h2>
          {host ? host.name : "Host"}{" "}
          {host ? (
            <small>
              {machineOf(host).packages.length} package{machineOf(host).packages.length === 1 ? "" : "s"} · {host.nodes.length} node{host.nodes.length === 1 ? "" : "s"} · {host.cpus.length}{" "}
              <abbr title={PU_MEANS}>PU{host.cpus.length === 1 ? "" : "s"}</abbr>
            </small>
          ) : null}
        </h2>
        <div className="row canvas-tools">
          <button type="button" onClick={() => controller.current?.zoomBy(1 / 1.25)} aria-label="zoom out" title="zoom out (or the mouse wheel)">
            −
          </button>
          <ZoomLevel />
          <button type="button" onClick={() => controller.current?.zoomBy(1.25)} aria-label="zoom in" title="zoom in (or the mouse wheel)">
            +
          </button>
          <button type="button" onClick={fit} title="show the whole host">
            fit
          </button>
          <button type="button" onClick={() => controller.current?.reset()} title="100 %, top left">
            reset
          </button>
          <label className="inline" title="draw runs of identical cores as one box">
            <input type="checkbox" checked={collapse} onChange={(e) => setCollapse(e.target.checked)} /> collapse cores
          </label>
          <PinToggle />
        </div>
      </header>
      <div className="canvas-frame" ref={frameRef}>
        <svg
          ref={svgRef}
          role="img"
          aria-label={host ? `${host.name}: ${host.nodes.length} NUMA node${host.nodes.length === 1 ? "" : "s"}` : "no host chosen"}
          width={room.width}
          height={height}
          className="host-svg"
          style={{ "--pu-font": `${puFont}px`, "--vcpu-font": `${vcpuFont}px` } as React.CSSProperties}
        >
          <rect className="canvas-bg" width="100%" height="100%" />
          <Viewport>
            {host && geometry ? <HostDrawing host={host} geometry={geometry} labels={labels} frame={frameRef} /> : null}
            {host && geometry ? <GuestLayer host={host} geometry={geometry} frame={frameRef} /> : null}
          </Viewport>
        </svg>
        {!host ? <div className="empty canvas-empty">Choose a host: this host, a sample, or an imported topology.</div> : null}
      </div>
      {host ? <PinLegend /> : null}
      <BelowCanvas />
      <p className="muted small canvas-hint">
        Wheel: zoom · drag empty space: pan · drop a chip, a thread budget or a guest node’s title on a host node · select vCPUs (click, Shift, Ctrl, lasso) and drag them onto a guest or host node ·
        right-click or Enter: the same as a menu
      </p>
    </section>
  );
}

function ZoomLevel() {
  const k = useApp((s) => s.canvasView.k);
  return (
    <span className="zoom-level" aria-label="zoom level">
      {Math.round(k * 100)} %
    </span>
  );
}

/** The one element the zoom transform is applied to. */
function Viewport({ children }: { children: React.ReactNode }) {
  const t = useApp((s) => s.canvasView);
  return (
    <g className="viewport" transform={`translate(${t.x},${t.y}) scale(${t.k})`} data-k={t.k}>
      {children}
    </g>
  );
}

const HostDrawing = memo(function HostDrawing({ host, geometry, labels, frame }: { host: HostTopology; geometry: HostGeometry; labels: boolean; frame: React.RefObject<HTMLDivElement | null> }) {
  const layout = useApp((s) => s.layout);
  const selected = useApp((s) => s.selected);
  const bind = useApp((s) => s.bind);
  const threadBudget = useApp((s) => s.threadBudget);
  const selectEl = useApp((s) => s.select);
  const use = useApp((s) => memoryUseOf(s));
  const [over, setOver] = useState<number | undefined>();
  const overCard = over === undefined ? undefined : geometry.cards.find((c) => c.node.os === over);

  const onDrop = useCallback(
    (node: number, e: React.DragEvent) => {
      e.preventDefault();
      setOver(undefined);
      const raw = e.dataTransfer.getData(DND_TYPE);
      if (!raw) return;
      const item = JSON.parse(raw) as DragItem;
      if (item.kind === "backend") bind(item.id, node);
      else threadBudget(node, item.threads);
    },
    [bind, threadBudget],
  );

  // each host node's thread-contexts, found once per render rather than once per card
  const contextsOn = new Map<number, string[]>();
  for (const t of layout.threadContexts) for (const n of idList(t.nodeAffinity)) contextsOn.set(n, [...(contextsOn.get(n) ?? []), t.id]);

  return (
    <g className="host-drawing">
      <Groups geometry={geometry} />
      {geometry.cards.map((card) => {
        const u = use[card.node.index]!;
        const contexts = contextsOn.get(card.node.os) ?? [];
        return (
          <NodeCard
            key={card.node.os}
            card={card}
            host={host}
            layout={layout}
            use={u}
            contexts={contexts.join(", ")}
            selected={selected !== undefined && u.backends.includes(selected) ? selected : undefined}
            labels={labels}
            setOver={setOver}
            onDrop={onDrop}
            onSelect={selectEl}
          />
        );
      })}
      {/* the card a chip or thread budget would drop on, drawn over the canvas (DragMarks.tsx): the drawing is not painted again as the drag passes cards */}
      {overCard ? <DragMarks frame={frame} mark={{ rect: overCard, node: overCard.node.os }} /> : null}
    </g>
  );
});

const Groups = memo(function Groups({ geometry }: { geometry: HostGeometry }) {
  return (
    <>
      {geometry.groups.map((g) => (
        <g key={`${g.kind}${g.os}`} transform={`translate(${g.x},${g.y})`} className={`group ${g.kind}`} data-package={g.kind === "package" ? g.os : undefined}>
          <rect className="group-box" width={g.w} height={g.h} rx={10} />
          <text className="group-label" x={10} y={15}>
            {g.label}
          </text>
        </g>
      ))}
    </>
  );
});

interface NodeCardProps {
  card: CardGeo;
  host: HostTopology;
  layout: Layout;
  use: NodeMemoryUse;
  contexts: string;
  selected: string | undefined;
  labels: boolean;
  setOver(node: number | undefined): void;
  onDrop(node: number, e: React.DragEvent): void;
  onSelect(id: string): void;
}

/** What a card draws of the layout, as one string: an edit elsewhere leaves it equal, so the card is not drawn again. */
const cardKeys = new WeakMap<NodeCardProps, string>();
function cardLayoutKey(p: NodeCardProps): string {
  // each props object is compared twice (as the new props, then as the old ones): its key is made once
  const known = cardKeys.get(p);
  if (known !== undefined) return known;
  const key = cardKeyOf(p);
  cardKeys.set(p, key);
  return key;
}
function cardKeyOf(p: NodeCardProps): string {
  const u = p.use;
  // plain concatenation: every card's key is made on every edit (8 cards on the bench host)
  let key = `${u.bound}|${u.free}|${u.over}|${u.setOver ?? ""}|${u.overNodes ?? ""}|`;
  for (const h of u.huge) key += `${h.pageSize}:${h.bound}:${h.free}:${h.over};`;
  for (const id of u.backends) {
    const b = p.layout.backends.find((x) => x.id === id);
    // ids and sizes are validated names and sizes; "\n" cannot occur in them, so it separates
    key += b ? `\n${b.id}\t${b.size}\t${b.hostNodes ?? ""}\t${b.policy ?? ""}` : `\n${id}`;
  }
  return key;
}

const NodeCard = memo(
  NodeCardView,
  (a, b) =>
    a.card === b.card &&
    a.host === b.host &&
    a.contexts === b.contexts &&
    a.selected === b.selected &&
    a.labels === b.labels &&
    a.setOver === b.setOver &&
    a.onDrop === b.onDrop &&
    a.onSelect === b.onSelect &&
    cardLayoutKey(a) === cardLayoutKey(b),
);

function NodeCardView({ card, host, layout, use, contexts, selected, labels, setOver, onDrop, onSelect }: NodeCardProps) {
  const node = card.node;
  const color = nodeColor(node.index);
  return (
    <g
      transform={`translate(${card.x},${card.y})`}
      className="node-card"
      data-node={node.os}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(node.os);
      }}
      onDragLeave={() => setOver(undefined)}
      onDrop={(e) => onDrop(node.os, e)}
    >
      <CardStatic card={card} color={color} labels={labels} />
      <CardResources card={card} />
      <CardBadge text={contexts ? `⚙ thread-context ${contexts}` : memoryOnlyNote(node)} width={card.w - 2 * CARD_PAD} />
      <MemoryBar card={card} use={use} color={color} />
      <Chips card={card} host={host} layout={layout} ids={use.backends} selected={selected} onSelect={onSelect} />
    </g>
  );
}

/** PU numbers are drawn only when they come out at least this many CSS pixels tall: smaller is not text, only cost. */
const MIN_LABEL_PX = 5.5;
/** hwloc's word, unexplained on screen until now: what a PU is, for the title's "104 PUs" */
const PU_MEANS = "PU: processing unit, one hardware thread (what Linux numbers as a CPU; two per core with SMT)";
const LABEL_FONT = 10;
/** a vCPU number's size when the fit draws it readable anyway */
const VCPU_FONT = 11;

/** The part of a card no layout edit changes: frame, title, cores and PUs. */
const CardStatic = memo(function CardStatic({ card, color, labels }: { card: CardGeo; color: string; labels: boolean }) {
  const node = card.node;
  const detail = node.memoryOnly ? "memory only" : `${node.cores.length} core${node.cores.length === 1 ? "" : "s"} · ${node.puCount} PU${node.puCount === 1 ? "" : "s"}`;
  // A 128-PU card never changes: its core boxes and PU cells are three paths and its labels one
  // string of markup, instead of ~700 elements made one by one through React (npm run bench -- ui).
  const shapes = useMemo(() => coreShapes(card), [card]);
  const text = useMemo(() => ({ __html: labels ? puLabels(card, inkOn(color)) : "" }), [card, color, labels]);
  return (
    <>
      <rect width={card.w} height={card.h} rx={8} className="card-bg" style={{ "--node": color } as React.CSSProperties}>
        <title>{`node ${node.os}: ${node.memoryOnly ? "memory only" : card.cores.map((c) => c.title).join("; ")}`}</title>
      </rect>
      <rect width={card.w} height={5} rx={2} className="card-band" style={{ fill: color }} />
      <text x={CARD_PAD} y={20} className="card-title">
        node {node.os}
        <tspan className="muted"> · {detail}</tspan>
      </text>
      {card.cores.length ? (
        <g className="cores" data-labels={labels ? "on" : "off"}>
          <path className="core-box" d={shapes.cores} />
          <path className="pu" d={shapes.online} style={{ fill: color }} />
          {shapes.offline ? <path className="pu offline" d={shapes.offline} /> : null}
          {shapes.runs.map((r) => (
            <text key={r.key} className="run-label" x={r.x} y={r.y} textAnchor="middle">
              {r.label}
            </text>
          ))}
          <g className="pu-labels" dangerouslySetInnerHTML={text} />
        </g>
      ) : null}
    </>
  );
});

/**
 * A rounded rectangle as path data, its corners as quadratic curves: Blink turns every arc
 * ("a") of a path into cubic curves when it parses the path, and a 1024-PU host has ~1,500 of
 * these rectangles (6,000 corners); a quadratic corner of radius 2–3 looks the same.
 */
function roundRect(x: number, y: number, w: number, h: number, r: number): string {
  return `M${x + r},${y}h${w - 2 * r}q${r},0 ${r},${r}v${h - 2 * r}q0,${r} -${r},${r}h-${w - 2 * r}q-${r},0 -${r},-${r}v-${h - 2 * r}q0,-${r} ${r},-${r}z`;
}

/** Core boxes (SMT siblings side by side inside one), online and offline PU cells, as path data. */
function coreShapes(card: CardGeo) {
  const cores: string[] = [];
  const online: string[] = [];
  const offline: string[] = [];
  const runs: Array<{ key: string; x: number; y: number; label: string }> = [];
  for (const core of card.cores) {
    cores.push(roundRect(core.x, core.y, core.w, core.h, 3));
    if (core.count > 1) runs.push({ key: core.key, x: core.x + core.w / 2, y: core.y + core.h / 2 + 3.5, label: core.label ?? "" });
    for (const pu of core.pus) (pu.online ? online : offline).push(roundRect(core.x + pu.x, core.y + CORE_PAD, PU_W - 2, PU_H, 2));
  }
  return { cores: cores.join(""), online: online.join(""), offline: offline.join(""), runs };
}

/** Every PU's OS number, centred on its cell, as SVG markup (numbers only: nothing to escape). */
function puLabels(card: CardGeo, ink: string): string {
  const out: string[] = [];
  for (const core of card.cores) {
    for (const pu of core.pus) {
      const style = pu.online ? `fill:${ink}${pu.os >= 1000 ? ";font-size:8.5px" : ""}` : "";
      out.push(
        `<text class="pu-label${pu.online ? "" : " offline"}" data-pu="${pu.os}" x="${core.x + pu.x + (PU_W - 2) / 2}" y="${core.y + CORE_PAD + PU_H / 2}" text-anchor="middle" style="${style}">${pu.os}</text>`,
      );
    }
  }
  return out.join("");
}

/** The thread-context line under a card's title, clipped to the card (the whole of it in its title). */
function CardBadge({ text, width }: { text: string; width: number }) {
  const shown = clipText(text, width, CARD_FONT);
  return (
    <text x={CARD_PAD} y={34} className="tc-badge">
      {shown !== text ? <title>{text}</title> : null}
      {shown}
    </text>
  );
}

/** Total, used by others, what this layout binds (node colour) and over-commit (red, with the amount). */
function MemoryBar({ card, use, color }: { card: CardGeo; use: NodeMemoryUse; color: string }) {
  const node = card.node;
  const w = card.w - 2 * CARD_PAD;
  const used = Math.max(0, node.memTotal - node.memFree);
  const x = scaleLinear()
    .domain([0, Math.max(1, node.memTotal, used + use.bound)])
    .range([0, w]);
  const fits = Math.min(use.bound, node.memFree);
  const line1 = `${humanSize(node.memTotal)} · ${humanSize(node.memFree)} free`;
  const hugeOver = use.huge.reduce((a, u) => a + u.over, 0);
  const hugeBound = use.huge.reduce((a, u) => a + u.bound, 0);
  // line 2: what this layout binds here, and by how much it does not fit (ordinary and huge pages)
  const bound = use.bound > 0 || hugeBound > 0 ? `${humanSize(use.bound + hugeBound)}${hugeBound > 0 ? ` (${humanSize(hugeBound)} huge)` : ""}` : "nothing";
  // red when NUMA013 says this node (or a set it is in) is short, as the words say; the red part of the bar is what is placed nowhere, on its nearest node
  const overBytes = (use.setOver ?? use.over) + hugeOver;
  const over = overText(use);
  // line 3: the node's huge-page pools
  const huge = node.hugepages.map((h) => `${humanSize(h.pageSize)} pages ${h.free}/${h.total} free`).join(" · ");
  // on a narrow card (3 cores) the pool says its free pages only, not "1000/1024 f…"; the total is in the title
  const hugeShown = clipText(huge, w, CARD_FONT) === huge ? huge : clipText(node.hugepages.map((h) => `${humanSize(h.pageSize)} pages ${h.free} free`).join(" · "), w, CARD_FONT);
  return (
    <g transform={`translate(${CARD_PAD},${card.memY})`} className="memory" data-over={overBytes > 0 ? "true" : undefined}>
      <title>{`${line1}; used by others ${humanSize(used)}; this layout binds ${bound}${over ? `, ${over}` : ""}${huge ? `; huge pages ${huge}` : ""}${use.huge.map((u) => `; layout's ${humanSize(u.pageSize)} pages ${humanSize(u.bound)} (${humanSize(u.free)} free)`).join("")}`}</title>
      <rect width={w} height={10} rx={3} className="mem-total" />
      <rect width={x(used)} height={10} rx={3} className="mem-used" />
      <rect x={x(used)} width={x(fits)} height={10} style={{ fill: color }} className="mem-layout" />
      {use.over > 0 ? <rect x={x(used + fits)} width={x(use.over)} height={10} className="mem-over" style={{ fill: OFF_NODE }} /> : null}
      {use.over > 0 ? <line x1={x(node.memTotal)} x2={x(node.memTotal)} y1={-2} y2={12} className="mem-total-mark" /> : null}
      <text y={23} className="mem-legend">
        {clipText(line1, w, CARD_FONT)}
      </text>
      <text y={37} className="mem-legend">
        <tspan className={use.bound + hugeBound > 0 ? "" : "muted"}>{clipText(`layout: ${bound}`, w, CARD_FONT)}</tspan>
      </text>
      {over ? (
        <text y={51} className="mem-legend over">
          {clipText(over, w, CARD_FONT)}
        </text>
      ) : null}
      {huge ? (
        <text y={65} className={`mem-legend${hugeOver > 0 ? " over" : " muted"}`}>
          {hugeShown}
        </text>
      ) : null}
    </g>
  );
}

function Chips({ card, host, layout, ids, selected, onSelect }: { card: CardGeo; host: HostTopology; layout: Layout; ids: string[]; selected: string | undefined; onSelect(id: string): void }) {
  const w = card.w - 2 * CARD_PAD;
  const { chips, more } = packChips(ids, w);
  return (
    <g transform={`translate(${CARD_PAD},${card.chipsY})`} className="chips">
      {chips.map((c) => {
        const b = layout.backends.find((x) => x.id === c.id)!;
        const fill = backendColor(host, b);
        return (
          <g key={c.id} transform={`translate(${c.x},${c.y})`} className={`chip-svg${selected === c.id ? " selected" : ""}`} data-chip={c.id} onClick={() => onSelect(c.id)}>
            <title>{`${c.id}: ${b.size}${b.hostNodes ? `, host-nodes=${b.hostNodes}` : ""}${b.policy ? `, policy=${b.policy}` : ""}`}</title>
            <rect width={c.w} height={CHIP_H} rx={CHIP_H / 2} style={{ fill, "--node": fill } as React.CSSProperties} />
            <text x={c.w / 2} y={CHIP_H / 2 + 4} textAnchor="middle" style={{ fill: inkOn(fill), fontSize: CHIP_FONT }}>
              {c.text}
            </text>
          </g>
        );
      })}
      {more ? (
        <g transform={`translate(${more.x},${more.y})`} className="chip-svg more" data-chip="+more">
          <title>{ids.slice(chips.length).join(", ")}</title>
          <rect width={more.w} height={CHIP_H} rx={CHIP_H / 2} />
          <text x={more.w / 2} y={CHIP_H / 2 + 4} textAnchor="middle" style={{ fontSize: CHIP_FONT }}>
            {more.text}
          </text>
        </g>
      ) : null}
    </g>
  );
}

/**
 * What sits under the canvas (devices on no node, devices passed through, the distance matrix)
 * shows the host the side panels show (`s.shown`): on a big host it follows a frame after the
 * canvas, as they do (renderer/store/shown.ts). The matrix alone cost a 1024-PU host's first
 * frame about 10 ms of style and layout (npm run bench -- ui).
 */
function BelowCanvas() {
  const host = useApp((s) => s.shown.host);
  if (!host) return null;
  return (
    <>
      <UnplacedDevices machine={machineOf(host)} />
      <AttachedDevices />
      <DistanceMatrix host={host} />
    </>
  );
}

/** Distances as a matrix, darker for farther; row and column heads in their node's colour. */
const DistanceMatrix = memo(function DistanceMatrix({ host }: { host: HostTopology }) {
  if (host.nodes.length < 2) return null;
  const all = host.distances.flat();
  const shade = scaleLinear()
    .domain([Math.min(...all), Math.max(...all)])
    .range([0, 60])
    .clamp(true);
  const head = (i: number) => ({ borderBottom: `3px solid ${nodeColor(i)}` });
  return (
    <details className="distances" open={host.nodes.length <= 8}>
      <summary>node distances (10 = local; larger is farther)</summary>
      <table>
        <thead>
          <tr>
            <th />
            {host.nodes.map((n, i) => (
              <th key={n.id} style={head(i)}>
                {n.id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {host.nodes.map((n, i) => (
            <tr key={n.id}>
              <th style={{ borderRight: `3px solid ${nodeColor(i)}` }}>{n.id}</th>
              {host.distances[i]!.map((d, j) => (
                <td key={j} className={i === j ? "local" : ""} style={{ background: `color-mix(in srgb, var(--dist) ${Math.round(shade(d))}%, transparent)` }}>
                  {d}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
});
