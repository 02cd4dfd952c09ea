// The host canvas as a picture, in real Chromium against the real backend: the seed host's PU
// numbers are drawn and big enough to read, the wheel zooms and a drag on empty space pans
// (through the one zoom controller), no sample makes the page scroll sideways at 1280×800,
// and bound backends' chips stay inside their cards even when there are too many for a row.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { chooseTarget, pictureProblems, startHarness, ROOT, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.locator("svg.host-svg").waitFor();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const SAMPLES = readdirSync(join(ROOT, "assets/hosts"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));

const chooseSample = (name: string) => chooseTarget(h.page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);

const viewportTransform = () => h.page.locator("svg.host-svg g.viewport").getAttribute("transform");

const chipsOutside = async () => (await pictureProblems(h.page)).chipsOutside;

describe("the host canvas as a picture", () => {
  it("draws every PU number of the seed host, SMT siblings in one core box, readable at the default zoom", async () => {
    await h.page.setViewportSize({ width: 1280, height: 800 });
    await chooseSample("bm-standard2-52");
    const labels = await h.page.locator("svg.host-svg .pu-label").allTextContents();
    expect(labels.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 104 }, (_, i) => i));
    // CPU 0's SMT sibling 52 sits right beside it in its core box; the next core (CPU 1) is farther
    const at = (pu: number) => h.page.locator(`svg.host-svg [data-pu="${pu}"]`).boundingBox();
    const [p0, p52, p1] = [(await at(0))!, (await at(52))!, (await at(1))!];
    expect(Math.abs(p52.y - p0.y)).toBeLessThan(1);
    expect(p52.x).toBeGreaterThan(p0.x);
    expect(p52.x - p0.x).toBeLessThan(Math.hypot(p1.x - p0.x, p1.y - p0.y));
    // drawn text at least 8 CSS pixels tall after the fit
    const height = await h.page.locator('svg.host-svg [data-pu="103"]').evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeGreaterThanOrEqual(8);
    // packages drawn as containers of their nodes
    expect(await h.page.locator('[data-package="1"] .group-label').textContent()).toContain("Package 1");
  });

  it("the wheel zooms and a drag on empty space pans, through one transform in the store", async () => {
    const svg = h.page.locator("svg.host-svg");
    const box = (await svg.boundingBox())!;
    const before = await viewportTransform();
    await h.page.mouse.move(box.x + 4, box.y + 4);
    await h.page.mouse.wheel(0, -400);
    await expect.poll(viewportTransform).not.toBe(before);
    const k = (await h.page.evaluate(() => (window as any).__numadesk.getState().canvasView.k)) as number;
    expect(await h.page.locator("svg.host-svg g.viewport").getAttribute("data-k")).toBe(String(k));
    const zoomed = await viewportTransform();
    await h.page.mouse.move(box.x + 4, box.y + 4);
    await h.page.mouse.down();
    await h.page.mouse.move(box.x + 60, box.y + 40, { steps: 5 });
    await h.page.mouse.up();
    await expect.poll(viewportTransform).not.toBe(zoomed);
    const after = (await h.page.evaluate(() => (window as any).__numadesk.getState().canvasView.k)) as number;
    expect(after).toBe(k);
    await h.page.click('.host-canvas button:has-text("fit")');
    await expect.poll(viewportTransform).toBe(before);
  });

  it("no sample host makes the page scroll sideways at 1280×800, and every chip stays in its card", async () => {
    await h.page.setViewportSize({ width: 1280, height: 800 });
    for (const name of SAMPLES) {
      await chooseSample(name);
      await h.page.evaluate(() => (window as any).__numadesk.getState().plan({ mem: "16G", vcpus: 8, threads: 4 }));
      await h.page.locator(".node-card .chip-svg").first().waitFor();
      const problems = await pictureProblems(h.page);
      expect(problems.overflow, name).toBeLessThanOrEqual(0);
      expect(problems.chipsOutside, name).toEqual([]);
    }
  });

  it("many backends on one node wrap, then fold into +N, all inside the card", async () => {
    await chooseSample("hp-dl585-4socket");
    await h.page.evaluate(() => {
      const s = (window as any).__numadesk.getState();
      s.newLayout();
      for (let i = 0; i < 12; i++) (window as any).__numadesk.getState().addNode(0, "256M", 0);
    });
    const chips = h.page.locator('[data-node="0"] .chip-svg');
    await expect.poll(() => chips.count()).toBeGreaterThan(2);
    const more = h.page.locator('[data-node="0"] [data-chip="+more"]');
    expect(await more.count()).toBe(1);
    const shown = (await chips.count()) - 1;
    expect(await more.locator("text").textContent()).toBe(`+${12 - shown}`);
    expect(await chipsOutside()).toEqual([]);
    await h.page.screenshot({ path: join(SHOTS, "canvas-many-chips.png") });
  });

  it("this host's L3 is a frame around its cores, its devices (numa_node -1) are listed as on an unknown node; the lab's NIC is on node 1's card", async () => {
    await h.page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(h.page, "host", "svg.host-svg[aria-label^='this host']");
    const frame = (await h.page.locator('svg.host-svg [data-node="0"] .l3-group rect').boundingBox())!;
    const pu0 = (await h.page.locator('svg.host-svg [data-pu="0"]').boundingBox())!;
    expect(pu0.x).toBeGreaterThanOrEqual(frame.x);
    expect(pu0.x + pu0.width).toBeLessThanOrEqual(frame.x + frame.width);
    expect(await h.page.locator(".unplaced-pci summary").textContent()).toMatch(/PCI devices? on an unknown node/);
    await chooseTarget(h.page, "lab:2", '[data-node="1"]');
    expect(await h.page.locator('svg.host-svg [data-node="1"] .pci-line').getAttribute("data-devices")).toBe("0000:81:00.0");
    expect(await h.page.locator('svg.host-svg [data-node="0"] .pci-line').count()).toBe(0);
  });
});
