// The host as nested boxes, the way lstopo draws it: one card per NUMA node with its CPUs
// grouped by core (SMT siblings stacked), its memory bar and the backends bound to it.
// Cards are drop targets for backend chips and thread budgets. d3 does scales and zoom;
// React owns the DOM.

import { useEffect, useMemo, useRef, useState } from "react";
import { select } from "d3-selection";
import { zoom, zoomIdentity, type ZoomTransform } from "d3-zoom";
import { scaleLinear } from "d3-scale";
import { useApp, DND_TYPE, type DragItem } from "./useApp";
import { nodeColor } from "./palette";
import type { HostTopology } from "../../shared/topology/schema";
import { idList } from "../../shared/cpulist/cpulist";
import { humanSize, parseSize } from "../../shared/size/size";

const CELL = 11;
const PAD = 10;
const HEAD = 46;

interface Card {
  id: number;
  index: number;
  x: number;
  y: number;
  w: number;
  h: number;
  cores: Array<{ key: string; socket: number; cpus: Array<{ id: number; online: boolean }> }>;
  perRow: number;
  /** height of a core's column in CPU cells (1 when cores are collapsed) */
  threads: number;
}

/** Card geometry for every node; shared by the view and its benchmark. */
export function cardLayout(host: HostTopology, collapse: boolean): { cards: Card[]; width: number; height: number } {
  const cpuById = new Map(host.cpus.map((c) => [c.id, c]));
  const raw = host.nodes.map((n, index) => {
    const groups = new Map<string, { key: string; socket: number; cpus: Array<{ id: number; online: boolean }> }>();
    for (const id of n.cpus) {
      const c = cpuById.get(id);
      const key = c ? `${c.socket}/${c.core}` : `x${id}`;
      const g = groups.get(key) ?? { key, socket: c?.socket ?? 0, cpus: [] };
      g.cpus.push({ id, online: c?.online ?? true });
      groups.set(key, g);
    }
    const cores = [...groups.values()].sort((a, b) => a.socket - b.socket || a.cpus[0]!.id - b.cpus[0]!.id);
    const perRow = Math.max(8, Math.ceil(Math.sqrt(cores.length * 3)));
    const rows = Math.ceil(cores.length / perRow);
    const threads = collapse ? 1 : Math.max(1, ...cores.map((c) => c.cpus.length));
    return { id: n.id, index, cores, perRow, threads, w: Math.max(232, perRow * CELL + 2 * PAD), h: HEAD + rows * (threads * CELL + 4) + 64 };
  });
  const cols = Math.ceil(Math.sqrt(raw.length));
  const colW = Math.max(...raw.map((r) => r.w));
  const cards: Card[] = [];
  let y = 0;
  for (let i = 0; i < raw.length; i += cols) {
    const row = raw.slice(i, i + cols);
    const rowH = Math.max(...row.map((r) => r.h));
    row.forEach((r, j) => cards.push({ ...r, x: j * (colW + 16), y, w: colW }));
    y += rowH + 16;
  }
  return { cards, width: cols * (colW + 16), height: y };
}

export function HostCanvas() {
  const host = useApp((s) => s.host);
  const layout = useApp((s) => s.layout);
  const selected = useApp((s) => s.selected);
  const bind = useApp((s) => s.bind);
  const threadBudget = useApp((s) => s.threadBudget);
  const selectEl = useApp((s) => s.select);
  const [collapse, setCollapse] = useState(false);
  const [transform, setTransform] = useState<ZoomTransform>(zoomIdentity);
  const [over, setOver] = useState<number | undefined>();
  const svgRef = useRef<SVGSVGElement>(null);

  const geometry = useMemo(() => (host ? cardLayout(host, collapse) : undefined), [host, collapse]);

  useEffect(() => {
    if (!svgRef.current) return;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.2, 6])
      // leave plain drags to drag-and-drop; zoom with the wheel, pan with the wheel held down or shift-drag
      .filter((e: Event) => e.type === "wheel" || (e instanceof MouseEvent && (e.shiftKey || e.button === 1)))
      .on("zoom", (e: { transform: ZoomTransform }) => setTransform(e.transform));
    const sel = select(svgRef.current);
    sel.call(z);
    return () => {
      sel.on(".zoom", null);
    };
  }, []);

  if (!host || !geometry) return <div className="empty">Choose a host: this host, a sample, or an imported topology.</div>;

  const bound = (node: number) => layout.backends.filter((b) => idList(b.hostNodes).includes(node));
  const contextOn = (node: number) => layout.threadContexts.filter((t) => idList(t.nodeAffinity).includes(node));

  const onDrop = (node: number) => (e: React.DragEvent) => {
    e.preventDefault();
    setOver(undefined);
    const raw = e.dataTransfer.getData(DND_TYPE);
    if (!raw) return;
    const item = JSON.parse(raw) as DragItem;
    if (item.kind === "backend") bind(item.id, node);
    else threadBudget(node, item.threads);
  };

  return (
    <section className="panel host-canvas" aria-label="host topology">
      <header>
        <h2>
          {host.name} <small>{host.nodes.length} nodes · {host.cpus.length} CPUs</small>
        </h2>
        <label className="inline">
          <input type="checkbox" checked={collapse} onChange={(e) => setCollapse(e.target.checked)} /> collapse cores
        </label>
      </header>
      <svg
        ref={svgRef}
        role="img"
        aria-label={`${host.name}: ${host.nodes.length} NUMA nodes`}
        viewBox={`-8 -8 ${geometry.width + 8} ${geometry.height + 8}`}
        width={geometry.width + 8}
        className="host-svg"
      >
        <g transform={transform.toString()}>
          {geometry.cards.map((card) => {
            const node = host.nodes[card.index]!;
            const color = nodeColor(card.index);
            const mem = scaleLinear().domain([0, Math.max(1, node.memTotal)]).range([0, card.w - 2 * PAD]);
            const backends = bound(node.id);
            const used = backends.reduce((a, b) => {
              const r = parseSize(b.size);
              return a + (r.ok ? r.bytes : 0);
            }, 0);
            const contexts = contextOn(node.id);
            return (
              <g
                key={node.id}
                transform={`translate(${card.x},${card.y})`}
                className={`node-card${over === node.id ? " drop-over" : ""}`}
                data-node={node.id}
                onDragOver={(e) => {
                  e.preventDefault();
                  setOver(node.id);
                }}
                onDragLeave={() => setOver(undefined)}
                onDrop={onDrop(node.id)}
              >
                <rect width={card.w} height={card.h} rx={8} className="card-bg" style={{ stroke: color }} />
                <text x={PAD} y={18} className="card-title">
                  node {node.id}
                  <tspan className="muted"> · {node.cpus.length ? `${card.cores.length} cores, ${node.cpus.length} CPUs` : "memory only"}</tspan>
                </text>
                <text x={PAD} y={34} className="tc-badge">
                  {contexts.length ? `⚙ thread-context ${contexts.map((t) => t.id).join(", ")}` : node.cpus.length ? "" : "no CPUs: preallocate from the nearest node"}
                </text>
                {card.cores.map((core, i) => {
                  const col = i % card.perRow;
                  const row = Math.floor(i / card.perRow);
                  return (
                    <g key={core.key} transform={`translate(${PAD + col * CELL},${HEAD + row * (card.threads * CELL + 4)})`}>
                      <title>{`core ${core.key} (socket/core): CPUs ${core.cpus.map((c) => c.id).join(", ")}`}</title>
                      {(collapse ? core.cpus.slice(0, 1) : core.cpus).map((cpu, k) => (
                        <rect key={cpu.id} y={k * CELL} width={CELL - 2} height={CELL - 2} rx={2} className={cpu.online ? "cpu" : "cpu offline"} style={{ fill: cpu.online ? color : undefined }} data-cpu={cpu.id} />
                      ))}
                    </g>
                  );
                })}
                <g transform={`translate(${PAD},${card.h - 56})`}>
                  <rect width={card.w - 2 * PAD} height={10} rx={3} className="mem-total" />
                  <rect width={mem(Math.max(0, node.memTotal - node.memFree))} height={10} rx={3} className="mem-used" />
                  <rect x={0} y={12} width={Math.min(card.w - 2 * PAD, mem(used))} height={4} className="mem-layout" style={{ fill: color }} />
                  <text y={30} className="muted small">
                    {humanSize(node.memTotal)} · {humanSize(node.memFree)} free
                    {node.hugepages.filter((h) => h.total > 0).map((h) => ` · ${humanSize(h.pageSize)} pages ${h.free}/${h.total}`).join("")}
                  </text>
                </g>
                <g transform={`translate(${PAD},${card.h - 16})`}>
                  {backends.map((b, i) => (
                    <g key={b.id} transform={`translate(${i * 86},0)`} className={`chip-svg${selected === b.id ? " selected" : ""}`} onClick={() => selectEl(b.id)}>
                      <rect width={82} height={14} rx={7} style={{ fill: color }} />
                      <text x={41} y={10.5} textAnchor="middle" style={{ fill: color === "#F0E442" ? "#1d1d1f" : undefined }}>
                        {b.id.length > 12 ? b.id.slice(0, 11) + "…" : b.id}
                      </text>
                    </g>
                  ))}
                </g>
              </g>
            );
          })}
        </g>
      </svg>
      <DistanceTable host={host} />
    </section>
  );
}

function DistanceTable({ host }: { host: HostTopology }) {
  if (host.nodes.length < 2) return null;
  return (
    <details className="distances">
      <summary>distances</summary>
      <table>
        <thead>
          <tr>
            <th />
            {host.nodes.map((n) => (
              <th key={n.id}>{n.id}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {host.nodes.map((n, i) => (
            <tr key={n.id}>
              <th>{n.id}</th>
              {host.distances[i]!.map((d, j) => (
                <td key={j} className={i === j ? "local" : ""}>
                  {d}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
