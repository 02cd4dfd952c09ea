// The real thing for end-to-end tests: the backend over HTTP (browser mode) serving the
// built renderer, and Debian's Chromium driven by playwright-core (no browser download).

import { chromium, type Browser, type Page } from "playwright-core";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend, type Backend } from "../electron/backend/backend";
import { serve, type RunningServer } from "../electron/server/server";

export const ROOT = join(import.meta.dirname, "..");
export const SHOTS = join(ROOT, "test-results");

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface Harness {
  backend: Backend;
  server: RunningServer;
  browser: Browser;
  page: Page;
  runs: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const staticDir = join(ROOT, "dist/renderer");
  if (!existsSync(join(staticDir, "index.html"))) throw new Error("dist/renderer is not built: run npm run build first (npm test does)");
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (npm test's setup does)`);
  mkdirSync(SHOTS, { recursive: true });
  const runs = mkdtempSync(join(tmpdir(), "numadesk-e2e-runs-"));
  const backend = createBackend({ runsDir: runs });
  const server = await serve({ backend, staticDir });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  return {
    backend,
    server,
    browser,
    page,
    runs,
    async close() {
      await browser.close();
      await backend.close();
      await server.close();
      rmSync(runs, { recursive: true, force: true });
      if (errors.length) throw new Error(`the page threw: ${errors.join("; ")}`);
    },
  };
}
