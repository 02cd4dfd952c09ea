// store.shown: what the panels beside the canvas show. On the seed host (104 PUs) it is the
// layout itself after every edit; on a 1024-PU host it catches up after the edit's frame (in
// Node, where there are no frames, a task later), never skipping the last edit.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../electron/backend/backend";
import { createAppStore } from "./store";
import { isBehind } from "./shown";
import { bigHost } from "../../bench/ui-hosts";

const runs = mkdtempSync(join(tmpdir(), "numadesk-shown-"));
const backend = createBackend({ runsDir: runs });
afterAll(async () => {
  await backend.close();
  rmSync(runs, { recursive: true, force: true });
});

const task = () => new Promise((r) => setTimeout(r, 5));

describe("store.shown", () => {
  it("on the seed host it is the layout after every edit, in the same update", async () => {
    const store = createAppStore(backend.api);
    await store.getState().chooseSample("bm-standard2-52");
    store.getState().plan({ mem: "256G", vcpus: 104, threads: 16 });
    expect(store.getState().shown.layout).toBe(store.getState().layout);
    store.getState().bind("ram-node0", 1);
    expect(store.getState().shown.layout).toBe(store.getState().layout);
    expect(store.getState().shown.host).toBe(store.getState().host);
    expect(isBehind(store.getState())).toBe(false);
  });

  it("on a 1024-PU host it follows after the frame, and lands on the last of several quick edits", async () => {
    const store = createAppStore(backend.api);
    const host = bigHost(8, 128);
    store.setState({ host, target: { kind: "sample", name: host.name } });
    await task();
    expect(store.getState().shown.host).toBe(host);
    store.getState().plan({ mem: "64G", vcpus: 64, threads: 64 });
    const planned = store.getState().layout;
    expect(store.getState().shown.layout).not.toBe(planned);
    expect(isBehind(store.getState())).toBe(true);
    await task();
    expect(store.getState().shown.layout).toBe(planned);
    store.getState().bind("ram-node0", 1);
    store.getState().bind("ram-node0", 2);
    expect(store.getState().shown.layout).toBe(planned);
    await task();
    expect(store.getState().shown.layout).toBe(store.getState().layout);
    expect(store.getState().shown.layout.backends.find((b) => b.id === "ram-node0")?.hostNodes).toBe("2");
    expect(isBehind(store.getState())).toBe(false);
  });
});
