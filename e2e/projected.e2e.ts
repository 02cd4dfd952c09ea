// What a trainer projects, round 4, measured on the rendered page in real Chromium: in dark mode
// every node colour's card border and chip stands out from what it sits on (3:1 or more, on the
// screenshot's pixels); the pins legend lays its items out beside its label at every size; the
// canvas's "+ guest node" and "⚙ emulator" chips share one type size; PCI rows are the card's
// small text size, 9 px or more at the fit, their models whole, the chips clear of them.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { chooseTarget, contrastRatio, planInBar, SAMPLE_PLANS, screenshotPixels, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.locator("svg.host-svg").waitFor();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const SAMPLES = SAMPLE_PLANS;

/**
 * The contrast of each element's left edge against what is just outside it, on the screenshot's
 * pixels: along a line across its left (or top) edge, from 2 px outside to 1 px inside it, the pixel that differs most from the one outside (a 2-unit border at 0.8 zoom is under 2 px,
 * so its middle pixel is what the eye sees; 1 px inside at most, so a chip's text is not taken for its edge). WCAG's ratio of
 * relative luminances. Only elements wholly in the window (the screenshot is the window).
 */
async function edgeContrast(page: Page, selector: string, side: "left" | "top", onCanvas = false): Promise<Array<{ what: string; ratio: number; outside: number[]; edge: number[] }>> {
  const edges = await page.locator(selector).evaluateAll(
    (els, side) =>
      els
        .map((e) => {
          const r = e.getBoundingClientRect();
          const what =
            e.closest("[data-chip]")?.getAttribute("data-chip") ??
            e.closest("[data-node]")?.getAttribute("data-node") ??
            e.closest("[data-guest-box]")?.getAttribute("data-guest-box") ??
            e.textContent?.trim() ??
            "?";
          return { what, x: r.left, y: r.top + r.height / 2, cx: r.left + r.width / 2, top: r.top, inView: r.top > 4 && r.bottom < innerHeight - 4, side };
        })
        .filter((e) => e.inView),
    side,
  );
  // what a guest box sits on: the canvas itself, 4 px inside the frame's lower left corner (a link passing beside a box is not its background)
  const frame = await page.locator(".canvas-frame").evaluate((f) => {
    const r = f.getBoundingClientRect();
    return { x: r.left + 4, y: r.bottom - 4 };
  });
  // across the left edge at mid-height, or across the top edge at mid-width (a chip's text is too near its left end): 4 px outside, then 2 px outside to 1 px inside
  const OFFSETS = [-4, -2, -1, 0, 1];
  const along = (e: (typeof edges)[number], k: number) => (e.side === "left" ? { x: Math.round(e.x) + k, y: Math.round(e.y) } : { x: Math.round(e.cx), y: Math.round(e.top) + k });
  const pixels = await screenshotPixels(page, [frame, ...edges.flatMap((e) => OFFSETS.map((k) => along(e, k)))]);
  const canvasBg = pixels[0]!;
  return edges.map((e, i) => {
    const [out, ...across] = pixels.slice(1 + i * OFFSETS.length, 1 + (i + 1) * OFFSETS.length);
    const outside = onCanvas ? canvasBg : out!;
    let best = { ratio: 1, edge: outside };
    for (const p of across) {
      const r = contrastRatio(p, outside);
      if (r > best.ratio) best = { ratio: r, edge: p };
    }
    return { what: e.what, outside, ...best };
  });
}

describe("dark mode", () => {
  it("every node colour's card border, chip and guest box frame stands out from what it sits on (3:1 or more on the screenshot's pixels), the dark ones (blue, wine, brown) too", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => (window as any).__numadesk.getState().setTheme("dark"));
    try {
      // EPYC: eight nodes, so all eight palette colours
      await chooseTarget(page, "sample:epyc-7451-8node", `svg.host-svg[aria-label^="epyc-7451-8node:"]`);
      await planInBar(page, { mem: "128G", vcpus: 48, threads: 16 });
      await expect.poll(() => page.locator("svg.host-svg .chip-svg:not(.more)").count()).toBe(8);
      await page.waitForTimeout(300);
      const cards = await edgeContrast(page, "svg.host-svg .node-card .card-bg", "left");
      const chips = await edgeContrast(page, "svg.host-svg .chip-svg:not(.more) rect", "top");
      const frames = await edgeContrast(page, "svg.host-svg [data-guest-box] .guest-frame", "left", true);
      // the layout panel's chips and rows carry the same colours (the first guest rows are on screen)
      const rowChips = await edgeContrast(page, ".guest-nodes .chip", "top");
      const rowBars = await edgeContrast(page, ".guest-nodes .guest-node", "left");
      expect(cards.length).toBe(8);
      expect(chips.length).toBe(8);
      expect(frames.length).toBe(8);
      expect(rowChips.length).toBeGreaterThan(3);
      expect(rowBars.length).toBeGreaterThan(3);
      const all = [
        ...cards.map((c) => ({ ...c, what: `card ${c.what}` })),
        ...chips,
        ...frames.map((c) => ({ ...c, what: `guest box ${c.what}` })),
        ...rowChips,
        ...rowBars.map((c) => ({ ...c, what: `guest row ${c.what.slice(0, 12)}` })),
      ];
      console.log(`dark edges: ${all.map((c) => `${c.what} ${c.ratio.toFixed(1)}`).join(", ")}`);
      for (const c of all) expect(c.ratio, `${c.what}: ${c.edge} on ${c.outside}`).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: join(SHOTS, "dark-edges-epyc-1280.png") });
    } finally {
      await page.evaluate(() => (window as any).__numadesk.getState().setTheme("light"));
    }
  });

  it("a node's colour keeps its meaning in dark mode: each card border keeps its light-mode hue, and the eight stay apart from each other (blue from sky blue, wine from pink)", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:epyc-7451-8node", `svg.host-svg[aria-label^="epyc-7451-8node:"]`);
    await planInBar(page, { mem: "128G", vcpus: 48, threads: 16 });
    await expect.poll(() => page.locator("svg.host-svg .chip-svg:not(.more)").count()).toBe(8);
    // each card border's computed colour in OKLab (through a canvas, so any CSS colour syntax reads as sRGB)
    const borders = () =>
      page.locator("svg.host-svg .node-card .card-bg").evaluateAll((rs) =>
        rs.map((r) => {
          const c = document.createElement("canvas").getContext("2d")!;
          c.fillStyle = getComputedStyle(r).stroke;
          c.fillRect(0, 0, 1, 1);
          const [R, G, B] = Array.from(c.getImageData(0, 0, 1, 1).data)
            .slice(0, 3)
            .map((v) => {
              const s = v / 255;
              return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
            });
          const l = Math.cbrt(0.4122214708 * R! + 0.5363325363 * G! + 0.0514459929 * B!);
          const m = Math.cbrt(0.2119034982 * R! + 0.6806995451 * G! + 0.1073969566 * B!);
          const s = Math.cbrt(0.0883024619 * R! + 0.2817188376 * G! + 0.6299787005 * B!);
          const lab = [0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s, 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s, 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s];
          return { node: (r.closest("[data-node]") as SVGGElement).dataset.node!, lab, hue: ((Math.atan2(lab[2]!, lab[1]!) * 180) / Math.PI + 360) % 360 };
        }),
      );
    const light = await borders();
    await page.evaluate(() => (window as any).__numadesk.getState().setTheme("dark"));
    try {
      await page.waitForTimeout(100);
      const dark = await borders();
      expect(dark.length).toBe(8);
      for (const [i, d] of dark.entries()) {
        const turn = Math.abs(d.hue - light[i]!.hue);
        expect(Math.min(turn, 360 - turn), `node ${d.node}'s hue`).toBeLessThanOrEqual(8);
      }
      const gaps: string[] = [];
      for (let i = 0; i < dark.length; i++)
        for (let j = i + 1; j < dark.length; j++) {
          const [a, b] = [dark[i]!.lab, dark[j]!.lab];
          const de = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
          if (de < 0.08) gaps.push(`nodes ${dark[i]!.node} and ${dark[j]!.node}: ΔE ${de.toFixed(3)}`);
        }
      expect(gaps, "dark-mode borders too alike (OKLab ΔE under 0.08)").toEqual([]);
    } finally {
      await page.evaluate(() => (window as any).__numadesk.getState().setTheme("light"));
    }
  });
});

describe("the pins legend", () => {
  it.each([
    [1280, 800],
    [1920, 1080],
    [2560, 1440],
    [1000, 800],
  ])("at %i×%i lays its items out beside its 'Pins:' label (a wrapped item starts under the first item, not at the left edge), each item whole and inside the legend", async (width, height) => {
    const page = h.page;
    await page.setViewportSize({ width, height });
    for (const [name] of [SAMPLES[0], SAMPLES[4]]) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      await page.waitForTimeout(200);
      const legend = await page.locator(".pin-legend").evaluate((p) => {
        const box = p.getBoundingClientRect();
        const label = p.querySelector(".legend-text")!.getBoundingClientRect();
        // where the label's text and the first item's text are drawn (their glyphs, not their boxes)
        const glyphs = (e: Element) => {
          const t = Array.from(e.childNodes).find((n) => n.nodeType === 3 && n.textContent!.trim())!;
          const r = document.createRange();
          r.selectNodeContents(t);
          const b = r.getBoundingClientRect();
          return (b.top + b.bottom) / 2;
        };
        const middles = { label: glyphs(p.querySelector(".legend-text")!), first: glyphs(p.querySelector(".pin-legend-item")!) };
        const items = Array.from(p.querySelectorAll(".pin-legend-item")).map((i) => {
          const r = i.getBoundingClientRect();
          return { text: i.textContent ?? "", left: r.left, right: r.right, top: r.top, width: r.width, scroll: (i as HTMLElement).scrollWidth, client: (i as HTMLElement).clientWidth };
        });
        return { box: { left: box.left, right: box.right }, label: { left: label.left, right: label.right }, items, middles };
      });
      expect(legend.items.length).toBe(3);
      const first = legend.items[0]!;
      // "Pins:" on the first item's line, its text level with the item's
      expect(Math.abs(legend.middles.label - legend.middles.first), `${name} ${width}: ${JSON.stringify(legend.middles)}`).toBeLessThanOrEqual(1.5);
      for (const it of legend.items) {
        const what = `${name} ${width}: "${it.text}"`;
        // beside the label, never back at the legend's left edge
        expect(it.left, what).toBeGreaterThan(legend.label.right);
        // the first item of a new line starts where the first item starts
        const line = legend.items.filter((o) => Math.abs(o.top - it.top) <= 2);
        if (it.top > first.top + 2 && it === line[0]) expect(Math.abs(it.left - first.left), what).toBeLessThanOrEqual(1);
        expect(it.right, what).toBeLessThanOrEqual(legend.box.right + 0.5);
        expect(it.scroll, what).toBeLessThanOrEqual(it.client + 1);
      }
    }
    if (width === 1280) await page.locator(".pin-legend").screenshot({ path: join(SHOTS, "pin-legend-1280.png") });
  });
});

/** The rendered size (CSS px) and weight of the first text matching `selector` in the canvas. */
function textLook(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((t) => {
      const el = t as SVGTextElement;
      const cs = getComputedStyle(el);
      return { px: parseFloat(cs.fontSize) * (el.getScreenCTM()?.a ?? 0), units: parseFloat(cs.fontSize), weight: cs.fontWeight };
    });
}

describe("one type scale on the canvas", () => {
  it("'+ guest node' and the '⚙ emulator' chip beside it are drawn at one size and weight, the card's small text size", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [name, plan] of [SAMPLES[3], SAMPLES[0]]) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      await planInBar(page, plan);
      await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(plan.vcpus);
      const add = await textLook(page, "svg.host-svg .guest-new text");
      const emulator = await textLook(page, "svg.host-svg .thread-chip text");
      const legend = await textLook(page, "svg.host-svg .mem-legend");
      expect(add.units, name).toBe(emulator.units);
      expect(add.weight, name).toBe(emulator.weight);
      expect(add.units, name).toBe(legend.units);
    }
  });
});

describe("PCI rows", () => {
  it("are the card's small text size (as its memory legend), 9 px or more at the fit, whole enough to name the model, on the GPU/NIC host at 1280×800 with no layout, planned, and planned for the whole host", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:xeon-2node-gpu-nic", `svg.host-svg [data-node="1"] .pci-row[data-device="0000:81:00.0"]`);
    const seen: string[] = [];
    for (const state of ["empty", "planned", "whole host"] as const) {
      if (state === "empty") await page.evaluate(() => (window as any).__numadesk.getState().newLayout());
      if (state === "planned") await planInBar(page, { mem: "16G", vcpus: 16, threads: 8 });
      if (state === "whole host") await planInBar(page, { mem: "48G", vcpus: 32, threads: 32 });
      await page.waitForTimeout(300); // the fit
      const legend = await textLook(page, "svg.host-svg .mem-legend");
      const rows = await page.locator("svg.host-svg .pci-row text").evaluateAll((ts) =>
        (ts as SVGTextElement[]).map((t) => {
          const cs = getComputedStyle(t);
          return { text: t.textContent ?? "", units: parseFloat(cs.fontSize), px: parseFloat(cs.fontSize) * (t.getScreenCTM()?.a ?? 0) };
        }),
      );
      expect(rows.length, state).toBeGreaterThan(9);
      const min = Math.min(...rows.map((r) => r.px));
      seen.push(`${state} ${min.toFixed(1)} px`);
      for (const r of rows) {
        expect(r.units, `${state}: "${r.text}"`).toBe(legend.units);
        expect(r.px, `${state}: "${r.text}"`).toBeGreaterThanOrEqual(9);
      }
      // the models a person recognises whole (not "I350 Gigabit Network Connecti…"), and the kind whole ("Ethernet", not "Ether…")
      const texts = rows.map((r) => r.text);
      for (const m of ["Tesla M2075", "I350 Gigabit Network Connection", "Radeon HD 7970/8970 OEM / R9 280X", "MGA G200eW WPCM450", "81:00.0 · Ethernet"])
        expect(texts, state).toContainEqual(expect.stringMatching(new RegExp(`^${m.replace(/[/.]/g, "\\$&")}( · .*)?$`)));
      // the chips under the rows do not touch the last row
      const gap = await page.locator('[data-node="1"]').evaluate((card) => {
        const rowsBottom = Math.max(...Array.from(card.querySelectorAll(".pci-row text")).map((t) => t.getBoundingClientRect().bottom));
        const chipTop = Math.min(...Array.from(card.querySelectorAll(".chip-svg rect")).map((t) => t.getBoundingClientRect().top));
        return chipTop - rowsBottom;
      });
      if (state !== "empty") expect(gap, `${state}: room between the last PCI row and the chips`).toBeGreaterThanOrEqual(3);
    }
    console.log(`PCI rows at 1280×800: ${seen.join("; ")}`);
    await page.locator('[data-node="1"]').screenshot({ path: join(SHOTS, "pci-rows-12-xeon-node1-1280.png") });
  });
});

describe("the page's columns", () => {
  /** every panel's box, and how far the page scrolls sideways */
  const panels = () =>
    h.page.evaluate(() => {
      const box = (s: string) => JSON.parse(JSON.stringify(document.querySelector(s)!.getBoundingClientRect())) as DOMRect;
      return {
        canvas: box(".host-canvas"),
        layout: box(".layout-panel"),
        command: box(".command-panel"),
        run: box(".run-panel"),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });

  it.each([
    [1280, 800],
    [1920, 1080],
    [2560, 1440],
  ])("at %i×%i the command line sits beside a canvas much taller than the guest layout (no empty column there), and under it when the layout is as tall", async (width, height) => {
    const page = h.page;
    await page.setViewportSize({ width, height });
    // two guest nodes on the GPU/NIC host: the canvas is far taller than the layout
    await chooseTarget(page, "sample:xeon-2node-gpu-nic", `svg.host-svg[aria-label^="xeon-2node-gpu-nic:"]`);
    await planInBar(page, { mem: "16G", vcpus: 16, threads: 8 });
    await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(16);
    await page.waitForTimeout(300);
    let p = await panels();
    expect(p.canvas.height - p.layout.height, "the canvas is the taller").toBeGreaterThan(300);
    expect(p.command.left, JSON.stringify(p)).toBeGreaterThanOrEqual(p.canvas.right);
    // right under the layout panel (the grid's gap), and beside the canvas
    expect(p.command.top - p.layout.bottom, JSON.stringify(p)).toBeLessThanOrEqual(20);
    expect(p.command.top).toBeLessThan(p.canvas.bottom);
    expect(p.overflow).toBeLessThanOrEqual(0);
    if (width === 1280) await page.screenshot({ path: join(SHOTS, "columns-xeon-1280.png"), fullPage: true });
    // eight guest nodes on EPYC at 1280: the layout is as tall as the canvas, the command line goes under the canvas
    if (width === 1280) {
      await chooseTarget(page, "sample:epyc-7451-8node", `svg.host-svg[aria-label^="epyc-7451-8node:"]`);
      await planInBar(page, { mem: "128G", vcpus: 48, threads: 16 });
      await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(48);
      await page.waitForTimeout(300);
      p = await panels();
      expect(p.command.left, JSON.stringify(p)).toBeLessThan(p.canvas.right);
      expect(p.command.top, JSON.stringify(p)).toBeGreaterThanOrEqual(p.canvas.bottom);
    }
  });
});
