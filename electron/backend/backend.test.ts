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
