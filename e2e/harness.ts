// The real thing for end-to-end tests: the backend over HTTP (browser mode) serving the
// built renderer, and Debian's Chromium driven by playwright-core (no browser download).

import { chromium, _electron, type Browser, type ElectronApplication, type Locator, type Page } from "playwright-core";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend, type Backend } from "../electron/backend/backend";
import { serve, type RunningServer } from "../electron/server/server";

export const ROOT = join(import.meta.dirname, "..");
export const SHOTS = join(ROOT, "test-results");

/** A layout worth looking at on each bundled sample (every node used, memory bound, threads placed), as the picture tests and `npm run screenshots` plan it; the EPYC sample is the biggest: 8 nodes, 96 PUs. */
export const SAMPLE_PLANS = [
  ["epyc-7451-8node", { mem: "128G", vcpus: 48, threads: 16 }],
  ["bm-standard2-52", { mem: "256G", vcpus: 104, threads: 16 }],
  ["cxl-4node", { mem: "96G", vcpus: 16, threads: 8 }],
  ["hp-dl585-4socket", { mem: "32G", vcpus: 8, threads: 8 }],
  ["xeon-2node-gpu-nic", { mem: "16G", vcpus: 16, threads: 8 }],
] as const;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The Electron binary, when this machine has one (ELECTRON_PATH, or the installed package's). */
export function electronBinary(): string | undefined {
  if (process.env.ELECTRON_PATH && existsSync(process.env.ELECTRON_PATH)) return process.env.ELECTRON_PATH;
  try {
    const p = createRequire(join(ROOT, "package.json"))("electron") as unknown;
    return typeof p === "string" && existsSync(p) ? p : undefined;
  } catch {
    return undefined; // the package is installed without its binary
  }
}

/** Which app the specs drive: the Electron window where it can run, else the browser mode. */
export function e2eTarget(): "electron" | "browser" {
  const forced = process.env.NUMADESK_E2E_TARGET;
  if (forced === "electron" || forced === "browser") return forced;
  return electronBinary() && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) ? "electron" : "browser";
}

export interface Harness {
  target: "electron" | "browser";
  backend?: Backend;
  server?: RunningServer;
  browser?: Browser;
  electron?: ElectronApplication;
  page: Page;
  runs: string;
  close(): Promise<void>;
}

async function startElectron(): Promise<Harness> {
  const executablePath = electronBinary();
  if (!executablePath) throw new Error("NUMADESK_E2E_TARGET=electron, but there is no Electron binary (set ELECTRON_PATH)");
  if (!existsSync(join(ROOT, "dist/electron/main.cjs"))) throw new Error("dist/electron is not built: run npm run build first");
  const runs = mkdtempSync(join(tmpdir(), "numadesk-e2e-runs-"));
  const electron = await _electron.launch({ executablePath, args: [ROOT], env: { ...process.env, NUMADESK_DATA_DIR: runs } as Record<string, string> });
  const page = await electron.firstWindow();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return {
    target: "electron",
    electron,
    page,
    runs,
    async close() {
      await electron.close();
      rmSync(runs, { recursive: true, force: true });
      if (errors.length) throw new Error(`the page threw: ${errors.join("; ")}`);
    },
  };
}

export interface HarnessOptions {
  /** a renderer build to serve instead of dist/renderer (the UI bench serves an older build beside this one) */
  staticDir?: string;
  /** more Chromium switches (the UI bench turns off the 60 Hz frame limit, so a frame's time is its work) */
  chromiumArgs?: string[];
  /** browser mode even where Electron could run (the bench compares two renderer builds in one browser) */
  browser?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!options.browser && e2eTarget() === "electron") return startElectron();
  const staticDir = options.staticDir ?? join(ROOT, "dist/renderer");
  if (!existsSync(join(staticDir, "index.html"))) throw new Error("dist/renderer is not built: run npm run build first (npm test does)");
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (npm test's setup does)`);
  mkdirSync(SHOTS, { recursive: true });
  const runs = mkdtempSync(join(tmpdir(), "numadesk-e2e-runs-"));
  const backend = createBackend({ runsDir: runs });
  const server = await serve({ backend, staticDir });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...(options.chromiumArgs ?? []),
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  return {
    target: "browser",
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

/** Choose a target in the bar and wait for its canvas ("sample:NAME", "host", "lab:2"). */
export async function chooseTarget(page: Page, value: string, ready: string) {
  await page.selectOption('select[aria-label="target host"]', value);
  await page.locator(ready).waitFor();
}

/** "Plan for me" through the bar's own fields, as a person would. */
export async function planInBar(page: Page, req: { mem: string; vcpus: number; threads: number }) {
  await page.fill('input[aria-label="guest memory"]', req.mem);
  await page.fill('input[aria-label="vCPUs"]', String(req.vcpus));
  await page.fill('input[aria-label="preallocation threads"]', String(req.threads));
  await page.click("text=plan for me");
}

/** The app on the seed host (bm-standard2-52) with "plan for me" run through the bar: the start several e2e files share. A failed start closes what it opened. */
export async function startPlannedSeed(req: { mem: string; vcpus: number; threads: number }): Promise<Harness> {
  const h = await startHarness();
  try {
    await h.page.locator("svg.host-svg").waitFor();
    await chooseTarget(h.page, "sample:bm-standard2-52", '[data-node="1"]');
    await planInBar(h.page, req);
    return h;
  } catch (e) {
    await h.close();
    throw e;
  }
}

/** What a trainer would not want to project: how far the page scrolls sideways, and chips drawn outside their card. */
export function pictureProblems(page: Page): Promise<{ overflow: number; chipsOutside: string[] }> {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const chipsOutside: string[] = [];
    for (const card of Array.from(document.querySelectorAll(".node-card")) as SVGGElement[]) {
      const box = card.querySelector(".card-bg")!.getBoundingClientRect();
      for (const chip of Array.from(card.querySelectorAll(".chip-svg")) as SVGGElement[]) {
        const r = chip.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) chipsOutside.push(`${chip.dataset.chip} in node ${card.dataset.node}`);
      }
    }
    return { overflow: doc.scrollWidth - doc.clientWidth, chipsOutside };
  });
}

/** The middle of an element, scrolled into view first (where a hand would press it). */
export async function centre(l: Locator): Promise<{ x: number; y: number }> {
  await l.scrollIntoViewIfNeeded();
  const b = await l.boundingBox();
  if (!b) throw new Error(`not on screen: ${l}`);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Press, move in steps (past the click slop), release: a drag as a hand makes it. */
export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 10) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 8, from.y + 8, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
}

/** The screenshot's RGB at each point (CSS px in the window, rounded), read in the page from the PNG Chromium made. */
export async function screenshotPixels(page: Page, points: ReadonlyArray<{ x: number; y: number }>): Promise<number[][]> {
  const png = (await page.screenshot()).toString("base64");
  return page.evaluate(
    async ({ png, points }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      return points.map((p) => Array.from(ctx.getImageData(Math.round(p.x), Math.round(p.y), 1, 1).data.slice(0, 3)));
    },
    { png, points },
  );
}

/** WCAG's relative luminance of an sRGB colour (0-255 channels). */
export function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG's contrast ratio of two sRGB colours. */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
