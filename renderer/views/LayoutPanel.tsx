// The guest side of the layout: guest NUMA nodes with their vCPUs and memory backends.
// Backend chips and the thread budget can be dragged onto host node cards; every drag has a
// keyboard and menu equivalent (focus a chip and press a node number, or use its menu).

import { memo, useMemo, useState } from "react";
import { emptyLayout, type Backend, type Layout } from "../../shared/layout/schema";
import { useApp, DND_TYPE, type DragItem } from "./useApp";
import { humanSize, parseSize } from "../../shared/size/size";
import { preallocThreads } from "../../shared/qemu/prealloc";
import { onlineCpuCount } from "../../shared/topology/query";
import { backendColor, inkOn } from "./palette";
import { ValidatedInput } from "./ValidatedInput";
import { ConsoleControl } from "./ConsoleControl";
import { HostNodesField } from "./HostNodesField";
import { ThreadStory } from "./ThreadStory";
import { guestNodeVcpusText } from "../../shared/layout/unnamed-vcpus";
import { guestPanelDevices } from "../../shared/layout/guest-devices";
import { countField, memoryText, sizeField, SMP_FIELDS } from "../../shared/layout/fields";

/** A chip in its node's colour, with dark text where the colour is light. */
function chipStyle(color: string): React.CSSProperties {
  return { background: color, color: inkOn(color), "--node": color } as React.CSSProperties;
}

function drag(item: DragItem) {
  return (e: React.DragEvent) => {
    e.dataTransfer.setData(DND_TYPE, JSON.stringify(item));
    e.dataTransfer.effectAllowed = "move";
  };
}

export function LayoutPanel() {
  const empty = useApp((s) => s.shown.layout.nodes.length === 0 && s.shown.layout.backends.length === 0);
  return (
    <section className="panel layout-panel" aria-label="layout">
      <header>
        <h2>Guest layout</h2>
      </header>
      <SizeRow />
      {empty ? <p className="empty">No guest nodes yet. Use “Plan for me”, import a command line, or add a node below.</p> : null}
      <GuestList />
      <ThreadStory />
      <Tools />
    </section>
  );
}

/**
 * -m and -smp, each field subscribed to its own text: a drop on the canvas changes the layout
 * but not these, so the row is not drawn again in the drop's frame (npm run bench -- ui).
 */
function SizeRow() {
  // a layout without -m shows an empty field (QEMU's default), not a value that looks typed
  const memory = useApp((s) => s.layout.memory?.size ?? "");
  const setMemory = useApp((s) => s.setMemory);
  return (
    <div className="row vm-row" aria-label="guest size">
      <label>
        <code>-m</code>
        <ValidatedInput
          className="size"
          value={memory}
          label="guest memory size (-m)"
          placeholder="default"
          title={`guest RAM; empty: no -m, QEMU's default ${memoryText({ ...emptyLayout(), memory: undefined })}`}
          check={(t) => err(sizeField(t, "M"))}
          apply={setMemory}
        />
      </label>
      <span className="muted small">-smp</span>
      {SMP_FIELDS.map((f) => (
        <SmpField key={f} field={f} />
      ))}
      <ConsoleControl />
    </div>
  );
}

const SmpField = memo(function SmpField({ field: f }: { field: (typeof SMP_FIELDS)[number] }) {
  const value = useApp((s) => (s.layout.smp?.[f] !== undefined ? String(s.layout.smp[f]) : ""));
  const setSmp = useApp((s) => s.setSmp);
  return (
    <label className="smp-field">
      {f}
      <ValidatedInput
        className="count"
        value={value}
        placeholder="auto"
        title={f === "cpus" ? "-smp cpus; empty: QEMU derives it from the others (1 when none is given)" : `-smp ${f}; empty: QEMU derives it from the others`}
        label={`-smp ${f}`}
        check={(t) => err(countField(t, { min: 1, max: 65536, optional: f !== "cpus", what: `-smp ${f}` }))}
        apply={(t) => setSmp(f, t)}
      />
    </label>
  );
});

/** The shown host's node ids as one string ("0,1,2"): equal across edits, so what lists them is not drawn again (a frame behind the canvas on a big host, as the panels are). */
const hostNodeIds = (s: { shown: { host?: { nodes: Array<{ id: number }> } } }) => s.shown.host?.nodes.map((n) => n.id).join(",") ?? "";
const idsOf = (text: string) => (text === "" ? [] : text.split(",").map(Number));

/** Past this many rows, rows off screen are not laid out until scrolled to (styles.css, `.guest-nodes.many`). */
const MANY_ROWS = 64;

/**
 * The guest nodes' rows. They show the layout as the side panels do (`s.shown`, a frame behind
 * the canvas on a big host, renderer/store/shown.ts); every edit from them is computed from the
 * store's current layout.
 */
function GuestList() {
  const host = useApp((s) => s.shown.host);
  const layout = useApp((s) => s.shown.layout);
  const selected = useApp((s) => s.selected);
  const ids = useApp(hostNodeIds);
  const hostNodes = useMemo(() => idsOf(ids), [ids]);
  const cpus = host ? onlineCpuCount(host) : undefined;
  // one lookup table, not a search of every backend per row (2048 rows × 2048 backends after a big paste)
  const backends = useMemo(() => firstById(layout.backends), [layout.backends]);
  return (
    <ol className={layout.nodes.length > MANY_ROWS ? "guest-nodes many" : "guest-nodes"}>
      {layout.nodes.map((n, i) => {
        const b = n.memdev === undefined ? undefined : backends.get(n.memdev);
        const t = b && b.prealloc ? preallocThreads(b, layout, cpus) : undefined;
        return (
          <GuestRow
            key={`${n.nodeid ?? i}-${n.memdev ?? ""}`}
            index={i}
            vcpusText={guestNodeVcpusText(layout, i)}
            devices={guestPanelDevices(layout, i, host)}
            node={n}
            backend={b}
            threads={t?.effective}
            color={b ? backendColor(host, b) : undefined}
            selected={b !== undefined && selected === b.id}
            hostNodes={hostNodes}
          />
        );
      })}
    </ol>
  );
}

/** The thread budget chip and the "add guest node" form: they read only the host's node ids. */
const Tools = memo(function Tools() {
  const threadBudget = useApp((s) => s.threadBudget);
  const addNode = useApp((s) => s.addNode);
  const ids = useApp(hostNodeIds);
  const hostNodes = useMemo(() => idsOf(ids), [ids]);
  // counts as typed, checked, never coerced: a cleared field is an error, not a silent 0 or 64
  const [budgetText, setBudgetText] = useState("2");
  const budgetCheck = countField(budgetText, { min: 0, max: 64, what: "threads per backend" });
  const budget = budgetCheck.ok ? (budgetCheck.value ?? 0) : undefined;
  const [budgetNode, setBudgetNode] = useState(0);
  // an empty memory field: the new node shares -m, as a canvas drop does (shared/layout/memory-share.ts)
  const [newNode, setNewNode] = useState({ host: 0, size: "", vcpus: "2" });
  const newSizeError = newNode.size.trim() === "" ? undefined : err(sizeField(newNode.size));
  const newVcpusError = err(countField(newNode.vcpus, { min: 0, max: 512, what: "vCPUs of the new guest node" }));
  return (
    <div className="tools">
      <div className="row">
        <label title="preallocation threads for each backend of the host node it is dropped on (the plan's threads/VM are shared out among all backends)">
          threads/backend
          <input
            className="count"
            type="number"
            min={0}
            max={64}
            value={budgetText}
            aria-label="threads per backend"
            aria-invalid={budget === undefined ? true : undefined}
            onChange={(e) => setBudgetText(e.target.value)}
          />
        </label>
        {budget === undefined ? (
          <span className="field-error" role="alert">
            {err(budgetCheck)}
          </span>
        ) : (
          <>
            <span
              className="chip threads"
              draggable
              tabIndex={0}
              role="button"
              aria-label={`thread budget of ${budget}: drag onto a host node, or press its number`}
              data-threads={budget}
              onDragStart={drag({ kind: "threads", threads: budget })}
              onKeyDown={(e) => {
                // the drag's keyboard path, as on a backend chip: a host node's number drops it there
                if (/^\d$/.test(e.key) && hostNodes.includes(Number(e.key))) threadBudget(Number(e.key), budget);
              }}
            >
              {budget} thread{budget === 1 ? "" : "s"}
            </span>
            <span className="muted">drag it, or</span>
          </>
        )}
        <select aria-label="node for the thread budget" value={budgetNode} onChange={(e) => setBudgetNode(Number(e.target.value))}>
          {hostNodes.map((h) => (
            <option key={h} value={h}>
              node {h}
            </option>
          ))}
        </select>
        <button type="button" disabled={budget === undefined} onClick={() => budget !== undefined && threadBudget(budgetNode, budget)}>
          apply
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!newSizeError && !newVcpusError) addNode(newNode.host, newNode.size.trim() || undefined, Number(newNode.vcpus));
        }}
      >
        <span>add guest node on host node</span>
        <select aria-label="host node of the new guest node" value={newNode.host} onChange={(e) => setNewNode({ ...newNode, host: Number(e.target.value) })}>
          {hostNodes.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </select>
        <label>
          memory
          <input
            className="size"
            aria-label="memory of the new guest node"
            placeholder="auto"
            title="empty: it takes what -m leaves, or all guest nodes share -m evenly; a size: -m becomes the guest nodes' sum"
            aria-invalid={newSizeError ? true : undefined}
            value={newNode.size}
            onChange={(e) => setNewNode({ ...newNode, size: e.target.value })}
          />
        </label>
        <label>
          vCPUs
          <input
            type="number"
            min={0}
            max={512}
            aria-label="vCPUs of the new guest node"
            aria-invalid={newVcpusError ? true : undefined}
            value={newNode.vcpus}
            onChange={(e) => setNewNode({ ...newNode, vcpus: e.target.value })}
          />
        </label>
        <button type="submit" disabled={newSizeError !== undefined || newVcpusError !== undefined}>
          add
        </button>
        {newSizeError || newVcpusError ? (
          <span className="field-error" role="alert">
            {newSizeError ?? newVcpusError}
          </span>
        ) : null}
      </form>
    </div>
  );
});

interface RowProps {
  index: number;
  /** its vCPUs as QEMU will have them (guestNodeVcpusText) */
  vcpusText: string;
  /** the host devices it holds and where the line puts them (guest-devices.ts) */
  devices: string;
  node: Layout["nodes"][number];
  backend: Backend | undefined;
  threads: number | undefined;
  color: string | undefined;
  selected: boolean;
  hostNodes: number[];
}

/** One guest node's row; drawn again only when what it shows changes (an edit elsewhere leaves it as it was). */
const GuestRow = memo(
  GuestRowView,
  (a, b) =>
    a.index === b.index &&
    a.vcpusText === b.vcpusText &&
    a.devices === b.devices &&
    a.threads === b.threads &&
    a.color === b.color &&
    a.selected === b.selected &&
    a.hostNodes.join() === b.hostNodes.join() &&
    JSON.stringify([a.node, a.backend]) === JSON.stringify([b.node, b.backend]),
);

function GuestRowView({ index: i, vcpusText, devices, node: n, backend: b, threads, color, selected, hostNodes }: RowProps) {
  const bind = useApp((s) => s.bind);
  const resize = useApp((s) => s.resize);
  const removeNode = useApp((s) => s.removeNode);
  const splitNode = useApp((s) => s.splitNode);
  const selectEl = useApp((s) => s.select);
  const size = b ? parseSize(b.size) : undefined;
  return (
    <li className="guest-node" data-guest-node={n.nodeid ?? i} style={color ? ({ "--node": color } as React.CSSProperties) : undefined}>
      <div className="row">
        <strong>guest node {n.nodeid ?? i}</strong>
        <span className="muted" data-vcpus-text="">
          vCPUs {vcpusText}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => splitNode(i)} title="split into two nodes on the same host node">
          split
        </button>
        <button type="button" onClick={() => removeNode(i)} title="delete this guest node and its backend">
          delete
        </button>
      </div>
      {b ? (
        <div className="row backend-row">
          <span
            className={`chip${selected ? " selected" : ""}`}
            style={chipStyle(color!)}
            draggable
            tabIndex={0}
            role="button"
            aria-label={`backend ${b.id}: drag onto a host node, or press a node number`}
            data-backend={b.id}
            onDragStart={drag({ kind: "backend", id: b.id })}
            onClick={() => selectEl(b.id)}
            onKeyDown={(e) => {
              if (/^\d$/.test(e.key) && hostNodes.includes(Number(e.key))) bind(b.id, Number(e.key));
            }}
          >
            {b.id}
          </span>
          <label>
            size
            <ValidatedInput className="size" value={b.size} label={`size of ${b.id}`} check={(t) => err(sizeField(t))} apply={(t) => resize(b.id, t)} />
          </label>
          <HostNodesField index={i} backend={b} hostNodes={hostNodes} />
          <span className="muted">
            {size?.ok ? humanSize(size.bytes) : b.size}
            {threads ? ` · ${threads} thread${threads === 1 ? "" : "s"}` : " · not preallocated"}
            {b.preallocContext ? ` · ⚙ ${b.preallocContext}` : ""}
          </span>
        </div>
      ) : (
        <div className="muted">{n.memdev ? `memdev ${n.memdev} (missing)` : "no memory backend"}</div>
      )}
      {devices ? (
        <div className="muted small" data-guest-devices="">
          {devices}
        </div>
      ) : null}
    </li>
  );
}

/** Backends by id; the first of a repeated id, as QEMU's memdev= finds it (`find` did the same). */
function firstById(backends: readonly Backend[]): Map<string, Backend> {
  const m = new Map<string, Backend>();
  for (const b of backends) if (!m.has(b.id)) m.set(b.id, b);
  return m;
}

/** The error of a field check, or undefined when the text is valid. */
function err(r: { ok: true } | { ok: false; error: string }): string | undefined {
  return r.ok ? undefined : r.error;
}
