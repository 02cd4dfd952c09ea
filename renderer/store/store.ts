// The app's state: the target host, the layout being designed (with undo/redo), the run
// going on and the run history. Every change goes through an action; the domain in shared/
// does the work, components only read state (through selectors.ts) and call actions.
// The store is made of slices, one file each: target, design, run and ui.

import { createStore } from "zustand/vanilla";
import type { Api } from "../../shared/api/contract";
import type { Layout } from "../../shared/layout/schema";
import type { AppActions, AppState } from "./types";
import { UNDO_LIMIT, type Full, type SliceDeps } from "./slice";
import { targetSlice } from "./target-slice";
import { designSlice, freshLayout } from "./design-slice";
import { runSlice } from "./run-slice";
import { uiSlice } from "./ui-slice";
import { pinSlice } from "./pin-slice";
import { guestNodeSlice } from "./guest-node-slice";
import { followShown } from "./shown";

export type { AppActions, AppState, RunState, TargetKind } from "./types";
export { diagnosticsOf, isDirty, machineOf, memoryUseOf, predictionOf } from "./selectors";

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore(api: Api) {
  const initial = freshLayout();
  const store = createStore<AppState & AppActions>()((set, get) => {
    const commit = (layout: Layout) => {
      const { layout: before, past } = get();
      if (layout === before) return;
      set({ layout, past: [...past, before].slice(-UNDO_LIMIT), future: [] });
    };
    const deps: SliceDeps = { api, set, get, commit };
    const all: Full = {
      ...targetSlice(deps),
      ...designSlice(deps, initial),
      ...runSlice(deps),
      ...uiSlice(deps),
      ...pinSlice(deps),
      ...guestNodeSlice(deps),
      shown: { layout: initial },
      async init() {
        const [samples, qemu] = await Promise.all([api.listSamples({}).catch(() => []), api.qemuInfo({}).catch(() => ({ available: false, error: "unknown" }))]);
        set({ samples, qemu });
        await get().chooseHost();
        await get().refreshHistory();
        void api.runModes({}).then(
          (m) => set({ exactMode: m.exact }),
          () => undefined,
        );
        // numadesk serve FILE: open the handed-out layout (on its own target)
        const handed = await api.initialLayout({}).catch(() => ({ text: undefined }));
        if (handed.text !== undefined) get().openLayoutText(handed.text);
      },
    };
    return all;
  });
  followShown(store);
  return store;
}
