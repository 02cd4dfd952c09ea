// The run going on (or a saved one played back), the run history, the runs being compared,
// presenter mode, and what leaves the app as files (recordings, reports).

import type { RunRecord } from "../../shared/run/types";
import { ApiFailure } from "../../shared/api/contract";
import { backendBytes } from "../../shared/qemu/prealloc";
import { runTitle } from "../../shared/run/label";
import { dueSteps, replayEndMs, replayTimeline } from "../../shared/run/replay";
import { RECORDING_SUFFIX } from "../../shared/run/recording";
import { unpackSamples } from "../../shared/run/summarize";
import { errorText, type Full, type SliceDeps } from "./slice";

export type RunSlice = Pick<
  Full,
  | "run"
  | "history"
  | "compare"
  | "exact"
  | "presenting"
  | "runLabDemo"
  | "launch"
  | "cancelRun"
  | "onRunEvent"
  | "refreshHistory"
  | "toggleCompare"
  | "deleteRun"
  | "labelRun"
  | "replayRun"
  | "setExact"
  | "saveReport"
  | "saveRecording"
  | "importRecording"
  | "openRecording"
  | "present"
  | "stopPresenting"
>;

/** A finished run's samples from its record, for the live view (the same list a replay ends with). */
const adoptSamples = (record: RunRecord) => {
  const samples = unpackSamples(record);
  return { samples, sampleCount: samples.length };
};

/** The outcome of a finished run as the run view's status. */
const statusOf = (outcome: RunRecord["outcome"]) => (outcome === "ok" ? "done" : outcome === "cancelled" ? "cancelled" : "failed");

export function runSlice({ api, set, get }: SliceDeps): RunSlice {
  /** the replay going on: its timer, and how to end it at once (cancel shows the whole run) */
  let replaying: { timer: ReturnType<typeof setTimeout> | undefined; finish: () => void } | undefined;
  /** "download" when the desktop's dialog is not there (browser mode) */
  const viaDialog = async (call: () => Promise<{ saved: boolean; path?: string }>, what: string): Promise<"saved" | "cancelled" | "download"> => {
    try {
      const r = await call();
      if (r.saved) get().say("info", `saved ${what} ${r.path ?? ""}`.trim());
      return r.saved ? "saved" : "cancelled";
    } catch (e) {
      if (e instanceof ApiFailure && e.error.code === "unavailable") return "download";
      get().say("error", errorText(e).text);
      return "cancelled";
    }
  };
  return {
    run: { status: "idle", samples: [] },
    history: [],
    compare: [],
    exact: false,
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
    async launch(label) {
      const { layout, run } = get();
      if (run.status === "starting" || run.status === "running") return;
      set({ run: { status: "starting", samples: [], startedAt: Date.now(), recordIds: [], layout, ...(get().host ? { topology: get().host } : {}) } });
      const target = get().target;
      const exact = get().exact && get().exactMode?.available === true;
      try {
        const { runId } =
          target?.kind === "lab" && target.nodes
            ? await api.startLabRun({ nodes: target.nodes, layout, ...(label ? { label } : {}) })
            : await api.startRun({ layout, ...(label ? { label } : {}), ...(exact ? { exact } : {}) });
        set((s) => ({ run: { ...s.run, runId, status: s.run.status === "starting" ? "running" : s.run.status } }));
      } catch (e) {
        const { text, diagnostics } = errorText(e);
        set({ run: { status: "failed", samples: [], error: text, endedAt: Date.now(), ...(diagnostics ? { diagnostics } : {}) } });
      }
    },
    async cancelRun() {
      if (get().run.replay && replaying) return replaying.finish();
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
        case "populated": {
          // when each backend was all there: the live view marks it
          const backends = (run.layout ?? get().layout).backends;
          const fullAt = { ...run.fullAt };
          for (const b of backends) if (fullAt[b.id] === undefined && (e.bytes[b.id] ?? 0) >= backendBytes(b)) fullAt[b.id] = e.t;
          set({ run: { ...run, populated: { t: e.t, bytes: e.bytes }, fullAt } });
          return;
        }
        case "progress":
          set({ run: { ...run, runId: e.runId, statusText: e.text, progress: { step: e.step, text: e.text, stepIndex: e.stepIndex, steps: e.steps, ...(e.detail ? { detail: e.detail } : {}) } } });
          return;
        case "status":
          set({ run: { ...run, runId: e.runId, statusText: e.text, progress: undefined } });
          return;
        case "job":
          // a new job of a lab run: its own samples and time
          set({
            run: {
              ...run,
              runId: e.runId,
              status: "running",
              label: e.label,
              statusText: `running: ${e.label}`,
              progress: undefined,
              // the elapsed time is the job's, as its plot's axis (not since the lab began booting)
              startedAt: Date.now(),
              samples: [],
              sampleCount: 0,
              preallocMs: undefined,
              record: undefined,
              ...(e.layout ? { layout: e.layout } : {}),
            },
          });
          return;
        case "finished": {
          const recordIds = [...(run.recordIds ?? []), e.recordId];
          const final = e.final !== false;
          set({ run: { ...run, recordIds } });
          void api.loadRun({ id: e.recordId }).then(async (record) => {
            const now = get().run;
            // The record is the run as saved: the live view takes its samples, so the picture is
            // the replayed one exactly (the last live batch can arrive after "finished"). Not when
            // a lab's next job has begun meanwhile (it started a new sample list).
            // Nor its record: it would title, summarise and time the next job's live plot with
            // this one's (the demo's "with" run showed "preallocated in 8.85 s" of the "without" run).
            const adopt = now.samples === run.samples ? { ...adoptSamples(record), record } : {};
            set({
              run: {
                ...now,
                ...adopt,
                ...(final ? { status: e.outcome === "ok" ? "done" : e.outcome === "cancelled" ? "cancelled" : "failed", endedAt: Date.now() } : {}),
                ...(e.error ? { error: e.error } : {}),
              },
            });
            await get().refreshHistory();
            if (final && now.compareWhenDone) {
              const records = await Promise.all(recordIds.map((id) => api.loadRun({ id })));
              set({ compare: records });
            }
          });
          return;
        }
        case "failed":
          set({ run: { ...run, status: "failed", error: e.error.message, ...(e.error.detail ? { errorDetail: e.error.detail } : {}), endedAt: Date.now() } });
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
    async replayRun(id, speed) {
      const { run } = get();
      if (run.status === "starting" || (run.status === "running" && !run.replay)) return;
      replaying?.finish();
      let record: RunRecord;
      try {
        record = get().compare.find((r) => r.id === id) ?? (await api.loadRun({ id }));
      } catch (e) {
        return get().say("error", errorText(e).text);
      }
      const steps = replayTimeline(record);
      const endMs = replayEndMs(record, steps);
      const runId = `replay-${record.id}-${Date.now().toString(36)}`;
      set({
        run: {
          status: "running",
          runId,
          samples: [],
          sampleCount: 0,
          startedAt: Date.now(),
          layout: record.layout,
          ...(record.topology ? { topology: record.topology } : {}),
          // the run panel titles the plot with it from the first frame (the record is adopted at the end)
          label: runTitle(record),
          replay: { recordId: record.id, speed, endMs },
        },
      });
      const t0 = performance.now();
      let next = 0;
      const mine = () => get().run.runId === runId;
      const done = () => {
        if (replaying?.timer) clearTimeout(replaying.timer);
        replaying = undefined;
        if (!mine()) return;
        // the whole run, as it was saved: a replay stopped early shows the rest at once
        next = dueSteps(steps, next, Infinity, (ev) => get().onRunEvent({ runId, ...ev }));
        const now = get().run;
        set({ run: { ...now, ...adoptSamples(record), status: statusOf(record.outcome), record, endedAt: now.startedAt! + endMs / speed, ...(record.error ? { error: record.error } : {}) } });
      };
      const tick = () => {
        if (!mine()) return void (replaying = undefined);
        const at = (performance.now() - t0) * speed;
        next = dueSteps(steps, next, at, (ev) => get().onRunEvent({ runId, ...ev }));
        if (next >= steps.length && at >= endMs) return done();
        if (replaying) replaying.timer = setTimeout(tick, 40);
      };
      replaying = { timer: undefined, finish: done };
      tick();
    },
    setExact: (exact) => set({ exact }),
    saveReport: (ids) => viaDialog(() => api.saveRunReport({ ids, suggestedName: "numadesk-report.html" }), "the report"),
    async saveRecording(id) {
      const how = await viaDialog(() => api.saveRecording({ id, suggestedName: `${id}${RECORDING_SUFFIX}` }), "the recording");
      if (how !== "download") return how;
      try {
        return { download: JSON.stringify(await api.loadRun({ id })) + "\n" };
      } catch (e) {
        get().say("error", errorText(e).text);
        return "cancelled";
      }
    },
    async importRecording(text, name) {
      try {
        const r = await api.importRecording(name ? { text, name } : { text });
        await get().refreshHistory();
        get().say("info", `imported "${r.title}": replay it from the history (all targets)`);
        return undefined;
      } catch (e) {
        return errorText(e).text;
      }
    },
    async openRecording() {
      try {
        const r = await api.openRecording({});
        if (r.id === undefined) return "cancelled";
        await get().refreshHistory();
        get().say("info", `imported "${r.title}": replay it from the history (all targets)`);
        return "opened";
      } catch (e) {
        if (e instanceof ApiFailure && e.error.code === "unavailable") return "page";
        get().say("error", errorText(e).text);
        return "cancelled";
      }
    },
    present: (runs) => set({ presenting: runs }),
    stopPresenting: () => set({ presenting: undefined }),
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
  };
}
