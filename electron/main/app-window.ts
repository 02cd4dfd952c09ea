// The main window: hardened web preferences, its page from app:// with a CSP header, no
// navigation away from it, no new windows, and a question before closing with unsaved changes.

import { BrowserWindow, dialog, protocol, session, shell } from "electron";
import { WEB_PREFERENCES, isTrustedUrl } from "./web-preferences";
import { APP_INDEX_URL, APP_SCHEME, appResponse } from "./app-protocol";
import { permissionAllowed } from "./permissions";

export function createAppWindow(rendererDir: string, preload: string, icon?: string): { win: BrowserWindow; indexUrl: string } {
  const indexUrl = APP_INDEX_URL;
  // the page and its assets, with the CSP as a header (app-protocol.ts)
  protocol.handle(APP_SCHEME, (request) => appResponse(request.url, rendererDir));
  // the clipboard for Copy, nothing else (permissions.ts)
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permissionAllowed({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, indexUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission, _origin, details) =>
    permissionAllowed({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, indexUrl),
  );

  const win = new BrowserWindow({
    width: 1440,
    height: 960,
    minWidth: 900,
    minHeight: 600,
    title: "Numadesk",
    ...(icon ? { icon } : {}),
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload },
  });
  win.once("ready-to-show", () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // links to documentation open in the user's browser, never in the app
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: "deny" };
  });
  win.webContents.on("will-navigate", (e, url) => {
    if (!isTrustedUrl(url, indexUrl)) e.preventDefault();
  });
  win.webContents.on("will-attach-webview", (e) => e.preventDefault());
  win.webContents.on("will-prevent-unload", (e) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: "question",
      buttons: ["Close without saving", "Keep working"],
      defaultId: 1,
      cancelId: 1,
      message: "The layout has unsaved changes.",
      detail: "A recovery copy is kept and offered the next time Numadesk starts.",
    });
    if (choice === 0) e.preventDefault(); // let the window close
  });
  void win.loadURL(indexUrl);
  return { win, indexUrl };
}
