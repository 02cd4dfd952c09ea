// The backend: the API methods implemented against this host (probe, samples, QEMU, runs,
// records). A plain object: the Electron IPC and the HTTP server both serve it.

import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import type { Api, ApiError, RunStreamEvent } from "../../shared/api/contract";
import { ApiFailure } from "../../shared/api/contract";
import { readSysfs, ProbeError } from "../probe/sysfs";
import { loadSample, sampleNames, TopologyFileError } from "../hosts/samples";
import { probeQemu, QemuNotFound } from "../qemu/discover";
import { runPrealloc, RunRefused } from "../qemu/launch";
import { deleteRecord, listRecords, loadRecord, RecordError, runsDir, saveRecord } from "../run/records";
import { demoJobs, runLab } from "../lab/lab";
import { LabSetupError } from "../lab/assets";

export interface BackendOptions {
  /** folder for run records (default: the app's data directory) */
  runsDir?: string;
  /** QEMU binary */
  qemu?: string;
  /** how many runs may go at once on this host (memory guard counts them; default 1) */
  maxRuns?: number;
}

export interface Backend {
  api: Api;
  events: EventEmitter<{ run: [RunStreamEvent] }>;
  /** cancel every run and wait for them to clean up */
  close(): Promise<void>;
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

  const api: Api = {
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
        return { available: true, binary: q.binary, version: q.version, features: { ...q.features } };
      } catch (e) {
        if (e instanceof QemuNotFound) return { available: false, error: e.message };
        throw e;
      }
    },
    async startRun({ layout, label, force, rateHz }) {
      if (running.size >= maxRuns) fail("refused", `a run is already going on this host (${[...running.keys()].join(", ")}); wait for it or cancel it`);
      const host = readSysfs();
      const runId = `run-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
      const controller = new AbortController();
      let settle!: () => void;
      const done = new Promise<void>((r) => (settle = r));
      running.set(runId, { controller, done });
      // Start, and answer once QEMU is spawned or the run is refused.
      const started = new Promise<void>((resolve, reject) => {
        runPrealloc(layout, {
          host,
          ...(opts.qemu ? { qemu: opts.qemu } : {}),
          ...(rateHz ? { rateHz } : {}),
          ...(label ? { label } : {}),
          force: force === true,
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === "spawned") resolve();
            if (e.type === "exited") return;
            emit({ runId, ...e } as RunStreamEvent);
          },
        })
          .then((record) => {
            saveRecord(record, dir);
            emit({ runId, type: "finished", recordId: record.id, outcome: record.outcome, final: true, ...(record.error ? { error: record.error } : {}) });
            resolve();
          })
          .catch((e: unknown) => {
            const error: ApiError =
              e instanceof RunRefused
                ? { code: "refused", message: e.message, diagnostics: e.diagnostics }
                : e instanceof QemuNotFound
                  ? { code: "unavailable", message: e.message }
                  : { code: "internal", message: (e as Error).message };
            emit({ runId, type: "failed", error });
            reject(new ApiFailure(error));
          })
          .finally(() => {
            running.delete(runId);
            settle();
          });
      });
      await started;
      return { runId };
    },
    async startLabRun({ nodes, layout, demo, label }) {
      if (running.size >= maxRuns) fail("refused", `a run is already going (${[...running.keys()].join(", ")}); wait for it or cancel it`);
      const jobs = demo ? demoJobs(nodes) : layout ? [{ label: label ?? layout.title ?? "layout", layout }] : fail("bad-request", "give a layout, or demo: true");
      const runId = `lab-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
      const controller = new AbortController();
      let settle!: () => void;
      const done = new Promise<void>((r) => (settle = r));
      running.set(runId, { controller, done });
      let finished = 0;
      runLab({
        nodes,
        jobs,
        ...(opts.qemu ? { qemu: opts.qemu } : {}),
        signal: controller.signal,
        rateHz: 200,
        // a lab run from the app is small; a stuck boot gives up instead of hanging the app
        timeoutMs: 180_000,
        onEvent: (e) => {
          if (e.type === "status") emit({ runId, type: "status", text: e.text });
          else if (e.type === "booted") emit({ runId, type: "status", text: `lab booted in ${(e.ms / 1000).toFixed(1)} s` });
          else if (e.type === "begin") {
            const job = jobs.find((j) => j.label === e.label);
            emit({ runId, type: "job", label: e.label, ...(job ? { layout: job.layout } : {}) });
          }
          else if (e.type === "samples") emit({ runId, type: "samples", samples: e.samples });
          else if (e.type === "prealloc-done") emit({ runId, type: "prealloc-done", ms: e.ms });
          else if (e.type === "job-done") {
            saveRecord(e.record, dir);
            finished++;
            emit({ runId, type: "finished", recordId: e.record.id, outcome: e.record.outcome, final: finished === jobs.length, ...(e.record.error ? { error: e.record.error } : {}) });
          }
        },
      })
        .catch((e: unknown) => {
          const error: ApiError =
            e instanceof RunRefused
              ? { code: "refused", message: e.message, diagnostics: e.diagnostics }
              : e instanceof LabSetupError || e instanceof QemuNotFound
                ? { code: "unavailable", message: e.message }
                : { code: "internal", message: (e as Error).message };
          emit({ runId, type: "failed", error });
        })
        .finally(() => {
          running.delete(runId);
          settle();
        });
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
  };
}
