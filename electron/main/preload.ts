// The only bridge between the page and the main process: `window.numadesk.call(method,
// payload)` for the API methods and `onRunEvent` for run events. Nothing of Node reaches the
// page. Bundled to CommonJS for Electron's sandboxed preload.

import { contextBridge, ipcRenderer } from "electron";
import { METHOD_NAMES, RUN_EVENT_CHANNEL, channelOf } from "../../shared/api/methods";

const allowed = new Set<string>(METHOD_NAMES);

contextBridge.exposeInMainWorld("numadesk", {
  call(method: string, payload: unknown) {
    if (typeof method !== "string" || !allowed.has(method)) {
      return Promise.resolve({ ok: false, error: { code: "bad-request", message: `there is no method '${String(method).slice(0, 60)}'` } });
    }
    return ipcRenderer.invoke(channelOf(method), payload);
  },
  onRunEvent(cb: (e: unknown) => void) {
    const listener = (_e: unknown, event: unknown) => cb(event);
    ipcRenderer.on(RUN_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(RUN_EVENT_CHANNEL, listener);
    };
  },
});
