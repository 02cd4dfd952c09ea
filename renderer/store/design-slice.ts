// The layout being designed: its edits (undoable), import, plan, open and save.

import type { LayoutTarget } from "../../shared/layout/schema";
import { emptyLayout, type Layout } from "../../shared/layout/schema";
import { parseCommandLine } from "../../shared/qemu/parse";
import { planLayout } from "../../shared/plan/planner";
import { layoutToText, loadLayoutText } from "../../shared/layout/load";
import { addGuestNode, applyThreadBudget, bindBackendAndPins, moveGuestNode, moveVcpus, removeGuestNode, setBackendSize, splitGuestNode } from "../../shared/layout/edits";
import { shareNote, shareOfMemory } from "../../shared/layout/memory-share";
import { setMemorySize, setSmpField, sizeField } from "../../shared/layout/fields";
import { ApiFailure } from "../../shared/api/contract";
import { lacksNote } from "../../shared/topology/lacks-note";
import { errorText, type Full, type SliceDeps } from "./slice";

export type DesignSlice = Pick<
  Full,
  | "layout"
  | "past"
  | "future"
  | "importDiagnostics"
  | "saved"
  | "edit"
  | "undo"
  | "redo"
  | "plan"
  | "importCommandLine"
  | "openLayoutText"
  | "layoutFileText"
  | "newLayout"
  | "bind"
  | "threadBudget"
  | "resize"
  | "setMemory"
  | "setSmp"
  | "addNode"
  | "moveGuest"
  | "moveVcpus"
  | "removeNode"
  | "splitNode"
  | "select"
  | "markSaved"
  | "saveAs"
  | "openDialog"
  | "restoreRecovery"
>;

/** A new layout names QEMU's threads, so ps, top and Numadesk's plot can tell them apart. */
export function freshLayout(): Layout {
  return { ...emptyLayout("1G"), name: { debugThreads: true } };
}

export function designSlice({ api, set, get, commit }: SliceDeps, initial: Layout): DesignSlice {
  /** Switch to the target a layout file was saved for. */
  const openTarget = async (t: LayoutTarget) => {
    if (t.kind === "sample") await get().chooseSample(t.name);
    else if (t.kind === "lab") get().chooseLab(t.nodes ?? 2);
    else if (t.kind === "imported" && t.topology) {
      set({ host: t.topology, target: { kind: "imported", name: t.name } });
      void get().loadModel();
    } else await get().chooseHost();
  };
  return {
    layout: initial,
    past: [],
    future: [],
    importDiagnostics: [],
    saved: initial,
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
      // a sysfs copy (numadesk serve --sysfs DIR) or an import says here what it did not tell
      if (t) void openTarget(t).then(() => get().say("info", [`opened on ${t.name}, the target it was saved for`, t.topology && lacksNote(t.topology, true)].filter(Boolean).join(". ")));
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
      // a message about the layout just replaced (a refused pin mode, an import's note) is not about this one
      set({ importDiagnostics: [], message: undefined });
    },
    bind: (id, node) => get().edit((l) => bindBackendAndPins(l, id, node, get().host)),
    threadBudget: (node, n) => get().edit((l) => applyThreadBudget(l, node, n, get().host)),
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
    addNode(node, size, vcpus) {
      const before = get().layout;
      get().edit((l) => addGuestNode(l, node, size, vcpus));
      const after = get().layout;
      if (size !== undefined || after === before) return;
      const added = after.nodes[after.nodes.length - 1];
      get().say("info", shareNote(shareOfMemory(before), `guest node ${added?.nodeid ?? after.nodes.length - 1}`, after.memory?.size));
    },
    moveGuest: (i, node) => get().edit((l) => moveGuestNode(l, i, node, get().host)),
    moveVcpus: (vcpus, to) => get().edit((l) => moveVcpus(l, vcpus, to)),
    removeNode: (i) => get().edit((l) => removeGuestNode(l, i)),
    splitNode: (i) => get().edit((l) => splitGuestNode(l, i)),
    select: (id) => set({ selected: id }),
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
  };
}
