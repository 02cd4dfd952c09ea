// A lab demo runs two jobs back to back, and the first job's record is loaded (an API call)
// after its "finished" event: when the second job has begun meanwhile, that record must not
// become the second job's. It did: the demo's "with thread-context" run was summarised, titled
// and marked "preallocated in 8.85 s" with the "without" run's record while it ran. The events
// are fed in the order the backend's lab run emits them (electron/backend/backend.ts: job-done
// of one job, then begin of the next), the record is a real run's on this host.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../electron/backend/backend";
import { createAppStore } from "./store";

const runs = mkdtempSync(join(tmpdir(), "numadesk-lab-jobs-"));
const backend = createBackend({ runsDir: runs });
afterAll(async () => {
  await backend.close();
  rmSync(runs, { recursive: true, force: true });
});

/** A real preallocation run on this host (256 MiB, 2 threads), saved: its record id. */
async function realRecord(): Promise<string> {
  const store = createAppStore(backend.api);
  await store.getState().chooseHost();
  store.getState().plan({ mem: "256M", vcpus: 1, threads: 2 });
  await backend.api.startRun({ layout: store.getState().layout, label: "the first job" });
  for (let i = 0; i < 600; i++) {
    const list = await backend.api.listRuns({});
    if (list.length) return list[0]!.id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the run left no record in 60 s");
}

describe("a lab run of two jobs in the run view", () => {
  it("keeps the first job's record off the second job's live view; the last job's record is adopted", { timeout: 90_000 }, async () => {
    const id = await realRecord();
    const store = createAppStore(backend.api);
    const ev = store.getState().onRunEvent;
    ev({ runId: "lab-1", type: "job", label: "without thread-context (node 1)" });
    ev({ runId: "lab-1", type: "prealloc-done", ms: 8850 });
    ev({ runId: "lab-1", type: "finished", recordId: id, outcome: "ok", final: false });
    const secondBegan = Date.now();
    ev({ runId: "lab-1", type: "job", label: "with thread-context (node 1)" });
    // the first job's record has been loaded by now (the store asked first)
    await backend.api.loadRun({ id });
    await new Promise((r) => setTimeout(r, 200));
    let run = store.getState().run;
    expect(run.status).toBe("running");
    expect(run.label).toBe("with thread-context (node 1)");
    expect(run.record).toBeUndefined();
    expect(run.preallocMs).toBeUndefined();
    expect(run.recordIds).toEqual([id]);
    // its elapsed time counts from its own start, as its plot's axis does, not from the lab's boot
    expect(run.startedAt).toBeGreaterThanOrEqual(secondBegan);
    // the second job's own end: its record is the run view's
    ev({ runId: "lab-1", type: "prealloc-done", ms: 8060 });
    ev({ runId: "lab-1", type: "finished", recordId: id, outcome: "ok", final: true });
    await backend.api.loadRun({ id });
    await new Promise((r) => setTimeout(r, 200));
    run = store.getState().run;
    expect(run.status).toBe("done");
    expect(run.record?.id).toBe(id);
    expect(run.preallocMs).toBe(8060);
  });
});
