// The Electron main process: one window over the renderer, the backend served to it through
// IPC. Runs QEMU only through the backend, and stops every run before quitting.

import { app, BrowserWindow, dialog, Menu, protocol } from "electron";
import { join, resolve } from "node:path";
import { createBackend, type FileDialogs, type FileKind } from "../backend/backend";
import { createAppWindow } from "./app-window";
import { registerIpc } from "./ipc";
import { appMenuTemplate } from "./app-menu";
import { setAppRoot } from "../files/resources";
import { APP_SCHEME } from "./app-protocol";
import { readBoundedText } from "../files/read-bounded";
import { MAX_LAYOUT_TEXT } from "../../shared/layout/load";

// the app's files (the built page, assets, the lab's sources) are found from here, inside
// app.asar when packaged (Electron reads the archive; programs get unpacked copies)
setAppRoot(app.getAppPath());
const rendererDir = join(app.getAppPath(), "dist", "renderer");
// beside this bundle: dist/electron/main.cjs → dist/electron/preload.cjs
const preload = join(__dirname, "preload.cjs");
app.enableSandbox();
// `numadesk-app FILE`, or a double-click on a *.numadesk.json: the app opens with that layout
const backend = createBackend({ ...openedFile(process.argv.slice(app.isPackaged ? 1 : 2)), dialogs: nativeDialogs() });
// before the app is ready: app:// behaves like https (origin, fetch, secure context)
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
let mainWindow: BrowserWindow | undefined;

/** Save and open through the desktop's own dialogs; the backend writes atomically with a .bak. */
function nativeDialogs(): FileDialogs {
  const filtersOf = (kind: FileKind = "layout") =>
    kind === "report"
      ? [{ name: "HTML report", extensions: ["html"] }]
      : kind === "recording"
        ? [{ name: "Numadesk recording", extensions: ["json"] }]
        : [{ name: "Numadesk layout", extensions: ["json"] }];
  return {
    async saveAs(suggestedName, kind) {
      const options = { defaultPath: suggestedName, filters: filtersOf(kind) };
      const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? undefined : r.filePath;
    },
    async open(kind) {
      const options = { filters: filtersOf(kind), properties: ["openFile" as const] };
      const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return r.canceled ? undefined : r.filePaths[0];
    },
  };
}

/**
 * The layout file named on a command line (this launch's, or a second launch's with the folder
 * it was started in), read bounded; a bad one is said in an error box.
 */
export function openedFile(args: string[], cwd = process.cwd()): { initialLayout?: string } {
  const file = args.find((a) => !a.startsWith("-") && a.endsWith(".json"));
  if (!file) return {};
  try {
    return { initialLayout: readBoundedText(resolve(cwd, file), MAX_LAYOUT_TEXT, { what: "layout file" }) };
  } catch (e) {
    dialog.showErrorBox("Numadesk", (e as Error).message);
    return {};
  }
}

async function start() {
  await app.whenReady();
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ packaged: app.isPackaged, quit: () => app.quit() })));
  const { win, indexUrl } = createAppWindow(rendererDir, preload, join(app.getAppPath(), "assets", "icons", "512x512.png"));
  mainWindow = win;
  const unregister = registerIpc(backend, win, indexUrl);
  win.on("closed", () => {
    unregister();
    mainWindow = undefined;
  });
}

// Quitting asks the window first (unsaved work: "Keep working" must keep the runs too), and
// only when every window has really closed are the runs cancelled and the app ended.
let closingRuns = false;
app.on("before-quit", (e) => {
  if (closingRuns) return;
  const open = BrowserWindow.getAllWindows();
  if (open.length === 0) return startClosingRuns(e);
  e.preventDefault();
  for (const w of open) w.close(); // each may be kept open by the unsaved-work question
});
app.on("window-all-closed", () => startClosingRuns());
function startClosingRuns(e?: { preventDefault(): void }) {
  if (closingRuns) return;
  e?.preventDefault();
  closingRuns = true;
  void backend.close().finally(() => app.quit());
}
app.on("activate", () => {
  if (BrowserWindow.getAllWindows().length === 0) void start();
});
// One instance: a second one would run a second set of QEMU runs against the same memory. A
// second launch brings this window forward instead, and a file it names opens here (its argv
// is the second process's whole command line, relative paths from the folder it started in).
if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on("second-instance", (_e, argv: string[], workingDirectory: string) => {
    const { initialLayout } = openedFile(argv.slice(app.isPackaged ? 1 : 2), workingDirectory);
    if (initialLayout !== undefined) backend.handOut(initialLayout);
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  void start();
}
