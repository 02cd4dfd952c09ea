// Visual quality checks that measure the rendered page in real Chromium: the top bar stays one
// row at 1280×800 (no wrap, no sideways scroll), even with the recent-layouts list; vCPU and PU
// numbers on the biggest sample are drawn at a readable size at the default zoom (or folded
// into ranges); a guest node's drag ghost is labelled with its guest node id.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { chooseTarget, planInBar, startHarness, SHOTS, type Harness } from "./harness";

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

/** The rendered font size (CSS px on screen) of every text matching `selector` in the canvas: its font size times the canvas scale. */
function renderedSizes(selector: string) {
  return h.page.locator(selector).evaluateAll((ts) =>
    ts.map((t) => {
      const el = t as SVGTextElement;
      return { text: el.textContent ?? "", px: parseFloat(getComputedStyle(el).fontSize) * (el.getScreenCTM()?.a ?? 0) };
    }),
  );
}

describe("numbers on the canvas", () => {
  // a planned layout on each sample, as the screenshot script plans it (the EPYC sample is the biggest: 8 nodes, 96 PUs)
  const PLANS = [
    ["epyc-7451-8node", { mem: "128G", vcpus: 48, threads: 16 }],
    ["bm-standard2-52", { mem: "256G", vcpus: 104, threads: 16 }],
    ["cxl-4node", { mem: "96G", vcpus: 16, threads: 8 }],
    ["hp-dl585-4socket", { mem: "32G", vcpus: 8, threads: 8 }],
  ] as const;

  it("every PU and vCPU number is drawn at 10 px or more at the default zoom on every sample at 1280×800, inside its cell", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [name, plan] of PLANS) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      await planInBar(page, plan);
      await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(plan.vcpus);
      await page.waitForTimeout(300); // the fit after the guest row grew
      const pu = await renderedSizes("svg.host-svg .pu-label");
      const vcpu = await renderedSizes("svg.host-svg .vcpu text");
      expect(pu.length, name).toBeGreaterThan(0);
      for (const x of [...pu, ...vcpu]) expect(x.px, `${name}: ${x.text}`).toBeGreaterThanOrEqual(10);
      // and the number stays in its cell: its drawn width against the cell's (PU cells 22 units, vCPU cells 26)
      const widest = await page.evaluate(() => ({
        pu: Math.max(...Array.from(document.querySelectorAll("svg.host-svg .pu-label")).map((t) => (t as SVGTextElement).getBBox().width)),
        vcpu: Math.max(...Array.from(document.querySelectorAll("svg.host-svg .vcpu text")).map((t) => (t as SVGTextElement).getBBox().width)),
      }));
      expect(widest.pu, name).toBeLessThanOrEqual(22);
      expect(widest.vcpu, name).toBeLessThanOrEqual(26);
      if (name === "epyc-7451-8node") {
        await page.screenshot({ path: join(SHOTS, "numbers-epyc-1280.png") });
        await page.locator('[data-node="0"]').screenshot({ path: join(SHOTS, "numbers-epyc-node0.png") });
        await page.locator('[data-guest-box="0"]').screenshot({ path: join(SHOTS, "numbers-epyc-guest0.png") });
      }
    }
  });
});

describe("the drag ghost", () => {
  it("calls a dragged guest node by its nodeid, not by its place in the list", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:bm-standard2-52", '[data-node="1"]');
    // guest nodes 5 and 3, in that order: the first in the list is guest node 5
    const r = await page.evaluate(() =>
      (window as any).__numadesk
        .getState()
        .importCommandLine(
          "qemu-system-x86_64 -m 2G -smp 4 -numa node,nodeid=5,cpus=0-1,memdev=a -numa node,nodeid=3,cpus=2-3,memdev=b -object memory-backend-ram,id=a,size=1G,host-nodes=0,policy=bind -object memory-backend-ram,id=b,size=1G,host-nodes=1,policy=bind",
        ),
    );
    expect(r.ok).toBe(true);
    const head = page.locator('[data-guest-head="0"]');
    await head.scrollIntoViewIfNeeded();
    const b = (await head.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 + 30, b.y - 40, { steps: 6 });
    const ghost = page.locator(".drag-ghost text");
    await expect.poll(() => ghost.textContent()).toBe("guest node 5");
    await page.keyboard.press("Escape");
    await page.mouse.up();
    expect(await ghost.count()).toBe(0);
  });
});
