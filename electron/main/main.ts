// The Electron main process: one window over the renderer, the backend served to it through
// IPC. Runs QEMU only through the backend, and stops every run before quitting.

import { app, BrowserWindow } from "electron";
import { join } from "node:path";
import { createBackend } from "../backend/backend";
import { createAppWindow } from "./app-window";
import { registerIpc } from "./ipc";

// dist/electron/main.cjs → dist/renderer, dist/electron/preload.cjs
const rendererDir = join(__dirname, "../renderer");
const preload = join(__dirname, "preload.cjs");

app.enableSandbox();
const backend = createBackend();

async function start() {
  await app.whenReady();
  const { win, indexUrl } = createAppWindow(rendererDir, preload);
  const unregister = registerIpc(backend, win, indexUrl);
  win.on("closed", unregister);
}

app.on("window-all-closed", () => app.quit());
let quitting = false;
app.on("before-quit", (e) => {
  if (quitting) return;
  e.preventDefault();
  quitting = true;
  void backend.close().finally(() => app.quit());
});
app.on("activate", () => {
  if (BrowserWindow.getAllWindows().length === 0) void start();
});
// a second instance would run a second set of QEMU runs against the same memory
if (!app.requestSingleInstanceLock()) app.quit();
else void start();
