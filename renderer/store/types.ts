// The shape of the app's state and its actions, one interface for the whole store; the
// slices (target-slice, design-slice, run-slice, ui-slice) each implement a part of it.

import type { ApiResponse, QemuListing, RunStreamEvent } from "../../shared/api/contract";
import type { HostTopology } from "../../shared/topology/schema";
import type { Layout } from "../../shared/layout/schema";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import type { QemuHelp } from "../../shared/validate/context";
import type { PlanRequest } from "../../shared/plan/planner";
import type { TopologyFormat } from "../../shared/topology/import/formats";
import type { RunRecord, Sample } from "../../shared/run/types";
import type { LabNodes } from "../../shared/lab/topology";
import type { SmpField } from "../../shared/layout/fields";
import type { ViewTransform } from "../canvas/zoom-controller";
import type { ModelParams } from "../../shared/model/prealloc-model";
import type { LabProgress } from "../../shared/lab/prepare-steps";
import type { PinActions, PinState } from "./pin-types";
import type { GuestNodeActions } from "./guest-node-slice";

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
  /** what QEMU said, whole, when `error` sums it up in one line (a lab guest that did not boot) */
  errorDetail?: string;
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
  /** bytes populated so far per backend (host runs: QEMU's smaps), and when each was full (ms since spawn) */
  populated?: { t: number; bytes: Record<string, number> };
  fullAt?: Record<string, number>;
  /** a saved run played back through this view: which, how fast, and how long in its own time */
  replay?: { recordId: string; speed: number; endMs: number };
}

export interface AppState extends PinState {
  target?: { kind: TargetKind; name: string; nodes?: LabNodes };
  host?: HostTopology;
  samples: Array<{ name: string; description?: string }>;
  qemu?: { available: boolean; version?: string; error?: string; help?: QemuHelp };
  /** the preallocation model's parameters for the target (and this host's kernel), for "predicted X s" */
  model?: { params: ModelParams; kernelRelease?: string };
  /** every QEMU binary on the host, with its capabilities (loaded when the QEMU view opens) */
  qemus?: QemuListing[];
  layout: Layout;
  /** the layout and host the panels beside the canvas show (command line, diagnostics, run gate): a frame behind on a big host (store/shown.ts) */
  shown: { layout: Layout; host?: HostTopology };
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
  /** launch runs in exact mode (scheduler tracepoints), and whether this host allows it */
  exact: boolean;
  exactMode?: { available: boolean; why?: string };
  /** the runs presenter mode steps through, while it is open */
  presenting?: RunRecord[];
}

export interface AppActions extends PinActions, GuestNodeActions {
  init(): Promise<void>;
  loadQemus(): Promise<void>;
  /** the model's parameters for the target chosen now */
  loadModel(): Promise<void>;
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
  /** a new guest node bound to a host node, with `vcpus` more vCPUs or exactly these ones */
  /** without a size the new node shares -m (shared/layout/memory-share.ts), and the app says what it got */
  addNode(hostNode: number, size: string | undefined, vcpus: number | readonly number[]): void;
  /** a guest node dragged onto a host node: its backend and thread-context follow */
  moveGuest(index: number, hostNode: number): void;
  /** vCPUs dragged onto a guest node */
  moveVcpus(vcpus: readonly number[], toIndex: number): void;
  removeNode(index: number): void;
  splitNode(index: number): void;
  select(id: string | undefined): void;
  launch(label?: string): Promise<void>;
  cancelRun(): Promise<void>;
  onRunEvent(e: RunStreamEvent): void;
  refreshHistory(): Promise<void>;
  toggleCompare(id: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** play a saved run back through the live view, `speed` times faster than it ran */
  replayRun(id: string, speed: number): Promise<void>;
  setExact(on: boolean): void;
  /** the runs as an HTML report through the desktop's dialog; "download" where there is none (the page writes it) */
  saveReport(ids: string[]): Promise<"saved" | "cancelled" | "download">;
  /** a run as a recording file through the desktop's dialog; where there is none, the file's text for the page to download */
  saveRecording(id: string): Promise<"saved" | "cancelled" | { download: string }>;
  /** a recording file's text, read by the page: kept as a saved run; the problem, if any */
  importRecording(text: string, name?: string): Promise<string | undefined>;
  /** open a recording through the desktop's dialog; "page" where there is none (the page's file input opens then) */
  openRecording(): Promise<"opened" | "cancelled" | "page">;
  present(runs: RunRecord[]): void;
  stopPresenting(): void;
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
