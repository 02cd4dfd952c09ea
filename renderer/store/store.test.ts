// The editing logic of the app, through its store, against the real backend in-process (no
// browser): what a drop, an import or an undo does to the command line.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../electron/backend/backend";
import { createAppStore, diagnosticsOf, isDirty, predictionOf } from "./store";
import { generateArgs } from "../../shared/qemu/generate";

const runs = mkdtempSync(join(tmpdir(), "numadesk-store-"));
const backend = createBackend({ runsDir: runs });
afterAll(async () => {
  await backend.close();
  rmSync(runs, { recursive: true, force: true });
});

async function seedStore() {
  const store = createAppStore(backend.api);
  await store.getState().chooseSample("bm-standard2-52");
  store.getState().plan({ mem: "256G", vcpus: 104, threads: 16 });
  return store;
}
const line = (store: Awaited<ReturnType<typeof seedStore>>) => generateArgs(store.getState().layout).join(" ");

describe("the app store", () => {
  it("drop a backend on node 1: host-nodes=1 and its context follows; undo restores it; redo again", async () => {
    const store = await seedStore();
    const before = line(store);
    store.getState().bind("ram-node0", 1);
    expect(line(store)).toContain("memory-backend-ram,id=ram-node0,size=128G,host-nodes=1,policy=bind,prealloc=on,prealloc-context=tc1,prealloc-threads=8");
    expect(line(store)).not.toContain("thread-context,id=tc0");
    store.getState().undo();
    expect(line(store)).toBe(before);
    store.getState().redo();
    expect(line(store)).toContain("id=ram-node0,size=128G,host-nodes=1");
  });

  it("a thread budget of 1 drops the context (QEMU would ignore it); 4 brings it back", async () => {
    const store = await seedStore();
    store.getState().threadBudget(0, 1);
    expect(line(store)).toContain("id=ram-node0,size=128G,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=1");
    expect(line(store)).not.toContain("thread-context,id=tc0");
    store.getState().threadBudget(0, 4);
    expect(line(store)).toContain("id=ram-node0,size=128G,host-nodes=0,policy=bind,prealloc=on,prealloc-context=tc0,prealloc-threads=4");
    expect(line(store)).toContain("thread-context,id=tc0,node-affinity=0");
  });

  it("importing the seed's baseline shows exactly its two errors on the seed host: the missing -smp and the console's stdio clash", async () => {
    const store = await seedStore();
    store.getState().importCommandLine(readFileSync(join(import.meta.dirname, "../../shared/qemu/fixtures/seed-baseline.sh"), "utf8"));
    const errors = diagnosticsOf(store.getState()).filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["NUMA002", "NUMA045"]);
  });

  it("resizing a backend keeps -m equal to the nodes' memory", async () => {
    const store = await seedStore();
    store.getState().resize("ram-node1", "64G");
    expect(store.getState().layout.memory?.size).toBe("192G");
    expect(diagnosticsOf(store.getState()).filter((d) => d.code === "NUMA001")).toEqual([]);
  });

  it("add, split and delete guest nodes keep the layout valid", async () => {
    const store = await seedStore();
    store.getState().splitNode(0);
    expect(store.getState().layout.nodes).toHaveLength(3);
    expect(diagnosticsOf(store.getState()).filter((d) => d.severity === "error")).toEqual([]);
    store.getState().removeNode(2);
    store.getState().addNode(1, "4G", 2);
    expect(store.getState().layout.nodes).toHaveLength(3);
    expect(diagnosticsOf(store.getState()).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("knows when there is unsaved work", async () => {
    const store = await seedStore();
    expect(isDirty(store.getState())).toBe(true);
    store.getState().markSaved();
    expect(isDirty(store.getState())).toBe(false);
    store.getState().bind("ram-node0", 1);
    expect(isDirty(store.getState())).toBe(true);
  });

  it("refuses a launch on errors with the backend's diagnostics", async () => {
    const store = createAppStore(backend.api);
    await store.getState().chooseHost();
    store.getState().importCommandLine("qemu-system-x86_64 -m 1G -object memory-backend-ram,id=r,size=1G,host-nodes=9,policy=bind,prealloc=on -numa node,memdev=r");
    await store.getState().launch();
    expect(store.getState().run.status).toBe("failed");
    expect(store.getState().run.diagnostics?.map((d) => d.code)).toContain("NUMA010");
  });

  it("a failed import keeps the layout being designed and returns the problems; a partial import is asked for", async () => {
    const store = await seedStore();
    const before = store.getState().layout;
    const bad = "qemu-system-x86_64 -m 4G -object memory-backend-ram,id=a,size=1G,host-nodes=x";
    const r = store.getState().importCommandLine(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toEqual(["PARSE008"]);
    expect(store.getState().layout).toBe(before);
    expect(store.getState().importCommandLine(bad, { partial: true }).ok).toBe(true);
    expect(store.getState().layout.memory?.size).toBe("4G");
    store.getState().undo();
    expect(store.getState().layout).toBe(before);
  });

  it("-m and -smp edits as typed: a valid one applies, an invalid one changes nothing and says why", async () => {
    const store = await seedStore();
    const before = store.getState().layout;
    expect(store.getState().setMemory("12X")).toMatch(/./);
    expect(store.getState().setSmp("cpus", "two")).toBe("-smp cpus: 'two' is not a whole number from 1 to 65536");
    expect(store.getState().resize("ram-node0", "0")).toBe("a size of 0 is not a memory size");
    expect(store.getState().layout).toBe(before);
    expect(store.getState().setSmp("sockets", "2")).toBeUndefined();
    expect(store.getState().setMemory("512G")).toBeUndefined();
    const text = line(store);
    expect(text).toContain("-m 512G");
    expect(text).toMatch(/-smp [^ ]*sockets=2/);
  });

  it("a layout file reopens on the target it was saved for", async () => {
    const store = await seedStore();
    const text = store.getState().layoutFileText();
    expect(JSON.parse(text).target).toEqual({ kind: "sample", name: "bm-standard2-52" });
    const other = createAppStore(backend.api);
    other.getState().chooseLab(4);
    other.getState().openLayoutText(text);
    await expect.poll(() => other.getState().target).toEqual({ kind: "sample", name: "bm-standard2-52" });
    expect(other.getState().host?.nodes).toHaveLength(2);
    expect(generateArgs(other.getState().layout).join(" ")).toBe(line(store));
  });
});

describe("the predicted preallocation time", () => {
  const seed = (name: string) => readFileSync(join(import.meta.dirname, "../../shared/qemu/fixtures", name), "utf8");

  it("is shown for the seed's two lines on the seed host as the CLI prints it: 25.5 s and 10.6 s from the published figures", async () => {
    const store = createAppStore(backend.api);
    await store.getState().chooseSample("bm-standard2-52");
    await store.getState().loadModel();
    expect(predictionOf(store.getState())).toBeUndefined(); // nothing preallocated yet
    expect(store.getState().importCommandLine(seed("seed-baseline.sh"))).toEqual({ ok: true });
    expect(predictionOf(store.getState())).toMatch(/^predicted 25\.5 s; .*published/);
    expect(store.getState().importCommandLine(seed("seed-fast.sh"))).toEqual({ ok: true });
    expect(predictionOf(store.getState())).toMatch(/^predicted 10\.6 s; /);
  });

  it("on this host uses its calibration or says to run numadesk calibrate, with this kernel", async () => {
    const store = createAppStore(backend.api);
    await store.getState().chooseHost();
    await store.getState().loadModel();
    const model = store.getState().model!;
    expect(model.kernelRelease).toMatch(/^\d+\.\d+/);
    expect(model.params.source).toMatch(/calibrat/);
  });
});
