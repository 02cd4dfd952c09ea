// A layout handed to the running app (a file given to a second launch of the desktop app,
// electron/main/main.ts) reaches the store as an event from the real backend and opens there.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../electron/backend/backend";
import { createAppStore, isDirty } from "./store";

const runs = mkdtempSync(join(tmpdir(), "numadesk-handed-"));
const backend = createBackend({ runsDir: runs });
afterAll(async () => {
  await backend.close();
  rmSync(runs, { recursive: true, force: true });
});

describe("a layout handed to the running app", () => {
  it("opens in the store, as saved; the layout it replaces is one undo away", async () => {
    const store = createAppStore(backend.api);
    backend.events.on("run", (e) => store.getState().onRunEvent(e));
    await store.getState().chooseSample("bm-standard2-52");
    store.getState().plan({ mem: "64G", vcpus: 8, threads: 4 });
    const mine = store.getState().layout;
    expect(isDirty(store.getState())).toBe(true);
    backend.handOut('{"version":1,"title":"handed out","nodes":[],"distances":[],"threadContexts":[],"backends":[],"args":[]}');
    expect(store.getState().layout.title).toBe("handed out");
    expect(isDirty(store.getState())).toBe(false);
    store.getState().undo();
    expect(store.getState().layout).toBe(mine);
  });

  it("a page that starts later gets it from initialLayout", async () => {
    backend.handOut('{"version":1,"title":"for a page not started yet","nodes":[],"distances":[],"threadContexts":[],"backends":[],"args":[]}');
    expect((await backend.api.initialLayout({})).text).toMatch(/for a page not started yet/);
  });
});
