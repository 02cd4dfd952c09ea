// The backend as the app reaches it (through the one dispatcher both transports use): a
// layout with a NUL in it is a bad request, and it leaves nothing that blocks the next run.

import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "./backend";
import { dispatch } from "./dispatch";
import { readSysfs } from "../probe/sysfs";
import { planLayout } from "../../shared/plan/planner";
import { runDirsLeft } from "../qemu/launch";
import type { RunStreamEvent } from "../../shared/api/contract";

describe("the app's launch path", () => {
  it("a NUL in the guest name is refused as a bad request, and the next run starts and finishes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "numadesk-backend-"));
    const backend = createBackend({ runsDir: dir });
    try {
      const plan = planLayout(readSysfs(), { mem: "128M", vcpus: 1, threads: 2 });
      if (!plan.ok) throw new Error("plan");
      const bad = structuredClone(plan.layout);
      bad.name = { guest: "vm\u0000-incoming", debugThreads: true };
      const r1 = await dispatch(backend, "startRun", { layout: bad });
      expect(r1.ok).toBe(false);
      if (!r1.ok) {
        expect(r1.error.code).toBe("bad-request");
        expect(r1.error.message).toMatch(/name\.guest: contains a NUL/);
      }
      expect(runDirsLeft()).toEqual([]);

      const finished = new Promise<RunStreamEvent>((resolve) => backend.events.on("run", (e) => (e.type === "finished" || e.type === "failed") && resolve(e)));
      const r2 = await dispatch(backend, "startRun", { layout: plan.layout, label: "after \u001b[2J a bad one" });
      expect(r2.ok).toBe(true);
      const end = await finished;
      expect(end).toMatchObject({ type: "finished", outcome: "ok" });
      expect(runDirsLeft()).toEqual([]);
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an exact run through the API is recorded with its mode, listed with its title, and renamed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "numadesk-backend-"));
    const backend = createBackend({ runsDir: dir });
    try {
      const plan = planLayout(readSysfs(), { mem: "256M", vcpus: 1, threads: 2, backend: "memfd" });
      if (!plan.ok) throw new Error("plan");
      const finished = new Promise<RunStreamEvent>((resolve) => backend.events.on("run", (e) => (e.type === "finished" || e.type === "failed") && resolve(e)));
      const r = await dispatch(backend, "startRun", { layout: plan.layout, exact: true });
      expect(r.ok).toBe(true);
      expect(await finished).toMatchObject({ type: "finished", outcome: "ok" });
      const list = await dispatch(backend, "listRuns", {});
      if (!list.ok) throw new Error(list.error.message);
      expect(list.result).toHaveLength(1);
      const [item] = list.result as Array<{ id: string; title: string; hasTopology: boolean }>;
      expect(item!.title).toMatch(/^with thread-context, 256 MiB, .+, \d+\.\d\d s$/);
      expect(item!.hasTopology).toBe(true);
      const rec = await dispatch(backend, "loadRun", { id: item!.id });
      if (!rec.ok) throw new Error(rec.error.message);
      expect((rec.result as { sampler: { mode?: string } }).sampler.mode).toBe("tracepoint");
      const renamed = await dispatch(backend, "labelRun", { id: item!.id, label: "exact, 256 MiB" });
      expect(renamed).toEqual({ ok: true, result: { id: item!.id, title: "exact, 256 MiB" } });
      const bad = await dispatch(backend, "labelRun", { id: item!.id, label: "two\nlines" });
      expect(bad.ok ? "" : bad.error.code).toBe("bad-request");
      const missing = await dispatch(backend, "labelRun", { id: "nobody", label: "x" });
      expect(missing.ok ? "" : missing.error.code).toBe("not-found");
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("saving and opening through the desktop's dialogs", () => {
  it("saves atomically with a .bak, writes nothing when the dialog is cancelled, opens what it saved; browser mode has no dialogs", async () => {
    const { existsSync, readFileSync } = await import("node:fs");
    const { createAppStore, isDirty } = await import("../../renderer/store/store");
    const dir = mkdtempSync(join(tmpdir(), "numadesk-dialogs-"));
    const file = join(dir, "picked.numadesk.json");
    let answer: string | undefined;
    const backend = createBackend({ runsDir: dir, dialogs: { saveAs: async () => answer, open: async () => answer } });
    try {
      const store = createAppStore(backend.api);
      await store.getState().chooseSample("bm-standard2-52");
      store.getState().plan({ mem: "8G", vcpus: 8, threads: 4 });
      // the person cancels: nothing written, and the layout stays unsaved (recovery copy, unload question)
      answer = undefined;
      expect(await store.getState().saveAs("x.numadesk.json")).toBe("cancelled");
      expect(existsSync(file)).toBe(false);
      expect(isDirty(store.getState())).toBe(true);
      // saved: written, clean; a second save keeps the first as .bak
      answer = file;
      expect(await store.getState().saveAs("x.numadesk.json")).toBe("saved");
      expect(isDirty(store.getState())).toBe(false);
      expect(JSON.parse(readFileSync(file, "utf8")).target).toEqual({ kind: "sample", name: "bm-standard2-52" });
      store.getState().plan({ mem: "4G", vcpus: 4, threads: 2 });
      expect(await store.getState().saveAs("x.numadesk.json")).toBe("saved");
      expect(JSON.parse(readFileSync(`${file}.bak`, "utf8")).memory.size).toBe("8G");
      // open what was saved
      const other = createAppStore(backend.api);
      expect(await other.getState().openDialog()).toBe("opened");
      expect(other.getState().layout.memory?.size).toBe("4G");
      // a text that is not a layout is refused, not written
      const bad = await dispatch(backend, "saveLayoutAs", { text: "{", suggestedName: "x" });
      expect(bad.ok).toBe(false);
      // browser mode: no dialogs, the page downloads
      const plain = createBackend({ runsDir: dir });
      expect(await createAppStore(plain.api).getState().saveAs("x")).toBe("download");
      await plain.close();
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
