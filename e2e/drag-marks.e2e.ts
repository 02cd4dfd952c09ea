// What a drag shows while it is under way, with real mouse events (page.mouse): the preview
// that follows the pointer and the dashed mark on the host node or PU it would drop on. They
// are HTML over the canvas (renderer/canvas/DragMarks.tsx), so each is checked against what the
// SVG draws: the mark frames the card, guest box or PU cell it names (for a backend chip's
// drag and drop too), the preview stays inside the canvas
// at its right edge, both follow a zoom, and both are gone after Escape.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { centre, chooseTarget, planInBar, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.setViewportSize({ width: 1280, height: 800 });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Box = { x: number; y: number; width: number; height: number };
/** how far (px) each edge of `outer` lies outside `inner`: all ≥ 0 when it frames it */
const margins = (outer: Box, inner: Box) => [inner.x - outer.x, inner.y - outer.y, outer.x + outer.width - (inner.x + inner.width), outer.y + outer.height - (inner.y + inner.height)];
/** `mark` frames `inner` closely: every edge outside it, none more than 6 px away */
function expectFramed(mark: Box, inner: Box) {
  const m = margins(mark, inner);
  expect(Math.min(...m), `mark margins ${m}`).toBeGreaterThanOrEqual(0);
  expect(Math.max(...m), `mark margins ${m}`).toBeLessThanOrEqual(6);
}

describe("a drag's preview and drop mark", () => {
  it("frame the host node card, then the PU, under the pointer; the preview stays inside the canvas at its right edge; Escape removes both", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:epyc-7451-8node", '[data-node="7"]');
    await planInBar(page, { mem: "16G", vcpus: 16, threads: 8 });
    await expect.poll(() => page.locator("[data-vcpu]").count()).toBeGreaterThan(0);
    const from = await centre(page.locator('[data-vcpu="0"]').first());
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();

    // over node 3's memory bar (not its cores): the mark frames the card, a few px outside it
    const card = (await page.locator('[data-node="3"] .card-bg').boundingBox())!;
    await page.mouse.move(card.x + card.width - 6, card.y + card.height - 8, { steps: 10 });
    const mark = page.locator(".drag-marks .drop-mark");
    await expect.poll(() => mark.getAttribute("data-drop-node")).toBe("3");
    expectFramed((await mark.boundingBox())!, card);

    // node 3's card is the rightmost of the top row: a preview right of the pointer would leave the canvas
    const frame = (await page.locator(".canvas-frame").boundingBox())!;
    const ghost = page.locator(".drag-marks .drag-ghost");
    await expect.poll(() => ghost.textContent()).toBe("1 vCPU · 0");
    const g = (await ghost.boundingBox())!;
    expect(
      margins(frame, g).every((x) => x >= 0),
      `preview ${JSON.stringify(g)} inside canvas ${JSON.stringify(frame)}`,
    ).toBe(true);
    await page.screenshot({ path: join(SHOTS, "drag-marks-card.png") });

    // over PU 12's cell: the mark frames that PU and says so
    const pu = page.locator('[data-node="2"] .pu-label[data-pu="12"]');
    const p = await centre(pu);
    await page.mouse.move(p.x, p.y, { steps: 10 });
    await expect.poll(() => mark.getAttribute("data-drop-pu")).toBe("12");
    const cell = (await mark.boundingBox())!;
    const label = (await pu.boundingBox())!;
    expect(
      margins(cell, label).every((x) => x >= 0),
      `PU mark ${JSON.stringify(cell)} around the number ${JSON.stringify(label)}`,
    ).toBe(true);
    expect(cell.width).toBeLessThan(card.width / 4);

    // a zoom while dragging: the mark still frames the PU's number where it is now drawn
    const k0 = await page.locator(".viewport").getAttribute("data-k");
    await page.mouse.wheel(0, -200);
    await expect.poll(() => page.locator(".viewport").getAttribute("data-k")).not.toBe(k0);
    await page.mouse.move(p.x + 1, p.y + 1);
    const moved = await centre(pu);
    await page.mouse.move(moved.x, moved.y, { steps: 4 });
    await expect.poll(() => mark.getAttribute("data-drop-pu")).toBe("12");
    const after = (await mark.boundingBox())!;
    expect(margins(after, (await pu.boundingBox())!).every((x) => x >= 0)).toBe(true);

    await page.keyboard.press("Escape");
    await page.mouse.up();
    expect(await page.locator(".drag-marks").count()).toBe(0);
  });

  it("frame the guest node's box that dragged vCPUs would join", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:epyc-7451-8node", '[data-node="7"]');
    await planInBar(page, { mem: "16G", vcpus: 16, threads: 8 });
    await expect.poll(() => page.locator('[data-guest-box="2"]').count()).toBe(1);
    const from = await centre(page.locator('[data-vcpu="0"]').first());
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    const target = page.locator('[data-guest-box="2"] .guest-frame');
    const b = (await target.boundingBox())!;
    await page.mouse.move(b.x + b.width - 8, b.y + b.height - 6, { steps: 10 });
    const mark = page.locator(".drag-marks .drop-mark");
    await expect.poll(() => mark.getAttribute("data-drop-guest")).toBe("2");
    expectFramed((await mark.boundingBox())!, b);
    await page.mouse.up();
    expect(await page.locator(".drag-marks").count()).toBe(0);
    await expect.poll(() => page.locator('[data-guest-box="2"]').getAttribute("data-vcpus")).toContain("0");
  });

  it("frame the host node card a backend chip is dragged over (the browser's own drag and drop), and go with the drop", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:epyc-7451-8node", '[data-node="7"]');
    await planInBar(page, { mem: "16G", vcpus: 16, threads: 8 });
    const chip = page.locator('[data-backend="ram-node0"]');
    await chip.scrollIntoViewIfNeeded();
    await chip.hover();
    await page.mouse.down();
    const card = (await page.locator('[data-node="5"] .card-bg').boundingBox())!;
    await page.mouse.move(card.x + card.width / 2, card.y + card.height / 2, { steps: 10 });
    const mark = page.locator(".drag-marks .drop-mark");
    await expect.poll(() => mark.getAttribute("data-drop-node")).toBe("5");
    expectFramed((await mark.boundingBox())!, card);
    await page.screenshot({ path: join(SHOTS, "drag-marks-chip.png") });
    await page.mouse.up();
    await expect.poll(() => page.locator(".drag-marks").count()).toBe(0);
    await expect.poll(() => page.locator('[data-node="5"] [data-chip="ram-node0"]').count()).toBe(1);
  });
});
