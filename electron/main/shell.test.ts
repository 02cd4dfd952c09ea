// The Electron shell's settings, checked from code (no Electron binary needed): the window's
// web preferences, the CSP, which pages may call the API, and what the preload may load.

import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONTENT_SECURITY_POLICY, WEB_PREFERENCES, isTrustedUrl } from "./web-preferences";

const root = join(import.meta.dirname, "../..");

describe("the Electron shell", () => {
  it("isolates the page: context isolation, sandbox, no Node, no webview", () => {
    expect(WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it("has a strict CSP: only its own scripts, no framing, no objects", () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/frame-ancestors 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
    // the meta tag says what the header says, less frame-ancestors (a meta tag cannot carry it)
    const html = readFileSync(join(root, "renderer/index.html"), "utf8");
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
    const header = CONTENT_SECURITY_POLICY.split("; ").filter((d) => !d.startsWith("frame-ancestors"));
    expect(meta?.split("; ").sort()).toEqual(header.sort());
  });

  it("lets only its own page call the API", () => {
    const index = "app://numadesk/index.html";
    expect(isTrustedUrl(index, index)).toBe(true);
    expect(isTrustedUrl(index + "#x", index)).toBe(true);
    expect(isTrustedUrl("https://evil.example/", index)).toBe(false);
    expect(isTrustedUrl("file:///tmp/evil.html", index)).toBe(false);
    expect(isTrustedUrl("app://other/index.html", index)).toBe(false);
    expect(isTrustedUrl("app://numadesk/other.html", index)).toBe(false);
    expect(isTrustedUrl(undefined, index)).toBe(false);
  });

  it("the built preload loads nothing but electron (a sandboxed preload can load nothing else)", () => {
    const preload = join(root, "dist/electron/preload.cjs");
    expect(existsSync(preload), "npm run build makes dist/electron").toBe(true);
    const requires = [...readFileSync(preload, "utf8").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect([...new Set(requires)]).toEqual(["electron"]);
  });

  it("the main bundle loads electron and Node's own modules only", () => {
    const main = readFileSync(join(root, "dist/electron/main.cjs"), "utf8");
    const requires = new Set([...main.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!));
    for (const r of requires)
      expect(
        r === "electron" ||
          r.startsWith("node:") ||
          ["fs", "path", "os", "child_process", "crypto", "events", "net", "http", "url", "util", "perf_hooks", "fs/promises", "module", "stream"].includes(r),
        r,
      ).toBe(true);
  });
});
