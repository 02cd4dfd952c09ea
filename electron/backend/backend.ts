// The backend: the API methods implemented against this host (probe, samples, QEMU, runs,
// records). A plain object: the Electron IPC and the HTTP server both serve it.

import { LayoutFileError, loadLayoutFile, saveLayoutFile } from "../files/layout-file";
import { layoutToText, loadLayoutText } from "../../shared/layout/load";
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import type { Api, ApiError, RunStreamEvent } from "../../shared/api/contract";
import type { RunRecord } from "../../shared/run/types";
import { ApiFailure } from "../../shared/api/contract";
import { readSysfs, ProbeError } from "../probe/sysfs";
import { loadSample, sampleNames, TopologyFileError } from "../hosts/samples";
import { probeQemu, QemuNotFound } from "../qemu/discover";
import { listQemus } from "../qemu/registry";
import { runPrealloc, RunRefused } from "../qemu/launch";
import { deleteRecord, importRecording, listRecords, loadRecord, MAX_RECORD_TEXT, RecordError, relabelRecord, runsDir, saveRecord, writeFileAtomic } from "../run/records";
import { runReportHtml } from "../../shared/run/html-report";
import { exactModeAvailable } from "../run/sched-trace";
import { kernelFacts, loadCalibration } from "../model/calibrate";
import { sampleHostParams } from "../../shared/model/published";
import { DEFAULT_PARAMS, type ModelParams } from "../../shared/model/prealloc-model";
import { readBoundedText } from "../files/read-bounded";
import { runTitle } from "../../shared/run/label";
import { demoJobs, runLab } from "../lab/lab";
import { LabSetupError } from "../lab/assets";

export interface BackendOptions {
  /** folder for run records (default: the app's data directory) */
  runsDir?: string;
  /** QEMU binary */
  qemu?: string;
  /** how many runs may go at once on this host (memory guard counts them; default 1) */
  maxRuns?: number;
  /** a layout file's text the app opens at start (numadesk serve FILE) */
  initialLayout?: string;
  /** native file dialogs (the Electron shell); without them saving and opening go through the page */
  dialogs?: FileDialogs;
}

/** What a dialog saves or opens: its file type filter. */
export type FileKind = "layout" | "report" | "recording";

/** Paths a person picked in a native dialog; undefined when they cancelled. */
export interface FileDialogs {
  saveAs(suggestedName: string, kind?: FileKind): Promise<string | undefined>;
  open(kind?: FileKind): Promise<string | undefined>;
}

export interface Backend {
  api: Api;
  events: EventEmitter<{ run: [RunStreamEvent] }>;
  /** cancel every run and wait for them to clean up */
  close(): Promise<void>;
  /** a layout for the app to open now (a file given to a second launch); a page not yet started gets it from initialLayout */
  handOut(text: string): void;
}

/** Why a run did not happen, for the UI: refused (with diagnostics), unavailable, or a bug. */
function runError(e: unknown): ApiError {
  if (e instanceof RunRefused) return { code: "refused", message: e.message, diagnostics: e.diagnostics, ...(e.detail ? { detail: e.detail } : {}) };
  if (e instanceof LabSetupError || e instanceof QemuNotFound) return { code: "unavailable", message: e.message };
  return { code: "internal", message: (e as Error).message };
}

function fail(code: ApiError["code"], message: string, diagnostics?: ApiError["diagnostics"]): never {
  throw new ApiFailure(diagnostics ? { code, message, diagnostics } : { code, message });
}

export function createBackend(opts: BackendOptions = {}): Backend {
  const events = new EventEmitter<{ run: [RunStreamEvent] }>();
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const dir = opts.runsDir ?? runsDir();
  const maxRuns = opts.maxRuns ?? 1;
  const emit = (e: RunStreamEvent) => events.emit("run", e);
  let handed = opts.initialLayout;

  /** A run of either kind: one at a time (maxRuns), cancellable, failures told as events. */
  function track(kind: "run" | "lab", work: (runId: string, signal: AbortSignal) => Promise<unknown>): { runId: string; failure: Promise<ApiError | undefined> } {
    if (running.size >= maxRuns) fail("refused", `a run is already going on this host (${[...running.keys()].join(", ")}); wait for it or cancel it`);
    const runId = `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
    const controller = new AbortController();
    const failure = work(runId, controller.signal)
      .then(
        () => undefined,
        (e: unknown) => {
          const error = runError(e);
          emit({ runId, type: "failed", error });
          return error;
        },
      )
      .finally(() => running.delete(runId));
    running.set(runId, { controller, done: failure.then(() => undefined) });
    return { runId, failure };
  }

  /** A finished run: its record saved, then announced. */
  function finish(runId: string, record: RunRecord, final: boolean) {
    saveRecord(record, dir);
    emit({ runId, type: "finished", recordId: record.id, outcome: record.outcome, final, ...(record.error ? { error: record.error } : {}) });
  }

  const load = (id: string) => {
    try {
      return loadRecord(id, dir);
    } catch (e) {
      if (e instanceof RecordError) fail("not-found", e.message);
      throw e;
    }
  };
  const write = (path: string, text: string) => {
    try {
      writeFileAtomic(path, text);
    } catch (e) {
      fail("refused", `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };

  const api: Api = {
    async initialLayout() {
      return handed !== undefined ? { text: handed } : {};
    },
    async probeHost() {
      try {
        return readSysfs();
      } catch (e) {
        if (e instanceof ProbeError) fail("unavailable", e.message);
        throw e;
      }
    },
    async listSamples() {
      return sampleNames().map((name) => {
        const t = loadSample(name);
        return t.description ? { name, description: t.description } : { name };
      });
    },
    async loadSample({ name }) {
      try {
        return loadSample(name);
      } catch (e) {
        if (e instanceof TopologyFileError) fail("not-found", e.message);
        throw e;
      }
    },
    async qemuInfo() {
      try {
        const q = await probeQemu(opts.qemu);
        return { available: true, binary: q.binary, version: q.version, features: { ...q.features }, help: q.help };
      } catch (e) {
        if (e instanceof QemuNotFound) return { available: false, error: e.message };
        throw e;
      }
    },
    async modelParams({ sample, thisHost }) {
      // a sample: its published figures; this host: its calibration (numadesk calibrate), else defaults
      let params: ModelParams = DEFAULT_PARAMS;
      if (sample) params = sampleHostParams(sample);
      else if (thisHost) {
        try {
          params = loadCalibration(readSysfs()) ?? DEFAULT_PARAMS;
        } catch {
          params = DEFAULT_PARAMS;
        }
      }
      return { params: { ...params, nodeGiBps: Number.isFinite(params.nodeGiBps) ? params.nodeGiBps : null }, ...(thisHost ? { kernelRelease: kernelFacts().release } : {}) };
    },
    async listQemus() {
      return (await listQemus()).map((q) =>
        q.info
          ? {
              path: q.path,
              source: q.source,
              version: q.info.version,
              accelerators: q.info.accelerators,
              features: { ...q.info.features },
              objectTypes: q.info.help.objectTypes.length,
              options: q.info.help.options.length,
              ...(q.info.dataDir ? { dataDir: q.info.dataDir } : {}),
            }
          : { path: q.path, source: q.source, error: q.error ?? "not usable" },
      );
    },
    async startRun({ layout, label, force, rateHz, exact }) {
      const host = readSysfs();
      let spawned!: () => void;
      const isSpawned = new Promise<void>((r) => (spawned = r));
      const { runId, failure } = track("run", async (runId, signal) => {
        const record = await runPrealloc(layout, {
          host,
          ...(opts.qemu ? { qemu: opts.qemu } : {}),
          ...(rateHz ? { rateHz } : {}),
          ...(label ? { label } : {}),
          force: force === true,
          exact: exact === true,
          signal,
          onEvent: (e) => {
            if (e.type === "spawned") spawned();
            if (e.type === "exited") return;
            emit({ runId, ...e } as RunStreamEvent);
          },
        });
        finish(runId, record, true);
      });
      // answer once QEMU is spawned, or with the reason it was not
      const error = await Promise.race([isSpawned.then(() => undefined), failure]);
      if (error) throw new ApiFailure(error);
      return { runId };
    },
    async startLabRun({ nodes, layout, demo, label }) {
      const jobs = demo ? demoJobs(nodes) : layout ? [{ label: label ?? layout.title ?? "layout", layout }] : fail("bad-request", "give a layout, or demo: true");
      let finished = 0;
      const { runId } = track("lab", (runId, signal) =>
        runLab({
          nodes,
          jobs,
          ...(opts.qemu ? { qemu: opts.qemu } : {}),
          signal,
          rateHz: 200,
          // a lab run from the app is small; a stuck boot gives up instead of hanging the app
          timeoutMs: 180_000,
          onEvent: (e) => {
            if (e.type === "progress") emit({ runId, type: "progress", step: e.step, text: e.text, stepIndex: e.stepIndex, steps: e.steps, ...(e.detail ? { detail: e.detail } : {}) });
            else if (e.type === "booted") emit({ runId, type: "status", text: `lab booted in ${(e.ms / 1000).toFixed(1)} s` });
            else if (e.type === "begin") {
              const job = jobs.find((j) => j.label === e.label);
              emit({ runId, type: "job", label: e.label, ...(job ? { layout: job.layout } : {}) });
            } else if (e.type === "samples") emit({ runId, type: "samples", samples: e.samples });
            else if (e.type === "prealloc-done") emit({ runId, type: "prealloc-done", ms: e.ms });
            else if (e.type === "job-done") finish(runId, e.record, ++finished === jobs.length);
          },
        }),
      );
      return { runId };
    },
    async cancelRun({ runId }) {
      const r = running.get(runId);
      if (!r) return { cancelled: false };
      r.controller.abort();
      await r.done;
      return { cancelled: true };
    },
    async listRuns() {
      return listRecords(dir).records;
    },
    async loadRun({ id }) {
      try {
        return loadRecord(id, dir);
      } catch (e) {
        if (e instanceof RecordError) fail("not-found", e.message);
        throw e;
      }
    },
    async labelRun({ id, label }) {
      try {
        const r = relabelRecord(id, label, dir);
        return { id: r.id, title: runTitle(r) };
      } catch (e) {
        if (e instanceof RecordError) fail(e.notFound ? "not-found" : "bad-request", e.message);
        throw e;
      }
    },
    async saveLayoutAs({ text, suggestedName }) {
      if (!opts.dialogs) fail("unavailable", "saving through a dialog needs the desktop app; the page downloads the file instead");
      const r = loadLayoutText(text);
      if (!r.ok) fail("bad-request", `the layout cannot be saved: ${r.diagnostics[0]!.message}`, r.diagnostics);
      const path = await opts.dialogs.saveAs(suggestedName);
      if (path === undefined) return { saved: false };
      try {
        saveLayoutFile(path, r.layout); // atomic, keeping the previous good version as PATH.bak
      } catch (e) {
        fail("refused", `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      return { saved: true, path };
    },
    async openLayoutFile() {
      if (!opts.dialogs) fail("unavailable", "opening through a dialog needs the desktop app; the page reads the file instead");
      const path = await opts.dialogs.open();
      if (path === undefined) return {};
      try {
        return { text: layoutToText(loadLayoutFile(path)), path };
      } catch (e) {
        if (e instanceof LayoutFileError) fail("bad-request", e.message, e.diagnostics);
        throw e;
      }
    },
    async runModes() {
      return { exact: exactModeAvailable() };
    },
    async saveRunReport({ ids, suggestedName }) {
      if (!opts.dialogs) fail("unavailable", "saving through a dialog needs the desktop app; the page downloads the report instead");
      const runs = ids.map((id) => load(id));
      const path = await opts.dialogs.saveAs(suggestedName, "report");
      if (path === undefined) return { saved: false };
      write(path, runReportHtml(runs, { generatedAt: new Date().toISOString() }));
      return { saved: true, path };
    },
    async saveRecording({ id, suggestedName }) {
      if (!opts.dialogs) fail("unavailable", "saving through a dialog needs the desktop app; the page downloads the recording instead");
      const record = load(id);
      const path = await opts.dialogs.saveAs(suggestedName, "recording");
      if (path === undefined) return { saved: false };
      write(path, JSON.stringify(record) + "\n");
      return { saved: true, path };
    },
    async importRecording({ text, name }) {
      try {
        const r = importRecording(text, dir, name);
        return { id: r.id, title: runTitle(r) };
      } catch (e) {
        if (e instanceof RecordError) fail("bad-request", e.message);
        throw e;
      }
    },
    async openRecording() {
      if (!opts.dialogs) fail("unavailable", "opening through a dialog needs the desktop app; the page reads the file instead");
      const path = await opts.dialogs.open("recording");
      if (path === undefined) return {};
      try {
        const r = importRecording(readBoundedText(path, MAX_RECORD_TEXT, { what: "recording" }), dir, path);
        return { id: r.id, title: runTitle(r) };
      } catch (e) {
        fail("bad-request", (e as Error).message);
      }
    },
    async deleteRun({ id }) {
      try {
        deleteRecord(id, dir);
        return {};
      } catch (e) {
        if (e instanceof RecordError) fail("not-found", e.message);
        throw e;
      }
    },
  };

  return {
    api,
    events,
    async close() {
      for (const r of running.values()) r.controller.abort();
      await Promise.all([...running.values()].map((r) => r.done));
    },
    handOut(text) {
      handed = text;
      emit({ type: "open-layout", text });
    },
  };
}
