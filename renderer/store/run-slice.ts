// The run going on, the run history and the runs being compared.

import type { RunRecord } from "../../shared/run/types";
import { errorText, type Full, type SliceDeps } from "./slice";

export type RunSlice = Pick<Full, "run" | "history" | "compare" | "runLabDemo" | "launch" | "cancelRun" | "onRunEvent" | "refreshHistory" | "toggleCompare" | "deleteRun" | "labelRun">;

export function runSlice({ api, set, get }: SliceDeps): RunSlice {
  return {
    run: { status: "idle", samples: [] },
    history: [],
    compare: [],
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
        case "status":
          set({ run: { ...run, runId: e.runId, statusText: e.text } });
          return;
        case "job":
          // a new job of a lab run: its own samples and time
          set({ run: { ...run, runId: e.runId, status: "running", label: e.label, statusText: `running: ${e.label}`, samples: [], sampleCount: 0, preallocMs: undefined, record: undefined, ...(e.layout ? { layout: e.layout } : {}) } });
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
  };
}
