// One ipcMain handler per API method, from the same table the HTTP server uses. Every call is
// checked: it must come from our window's main frame showing our page.

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from "electron";
import { METHOD_NAMES, RUN_EVENT_CHANNEL, channelOf } from "../../shared/api/methods";
import type { Backend } from "../backend/backend";
import { dispatch } from "../backend/dispatch";
import { isTrustedUrl } from "./web-preferences";

export function registerIpc(backend: Backend, win: BrowserWindow, rendererIndexUrl: string): () => void {
  const trusted = (e: IpcMainInvokeEvent) => e.sender === win.webContents && e.senderFrame !== null && e.senderFrame === win.webContents.mainFrame && isTrustedUrl(e.senderFrame.url, rendererIndexUrl);
  for (const method of METHOD_NAMES) {
    ipcMain.handle(channelOf(method), async (e, payload: unknown) => {
      if (!trusted(e)) return { ok: false, error: { code: "refused", message: "this page may not call Numadesk" } };
      return dispatch(backend, method, payload);
    });
  }
  const forward = (event: unknown) => {
    if (!win.isDestroyed()) win.webContents.send(RUN_EVENT_CHANNEL, event);
  };
  backend.events.on("run", forward);
  return () => {
    backend.events.off("run", forward);
    for (const method of METHOD_NAMES) ipcMain.removeHandler(channelOf(method));
  };
}
