// The app's state: the target host, the layout being designed (with undo/redo), the run
// going on and the run history. Every change goes through an action here; the domain in
// shared/ does the work, components only read slices and call actions.

import { createStore } from "zustand/vanilla";
import type { Api, ApiError, ApiResponse, RunStreamEvent } from "../../shared/api/contract";
import { ApiFailure } from "../../shared/api/contract";
import type { HostTopology } from "../../shared/topology/schema";
import { emptyLayout, type Layout, type LayoutTarget } from "../../shared/layout/schema";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import { checkLayout } from "../../shared/validate/check";
import { parseCommandLine } from "../../shared/qemu/parse";
import type { QemuHelp } from "../../shared/validate/context";
import { planLayout, type PlanRequest } from "../../shared/plan/planner";
import { layoutToText, loadLayoutText } from "../../shared/layout/load";
import { importTopology, detectTopologyFormat, type TopologyFormat } from "../../shared/topology/import/formats";
import type { RunRecord, Sample } from "../../shared/run/types";
import { addGuestNode, applyThreadBudget, bindBackend, removeGuestNode, setBackendSize, splitGuestNode } from "../../shared/layout/edits";
import { labTopology, type LabNodes } from "../../shared/lab/topology";
import { setMemorySize, setSmpField, sizeField, type SmpField } from "../../shared/layout/fields";
import { hostBoxes, type MachineBox } from "../../shared/topology/boxes";
import { nodeMemoryUse, type NodeMemoryUse } from "../../shared/layout/node-memory";
import { IDENTITY, type ViewTransform } from "../canvas/zoom-controller";
import type { LabProgress } from "../../shared/lab/prepare-steps";

export type TargetKind = "host" | "sample" | "imported" | "lab";

export interface RunState {
  status: "idle" | "starting" | "running" | "done" | "cancelled" | "failed";
  runId?: string;
  /** grows in place while a run goes (200 Hz × 64 threads would make copying quadratic) */
  samples: Sample[];
  sampleCount?: number;
  preallocMs?: number;
  startedAt?: number;
  record?: RunRecord;
  error?: string;
  diagnostics?: Diagnostic[];
  /** what the lab is doing (booting, which job) */
  statusText?: string;
  /** a lab run's preparation, step by step, until its guest has booted */
  progress?: LabProgress;
  /** the job running now, in a lab run of several */
  label?: string;
  /** records this run produced so far */
  recordIds?: string[];
  /** compare this run's records when it is done (the lab demo) */
  compareWhenDone?: boolean;
  /** the layout being run, when it is not the one being edited (a lab demo job) */
  layout?: Layout;
  /** the topology the run goes on, taken at launch: switching target later does not re-band its plot */
  topology?: HostTopology;
  /** when the run ended (ms since epoch): the elapsed time stops there */
  endedAt?: number;
}

export interface AppState {
  target?: { kind: TargetKind; name: string; nodes?: LabNodes };
  host?: HostTopology;
  samples: Array<{ name: string; description?: string }>;
  qemu?: { available: boolean; version?: string; error?: string; help?: QemuHelp };
  layout: Layout;
  past: Layout[];
  future: Layout[];
  /** the parse problems of the last imported command line */
  importDiagnostics: Diagnostic[];
  selected?: string;
  message?: { kind: "info" | "error"; text: string };
  run: RunState;
  history: ApiResponse<"listRuns">;
  compare: RunRecord[];
  theme: "light" | "dark";
  /** the layout as last saved or opened; anything else is unsaved work */
  saved: Layout;
  /** a recovery copy of unsaved work from an earlier session, offered once */
  recovery?: string;
  /** the host canvas's zoom and pan (written by its zoom controller only) */
  canvasView: ViewTransform;
  /** draw runs of identical cores as one box */
  collapseCores: boolean;
}

export interface AppActions {
  init(): Promise<void>;
  chooseHost(): Promise<void>;
  chooseSample(name: string): Promise<void>;
  chooseLab(nodes: LabNodes): void;
  runLabDemo(): Promise<void>;
  importTopologyText(text: string, format?: TopologyFormat): boolean;
  edit(change: (l: Layout) => Layout): void;
  undo(): void;
  redo(): void;
  plan(req: Omit<PlanRequest, "nodes"> & { nodes?: number[] }): void;
  /**
   * Import a pasted command line. When it has errors the current layout stays and the
   * problems come back (the caller keeps the text); `partial` imports what could be read.
   */
  importCommandLine(text: string, opts?: { partial?: boolean }): { ok: true } | { ok: false; diagnostics: Diagnostic[] };
  openLayoutText(text: string): void;
  /** the layout as a file: with the target it is designed for, so it reopens there */
  layoutFileText(): string;
  newLayout(): void;
  bind(backendId: string, hostNode: number): void;
  threadBudget(hostNode: number, threads: number): void;
  /** a backend's size as typed: the error when it is not a size (nothing changes then) */
  resize(backendId: string, size: string): string | undefined;
  /** -m as typed */
  setMemory(text: string): string | undefined;
  /** one -smp property as typed; empty unsets it */
  setSmp(field: SmpField, text: string): string | undefined;
  addNode(hostNode: number, size: string, vcpus: number): void;
  removeNode(index: number): void;
  splitNode(index: number): void;
  select(id: string | undefined): void;
  launch(label?: string): Promise<void>;
  cancelRun(): Promise<void>;
  onRunEvent(e: RunStreamEvent): void;
  refreshHistory(): Promise<void>;
  toggleCompare(id: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** a user's name for a saved run; empty gives it back its description. The problem, if any */
  labelRun(id: string, label: string): Promise<string | undefined>;
  setTheme(theme: AppState["theme"]): void;
  markSaved(): void;
  /** save through the desktop's dialog; "download" where there is none (browser mode): the page saves then */
  saveAs(name: string): Promise<"saved" | "cancelled" | "download">;
  /** open through the desktop's dialog; "page" where there is none: the page's file input opens then */
  openDialog(): Promise<"opened" | "cancelled" | "page">;
  restoreRecovery(): void;
  dropRecovery(): void;
  say(kind: "info" | "error", text: string): void;
  /** close the message bar */
  dismiss(): void;
  setCanvasView(t: ViewTransform): void;
  setCollapseCores(on: boolean): void;
}

export type AppStore = ReturnType<typeof createAppStore>;

const UNDO_LIMIT = 200;

/** A new layout names QEMU's threads, so ps, top and Numadesk's plot can tell them apart. */
function freshLayout(): Layout {
  return { ...emptyLayout("1G"), name: { debugThreads: true } };
}

function errorText(e: unknown): { text: string; diagnostics?: Diagnostic[] } {
  if (e instanceof ApiFailure) {
    const err: ApiError = e.error;
    return err.diagnostics ? { text: err.message, diagnostics: err.diagnostics as Diagnostic[] } : { text: err.message };
  }
  return { text: (e as Error).message };
}

export function createAppStore(api: Api) {
  const initial = freshLayout();
  return createStore<AppState & AppActions>()((set, get) => {
    const commit = (layout: Layout) => {
      const { layout: before, past } = get();
      if (layout === before) return;
      set({ layout, past: [...past, before].slice(-UNDO_LIMIT), future: [] });
    };
    /** Switch to the target a layout file was saved for. */
    const openTarget = async (t: LayoutTarget) => {
      if (t.kind === "sample") await get().chooseSample(t.name);
      else if (t.kind === "lab") get().chooseLab(t.nodes ?? 2);
      else if (t.kind === "imported" && t.topology) set({ host: t.topology, target: { kind: "imported", name: t.name } });
      else await get().chooseHost();
    };
    return {
      samples: [],
      layout: initial,
      past: [],
      future: [],
      importDiagnostics: [],
      run: { status: "idle", samples: [] },
      history: [],
      compare: [],
      theme: "light",
      saved: initial,
      canvasView: IDENTITY,
      collapseCores: false,

      async init() {
        const [samples, qemu] = await Promise.all([api.listSamples({}).catch(() => []), api.qemuInfo({}).catch(() => ({ available: false, error: "unknown" }))]);
        set({ samples, qemu });
        await get().chooseHost();
        await get().refreshHistory();
        // numadesk serve FILE: open the handed-out layout (on its own target)
        const handed = await api.initialLayout({}).catch(() => ({ text: undefined }));
        if (handed.text !== undefined) get().openLayoutText(handed.text);
      },
      async chooseHost() {
        try {
          const host = await api.probeHost({});
          set({ host, target: { kind: "host", name: "this host" } });
        } catch (e) {
          get().say("error", `cannot read this host: ${errorText(e).text}`);
        }
      },
      async chooseSample(name) {
        try {
          const host = await api.loadSample({ name });
          set({ host, target: { kind: "sample", name } });
        } catch (e) {
          get().say("error", errorText(e).text);
        }
      },
      chooseLab(nodes) {
        set({ host: labTopology(nodes), target: { kind: "lab", name: `lab: ${nodes} nodes`, nodes } });
      },
      async runLabDemo() {
        const { target, run } = get();
        if (target?.kind !== "lab" || !target.nodes || run.status === "starting" || run.status === "running") return;
        set({ run: { status: "starting", samples: [], startedAt: Date.now(), compareWhenDone: true, recordIds: [], ...(get().host ? { topology: get().host } : {}) }, compare: [] });
        try {
          const { runId } = await api.startLabRun({ nodes: target.nodes, demo: true });
          set((s) => ({ run: { ...s.run, runId, status: s.run.status === "starting" ? "running" : s.run.status } }));
        } catch (e) {
          const { text, diagnostics } = errorText(e);
          set({ run: { status: "failed", samples: [], error: text, endedAt: Date.now(), ...(diagnostics ? { diagnostics } : {}) } });
        }
      },
      importTopologyText(text, format) {
        const f = format ?? detectTopologyFormat(text);
        if (!f) {
          get().say("error", "this text is not numactl -H, lscpu, lscpu -p, hwloc XML or virsh capabilities output");
          return false;
        }
        const r = importTopology(f, text, `imported ${f}`);
        if (!r.ok) {
          get().say("error", r.error);
          return false;
        }
        set({ host: r.topology, target: { kind: "imported", name: r.topology.name } });
        if (r.lacks.length) get().say("info", `${f} does not say: ${r.lacks.join("; ")}`);
        return true;
      },
      edit(change) {
        commit(change(get().layout));
      },
      undo() {
        const { past, layout, future } = get();
        const prev = past[past.length - 1];
        if (!prev) return;
        set({ layout: prev, past: past.slice(0, -1), future: [layout, ...future] });
      },
      redo() {
        const { past, layout, future } = get();
        const next = future[0];
        if (!next) return;
        set({ layout: next, past: [...past, layout], future: future.slice(1) });
      },
      plan(req) {
        const host = get().host;
        if (!host) return get().say("error", "choose a host first");
        const r = planLayout(host, req);
        if (!r.ok) return get().say("error", r.diagnostics.map((d) => d.message).join("; "));
        commit(r.layout);
        set({ importDiagnostics: [] });
        if (r.notes.length) get().say("info", r.notes.join("; "));
      },
      importCommandLine(text, opts) {
        const r = parseCommandLine(text);
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        // a failed import never replaces the layout being designed; a partial one is asked for
        if (errors.length > 0 && !opts?.partial) return { ok: false, diagnostics: errors };
        commit(r.layout);
        set({ importDiagnostics: r.diagnostics });
        return { ok: true };
      },
      openLayoutText(text) {
        const r = loadLayoutText(text);
        if (!r.ok) return get().say("error", r.diagnostics.map((d) => d.message).join("; "));
        commit(r.layout);
        set({ importDiagnostics: [], saved: r.layout });
        const t = r.layout.target;
        if (t) void openTarget(t).then(() => get().say("info", `opened on ${t.name}, the target it was saved for`));
      },
      layoutFileText() {
        const { layout, target, host } = get();
        if (!target) return layoutToText(layout);
        const t: LayoutTarget = { kind: target.kind, name: target.name };
        if (target.nodes) t.nodes = target.nodes;
        if (target.kind === "imported" && host) t.topology = host;
        return layoutToText({ ...layout, target: t });
      },
      newLayout() {
        commit(freshLayout());
        set({ importDiagnostics: [] });
      },
      bind: (id, node) => get().edit((l) => bindBackend(l, id, node)),
      threadBudget: (node, n) => get().edit((l) => applyThreadBudget(l, node, n)),
      resize(id, size) {
        const r = sizeField(size);
        if (!r.ok) return r.error;
        get().edit((l) => setBackendSize(l, id, r.value.text));
        return undefined;
      },
      setMemory(text) {
        const r = setMemorySize(get().layout, text);
        if (!r.ok) return r.error;
        commit(r.value);
        return undefined;
      },
      setSmp(field, text) {
        const r = setSmpField(get().layout, field, text);
        if (!r.ok) return r.error;
        commit(r.value);
        return undefined;
      },
      addNode: (node, size, vcpus) => get().edit((l) => addGuestNode(l, node, size, vcpus)),
      removeNode: (i) => get().edit((l) => removeGuestNode(l, i)),
      splitNode: (i) => get().edit((l) => splitGuestNode(l, i)),
      select: (id) => set({ selected: id }),

      async launch(label) {
        const { layout, run } = get();
        if (run.status === "starting" || run.status === "running") return;
        set({ run: { status: "starting", samples: [], startedAt: Date.now(), recordIds: [], layout, ...(get().host ? { topology: get().host } : {}) } });
        const target = get().target;
        try {
          const { runId } =
            target?.kind === "lab" && target.nodes
              ? await api.startLabRun({ nodes: target.nodes, layout, ...(label ? { label } : {}) })
              : await api.startRun(label ? { layout, label } : { layout });
          set((s) => ({ run: { ...s.run, runId, status: s.run.status === "starting" ? "running" : s.run.status } }));
        } catch (e) {
          const { text, diagnostics } = errorText(e);
          set({ run: { status: "failed", samples: [], error: text, endedAt: Date.now(), ...(diagnostics ? { diagnostics } : {}) } });
        }
      },
      async cancelRun() {
        const id = get().run.runId;
        if (id) await api.cancelRun({ runId: id }).catch(() => undefined);
      },
      onRunEvent(e) {
        if (e.type === "open-layout") {
          // a file given to a second launch of the desktop app; the layout it replaces is one undo away
          get().openLayoutText(e.text);
          return;
        }
        const run = get().run;
        if (run.runId && run.runId !== e.runId) return;
        switch (e.type) {
          case "spawned":
            set({ run: { ...run, runId: e.runId, status: "running" } });
            return;
          case "samples":
            for (const x of e.samples) run.samples.push(x);
            set({ run: { ...run, runId: e.runId, sampleCount: run.samples.length } });
            return;
          case "prealloc-done":
            set({ run: { ...run, preallocMs: e.ms } });
            return;
          case "progress":
            set({ run: { ...run, runId: e.runId, statusText: e.text, progress: { step: e.step, text: e.text, stepIndex: e.stepIndex, steps: e.steps } } });
            return;
          case "status":
            set({ run: { ...run, runId: e.runId, statusText: e.text, progress: undefined } });
            return;
          case "job":
            // a new job of a lab run: its own samples and time
            set({ run: { ...run, runId: e.runId, status: "running", label: e.label, statusText: `running: ${e.label}`, progress: undefined, samples: [], sampleCount: 0, preallocMs: undefined, record: undefined, ...(e.layout ? { layout: e.layout } : {}) } });
            return;
          case "finished": {
            const recordIds = [...(run.recordIds ?? []), e.recordId];
            const final = e.final !== false;
            set({ run: { ...run, recordIds } });
            void api.loadRun({ id: e.recordId }).then(async (record) => {
              const now = get().run;
              set({ run: { ...now, record, ...(final ? { status: e.outcome === "ok" ? "done" : e.outcome === "cancelled" ? "cancelled" : "failed", endedAt: Date.now() } : {}), ...(e.error ? { error: e.error } : {}) } });
              await get().refreshHistory();
              if (final && now.compareWhenDone) {
                const records = await Promise.all(recordIds.map((id) => api.loadRun({ id })));
                set({ compare: records });
              }
            });
            return;
          }
          case "failed":
            set({ run: { ...run, status: "failed", error: e.error.message, endedAt: Date.now() } });
            return;
        }
      },
      async refreshHistory() {
        const history = await api.listRuns({}).catch(() => []);
        set({ history: [...history].reverse() });
      },
      async toggleCompare(id) {
        const { compare } = get();
        if (compare.some((r) => r.id === id)) return set({ compare: compare.filter((r) => r.id !== id) });
        try {
          const record = await api.loadRun({ id });
          set({ compare: [...get().compare, record] });
        } catch (e) {
          get().say("error", errorText(e).text);
        }
      },
      async deleteRun(id) {
        await api.deleteRun({ id }).catch((e) => get().say("error", errorText(e).text));
        set({ compare: get().compare.filter((r) => r.id !== id) });
        await get().refreshHistory();
      },
      async labelRun(id, label) {
        try {
          await api.labelRun({ id, label });
        } catch (e) {
          return errorText(e).text;
        }
        await get().refreshHistory();
        // the runs on screen take the new name too
        const relabel = (r: RunRecord): RunRecord => (r.id !== id ? r : label.trim() ? { ...r, label: label.trim() } : (({ label: _drop, ...rest }) => rest)(r));
        set({ compare: get().compare.map(relabel) });
        return undefined;
      },
      setTheme: (theme) => set({ theme }),
      markSaved: () => set({ saved: get().layout }),
      async saveAs(name) {
        const layout = get().layout;
        try {
          const r = await api.saveLayoutAs({ text: get().layoutFileText(), suggestedName: name });
          if (!r.saved) return "cancelled";
          // clean only once the file is written: a cancelled dialog keeps the recovery copy and the unload question
          set({ saved: layout });
          get().say("info", `saved ${r.path ?? name}`);
          return "saved";
        } catch (e) {
          if (e instanceof ApiFailure && e.error.code === "unavailable") return "download";
          get().say("error", errorText(e).text);
          return "cancelled";
        }
      },
      async openDialog() {
        try {
          const r = await api.openLayoutFile({});
          if (r.text === undefined) return "cancelled";
          get().openLayoutText(r.text);
          return "opened";
        } catch (e) {
          if (e instanceof ApiFailure && e.error.code === "unavailable") return "page";
          get().say("error", errorText(e).text);
          return "cancelled";
        }
      },
      restoreRecovery() {
        const text = get().recovery;
        set({ recovery: undefined });
        if (!text) return;
        const r = loadLayoutText(text);
        if (!r.ok) return get().say("error", `the recovery copy cannot be read: ${r.diagnostics[0]?.message ?? "?"}`);
        commit(r.layout);
      },
      dropRecovery: () => set({ recovery: undefined }),
      say: (kind, text) => set({ message: { kind, text } }),
      dismiss: () => set({ message: undefined }),
      setCanvasView: (canvasView) => set({ canvasView }),
      setCollapseCores: (collapseCores) => set({ collapseCores }),
    };
  });
}

/** Unsaved work: the layout differs from the one last saved or opened, and is not empty. */
export function isDirty(s: Pick<AppState, "layout" | "saved">): boolean {
  return s.layout !== s.saved && (s.layout.backends.length > 0 || s.layout.nodes.length > 0 || s.layout.args.length > 0);
}

/** Diagnostics for the layout on the current target; computed again only when one of its inputs changes. */
type DiagnosticsInput = Pick<AppState, "layout" | "host" | "qemu" | "importDiagnostics">;
let last: { input: DiagnosticsInput; result: Diagnostic[] } | undefined;
export function diagnosticsOf(s: DiagnosticsInput): Diagnostic[] {
  if (last && last.input.layout === s.layout && last.input.host === s.host && last.input.qemu === s.qemu && last.input.importDiagnostics === s.importDiagnostics) return last.result;
  const result = [...s.importDiagnostics, ...checkLayout(s.layout, { ...(s.host ? { host: s.host } : {}), ...(s.qemu?.version ? { qemu: { version: s.qemu.version, ...(s.qemu.help ? { help: s.qemu.help } : {}) } } : {}) })];
  last = { input: { layout: s.layout, host: s.host, qemu: s.qemu, importDiagnostics: s.importDiagnostics }, result };
  return result;
}

/** The host's box model, computed once per host object (every view draws this one). */
const boxesByHost = new WeakMap<HostTopology, MachineBox>();
export function machineOf(host: HostTopology): MachineBox {
  let m = boxesByHost.get(host);
  if (!m) boxesByHost.set(host, (m = hostBoxes(host)));
  return m;
}

/** What the layout binds on each host node; computed again only when the layout or host changes. */
let lastUse: { host: HostTopology; layout: Layout; result: NodeMemoryUse[] } | undefined;
export function memoryUseOf(s: { host?: HostTopology; layout: Layout }): NodeMemoryUse[] {
  if (!s.host) return [];
  if (lastUse && lastUse.host === s.host && lastUse.layout === s.layout) return lastUse.result;
  lastUse = { host: s.host, layout: s.layout, result: nodeMemoryUse(s.host, s.layout) };
  return lastUse.result;
}
