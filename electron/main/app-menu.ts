// The app's own menu. No Reload in a packaged app: reloading the page throws away the layout
// being edited (the recovery copy survives, but a reload is never what a user meant by Ctrl-R
// in a design tool). Developers running from source keep Reload and the developer tools.

import type { MenuItemConstructorOptions } from "electron";

export function appMenuTemplate(opts: { packaged: boolean; quit: () => void }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [{ role: "resetZoom" }, { role: "zoomIn" }, { role: "zoomOut" }, { type: "separator" }, { role: "togglefullscreen" }];
  if (!opts.packaged) view.push({ type: "separator" }, { role: "reload" }, { role: "toggleDevTools" });
  return [
    { label: "&File", submenu: [{ label: "Quit", accelerator: "CmdOrCtrl+Q", click: opts.quit }] },
    {
      label: "&Edit",
      submenu: [{ role: "undo" }, { role: "redo" }, { type: "separator" }, { role: "cut" }, { role: "copy" }, { role: "paste" }, { role: "selectAll" }],
    },
    { label: "&View", submenu: view },
    { label: "&Help", submenu: [{ role: "about" }] },
  ];
}
