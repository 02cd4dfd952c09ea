// The run panel as a trainer projects it: two real runs on this host (the real QEMU, 512 MiB,
// preallocated), the live plot's labels readable from the back of a room (13 px, in the text
// colour, measured on the canvas's pixels: they were 11 px grey), and at 1280×800 the comparison
// uses the page's width instead of a narrow column beside an empty one.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { chooseTarget, planInBar, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.locator("svg.host-svg").waitFor();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/**
 * A plot's text as drawn on its canvas: the size it was drawn at, and the most contrasting pixel
 * (WCAG ratio against the canvas's own background) in the node-label column and in the time-axis
 * row. Grey text (the old muted labels, about 5:1 on white) never reaches the text colour's 10:1 or more.
 */
function plotText(canvas: Locator) {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext("2d")!;
    const dpr = c.width / c.clientWidth;
    const font = Number(c.dataset.fontPx);
    const left = Number(c.dataset.left);
    const bottom = Number(c.dataset.bottom);
    const lum = (r: number, g: number, b: number) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = getComputedStyle(c).backgroundColor.match(/\d+/g)!.map(Number);
    const lb = lum(bg[0]!, bg[1]!, bg[2]!);
    const best = (x: number, y: number, w: number, hgt: number) => {
      const d = ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), Math.round(w * dpr), Math.round(hgt * dpr)).data;
      let max = 1;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3]! < 250) continue; // only opaque pixels: the canvas is transparent where nothing is drawn
        const l = lum(d[i]!, d[i + 1]!, d[i + 2]!);
        max = Math.max(max, (Math.max(l, lb) + 0.05) / (Math.min(l, lb) + 0.05));
      }
      return max;
    };
    return {
      font,
      labels: best(0, 0, left - 2, c.clientHeight - bottom),
      axis: best(left, c.clientHeight - bottom + 2, c.clientWidth - left, bottom - 2),
    };
  });
}

/** Launch the layout and wait for its run to end and join the history (the status still says the last run's "done" just after the click). */
async function launchAndWait(page: Page) {
  const history = page.locator('[data-testid="history"] li');
  const before = await history.count();
  await page.click("button.primary:has-text('launch')");
  const status = page.locator('[data-testid="run-status"]');
  await expect.poll(() => history.count(), { timeout: 120_000 }).toBe(before + 1);
  await expect.poll(() => status.getAttribute("data-status"), { timeout: 120_000 }).toMatch(/^(done|failed|cancelled)$/);
  expect(await status.getAttribute("data-status"), await page.locator(".run-panel").innerText()).toBe("done");
}

describe("the run panel", () => {
  it("draws the live plot's and the comparison's labels at 13 px in the text colour, and at 1280×800 lays the comparison beside the run's own view across the page", { timeout: 300_000 }, async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "host", "svg.host-svg[aria-label^='this host']");
    await planInBar(page, { mem: "512M", vcpus: 2, threads: 2 });
    await launchAndWait(page);
    const live = page.locator(".run-panel .run-main > .plot canvas");
    await live.waitFor();
    const t = await plotText(live);
    expect(t.font, "the live plot's font").toBeGreaterThanOrEqual(13);
    expect(t.labels, "node and CPU labels' ink").toBeGreaterThanOrEqual(10);
    expect(t.axis, "time axis labels' ink").toBeGreaterThanOrEqual(10);
    const caption = await page.locator(".run-panel .run-main > .plot figcaption").evaluate((f) => parseFloat(getComputedStyle(f).fontSize));
    expect(caption).toBeGreaterThanOrEqual(13);

    // a second run, one thread: two runs to compare
    await planInBar(page, { mem: "512M", vcpus: 2, threads: 1 });
    await launchAndWait(page);
    const boxes = page.locator('[data-testid="history"] input[type="checkbox"]');
    expect(await boxes.count()).toBe(2);
    // ticking loads the run's record first, then shows it ticked
    for (const k of [0, 1]) {
      await boxes.nth(k).click();
      await expect.poll(() => boxes.nth(k).isChecked(), { timeout: 30_000 }).toBe(true);
    }
    await expect.poll(() => page.locator(".compare .plot canvas").count(), { timeout: 30_000 }).toBe(2);
    await page.locator(".compare").scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const geo = await page.evaluate(() => {
      const r = (s: string) => JSON.parse(JSON.stringify(document.querySelector(s)!.getBoundingClientRect())) as DOMRect;
      const main = document.querySelector("main")!;
      const cs = getComputedStyle(main);
      return {
        main: { left: r("main").left + parseFloat(cs.paddingLeft), right: r("main").right - parseFloat(cs.paddingRight) },
        panel: r(".run-panel"),
        runMain: r(".run-panel .run-main"),
        compare: r(".compare"),
        plots: Array.from(document.querySelectorAll(".compare .plot canvas")).map((c) => c.getBoundingClientRect().width),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    // the panel spans the page, the run's own view and the comparison side by side in it
    expect(geo.panel.left).toBeLessThanOrEqual(geo.main.left + 1);
    expect(geo.panel.right).toBeGreaterThanOrEqual(geo.main.right - 1);
    expect(geo.compare.left, JSON.stringify(geo)).toBeGreaterThanOrEqual(geo.runMain.right);
    // each comparison plot wider than the whole right column was (about 515 px at 1280)
    for (const w of geo.plots) expect(w, JSON.stringify(geo)).toBeGreaterThan(600);
    expect(geo.overflow).toBeLessThanOrEqual(0);
    for (const c of await page.locator(".compare .plot canvas").all()) {
      const x = await plotText(c);
      expect(x.font).toBeGreaterThanOrEqual(13);
      expect(x.labels).toBeGreaterThanOrEqual(10);
    }
    await page.screenshot({ path: join(SHOTS, "run-compare-1280.png") });
    await page.evaluate(() => (window as any).__numadesk.getState().setTheme("dark"));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, "run-compare-1280-dark.png") });
    await page.evaluate(() => (window as any).__numadesk.getState().setTheme("light"));
  });
});
