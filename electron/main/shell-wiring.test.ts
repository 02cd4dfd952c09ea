// The Electron shell's wiring, executed. No Electron binary can be downloaded where this is
// developed, so `electron` is replaced here by a stand-in of the API surface the shell uses
// (app, BrowserWindow, Menu, session, dialog, shell, ipcMain) that records what the shell does
// and lets the test fire the events Electron would. This is the only evidence these handlers
// run as written; the real window has not been run (see README).

import { beforeAll, describe, expect, it, vi } from "vitest";
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";

type Handler = (...args: never[]) => unknown;

class StandInWebContents extends EventEmitter {
  url = "";
  mainFrame = { url: "" };
  openHandler: Handler | undefined;
  setWindowOpenHandler(h: Handler) {
    this.openHandler = h;
  }
  /** what the main process pushed to the page, by channel */
  sent: Array<{ channel: string; event: unknown }> = [];
  send(channel: string, event: unknown) {
    this.sent.push({ channel, event });
  }
}

class StandInWindow extends EventEmitter {
  static all: StandInWindow[] = [];
  static getAllWindows() {
    return StandInWindow.all;
  }
  webContents = new StandInWebContents();
  minimized = true;
  closeCalls = 0;
  focused = false;
  restored = false;
  constructor(readonly options: unknown) {
    super();
    StandInWindow.all.push(this);
  }
  loadURL(url: string) {
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show() {}
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.restored = true;
  }
  focus() {
    this.focused = true;
  }
  /** The page decides: the test sets whether the unsaved-work question keeps it open. */
  keepOpen = false;
  close() {
    this.closeCalls++;
    if (this.keepOpen) return;
    StandInWindow.all = StandInWindow.all.filter((w) => w !== this);
    this.emit("closed");
    if (StandInWindow.all.length === 0) app.emit("window-all-closed");
  }
}

const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  quitCalls: 0,
  enableSandbox() {},
  getAppPath: () => new URL("../..", import.meta.url).pathname,
  whenReady: () => Promise.resolve(),
  requestSingleInstanceLock: () => true,
  quit() {
    app.quitCalls++;
    const e = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    app.emit("before-quit", e);
    if (!e.prevented) app.emit("quit");
  },
});

const session = {
  requestHandler: undefined as Handler | undefined,
  checkHandler: undefined as Handler | undefined,
  defaultSession: {
    webRequest: { onHeadersReceived() {} },
    setPermissionRequestHandler(h: Handler) {
      session.requestHandler = h;
    },
    setPermissionCheckHandler(h: Handler) {
      session.checkHandler = h;
    },
  },
};
let menuTemplate: Array<{ label?: string; submenu?: Array<{ role?: string }> }> = [];
type Privileged = Array<{ scheme: string; privileges: Record<string, boolean> }>;
const protocol = {
  privileged: [] as Privileged,
  handlers: new Map<string, (req: { url: string }) => Promise<Response>>(),
  registerSchemesAsPrivileged(s: Privileged) {
    protocol.privileged.push(...s);
  },
  handle(scheme: string, h: (req: { url: string }) => Promise<Response>) {
    protocol.handlers.set(scheme, h);
  },
};

const ipcMain = {
  handlers: new Map<string, (e: unknown, payload: unknown) => Promise<unknown>>(),
  handle(channel: string, h: (e: unknown, payload: unknown) => Promise<unknown>) {
    ipcMain.handlers.set(channel, h);
  },
  removeHandler(channel: string) {
    ipcMain.handlers.delete(channel);
  },
};

vi.mock("electron", () => ({
  app,
  BrowserWindow: StandInWindow,
  protocol,
  Menu: { buildFromTemplate: (t: typeof menuTemplate) => ((menuTemplate = t), t), setApplicationMenu() {} },
  session: session,
  dialog: { showMessageBoxSync: () => 1, showErrorBox: (_t: string, m: string) => errorBoxes.push(m) },
  shell: { openExternal: () => Promise.resolve() },
  ipcMain,
}));

let win: StandInWindow;
const errorBoxes: string[] = [];

beforeAll(async () => {
  await import("./main");
  for (let i = 0; i < 20 && StandInWindow.all.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  win = StandInWindow.all[0]!;
});

describe("the Electron shell, run against a stand-in of the electron module", () => {
  it("opens one hardened window on the built page, served from app:// with the CSP as a header", async () => {
    expect(StandInWindow.all).toHaveLength(1);
    expect(win.webContents.url).toBe("app://numadesk/index.html");
    expect(protocol.privileged).toEqual([{ scheme: "app", privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const serve = protocol.handlers.get("app")!;
    const page = await serve({ url: "app://numadesk/index.html" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(await page.text()).toMatch(/<div id="root">|<script/);
    for (const bad of ["app://numadesk/../../package.json", "app://numadesk/%2e%2e/%2e%2e/package.json", "app://evil/index.html", "app://numadesk/assets/nothing.js"]) {
      expect((await serve({ url: bad })).status, bad).toBeGreaterThanOrEqual(400);
    }
    expect(win.options).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false } });
    expect(existsSync((win.options as { icon: string }).icon)).toBe(true);
    const favicon = await protocol.handlers.get("app")!({ url: "app://numadesk/icon.svg" });
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("content-type")).toBe("image/svg+xml");
  });

  it("grants the clipboard write that Copy needs to its own page only, and nothing else", () => {
    const ask = (permission: string, requestingUrl: string, isMainFrame = true) =>
      new Promise<boolean>((resolve) => session.requestHandler!(win.webContents as never, permission as never, resolve as never, { requestingUrl, isMainFrame } as never));
    return Promise.all([
      ask("clipboard-sanitized-write", win.webContents.url),
      ask("clipboard-read", win.webContents.url),
      ask("media", win.webContents.url),
      ask("clipboard-sanitized-write", "https://evil.example/"),
      ask("clipboard-sanitized-write", win.webContents.url, false),
    ]).then((answers) => {
      expect(answers).toEqual([true, false, false, false, false]);
      expect(session.checkHandler!(null as never, "clipboard-sanitized-write" as never, "file:///" as never, { requestingUrl: win.webContents.url, isMainFrame: true } as never)).toBe(true);
      expect(session.checkHandler!(null as never, "notifications" as never, "file:///" as never, { requestingUrl: win.webContents.url, isMainFrame: true } as never)).toBe(false);
    });
  });

  it("refuses navigation away from its page and new windows", () => {
    let prevented = false;
    win.webContents.emit("will-navigate", { preventDefault: () => (prevented = true) }, "https://evil.example/");
    expect(prevented).toBe(true);
    expect(win.webContents.openHandler!({ url: "https://example.org/" } as never)).toEqual({ action: "deny" });
  });

  it("a packaged app's menu has no Reload", () => {
    const roles = menuTemplate.flatMap((m) => m.submenu ?? []).map((i) => i.role);
    expect(roles).not.toContain("reload");
    expect(roles).toContain("copy");
  });

  it("a second launch brings the window forward", () => {
    app.emit("second-instance", {}, ["numadesk"], "/");
    expect(win.restored).toBe(true);
    expect(win.focused).toBe(true);
  });

  it("a file given to a second launch opens in the first window: relative to the second launch's folder, read bounded, a FIFO an error box", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { execFileSync } = await import("node:child_process");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "numadesk-second-"));
    const pushed = () => win.webContents.sent.filter((s) => s.channel === "numadesk:run-event" && (s.event as { type: string }).type === "open-layout").map((s) => s.event);
    try {
      writeFileSync(join(dir, "second.numadesk.json"), '{"version":1,"title":"from the second launch","nodes":[],"distances":[],"threadContexts":[],"backends":[],"args":[]}');
      win.restored = win.focused = false;
      // the second process's own argv, with a switch Chromium may add; the file named relative to where it started
      app.emit("second-instance", {}, ["/opt/Numadesk/numadesk", "--enable-features=Foo", "second.numadesk.json"], dir);
      expect(pushed()).toEqual([{ type: "open-layout", text: expect.stringMatching(/"title":"from the second launch"/) }]);
      expect(win.focused).toBe(true);
      // a page that has not started yet gets it when it asks for the layout to open (through the IPC handler)
      const asked = (await ipcMain.handlers.get("numadesk:initialLayout")!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, {})) as { ok: boolean; result?: { text?: string } };
      expect(asked.result?.text).toMatch(/"title":"from the second launch"/);
      execFileSync("mkfifo", [join(dir, "fifo.numadesk.json")]);
      const boxes = errorBoxes.length;
      app.emit("second-instance", {}, ["/opt/Numadesk/numadesk", join(dir, "fifo.numadesk.json")], "/");
      expect(errorBoxes.slice(boxes)).toEqual([expect.stringMatching(/is a FIFO/)]);
      expect(pushed()).toHaveLength(1);
      app.emit("second-instance", {}, ["/opt/Numadesk/numadesk"], dir);
      expect(pushed()).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("quitting asks the window first: 'Keep working' keeps the app (and its runs); closing then quits", async () => {
    win.keepOpen = true;
    app.quit();
    expect(win.closeCalls).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    const quitsBefore = app.quitCalls;
    expect(StandInWindow.all).toHaveLength(1); // still open: nothing was cancelled, nothing quit
    win.keepOpen = false;
    let quit = false;
    app.once("quit", () => (quit = true));
    app.quit();
    // the window closed, every run was stopped (backend.close), then the app quit
    for (let i = 0; i < 100 && !quit; i++) await new Promise((r) => setTimeout(r, 20));
    expect(quit).toBe(true);
    expect(app.quitCalls).toBeGreaterThan(quitsBefore + 1);
  });

  it("opens a layout file named on the command line (a double-click), read bounded; a FIFO is an error box", async () => {
    const { openedFile } = await import("./main");
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { execFileSync } = await import("node:child_process");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "numadesk-open-"));
    try {
      const file = join(dir, "handout.numadesk.json");
      writeFileSync(file, '{"version":1,"nodes":[],"distances":[],"threadContexts":[],"backends":[],"args":[]}');
      expect(openedFile(["--no-sandbox", file]).initialLayout).toMatch(/"version":1/);
      expect(openedFile(["--no-sandbox"])).toEqual({});
      const fifo = join(dir, "fifo.numadesk.json");
      execFileSync("mkfifo", [fifo]);
      expect(openedFile([fifo])).toEqual({});
      expect(errorBoxes.at(-1)).toMatch(/is a FIFO/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
