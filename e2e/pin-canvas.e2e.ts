// Pinning on the canvas, with the real mouse and keyboard at 1280×800 on the seed sample: a vCPU
// dragged onto a PU is pinned there (the libvirt export says so, and its tag is drawn inside
// that PU's cell), the emulator chip dragged onto host node 1 runs on node 1's CPUs, a PU
// reserved from its menu is drawn hatched and left out by the export and the planner, the
// keyboard reserves one too, a PIN diagnostic clicked outlines its vCPU and PU, its fix button
// mends it, a guest node dragged to the other host node takes its pins along, and nothing
// overflows the window.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { drag, chooseTarget, pictureProblems, planInBar, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.setViewportSize({ width: 1280, height: 800 });
  await h.page.locator("svg.host-svg").waitFor();
  await chooseTarget(h.page, "sample:bm-standard2-52", '[data-node="1"]');
  await planInBar(h.page, { mem: "256G", vcpus: 104, threads: 16 });
  await h.page.locator('[data-guest-box="1"]').waitFor();
  await h.page.selectOption('select[aria-label="export format"]', "libvirt");
  await h.page.evaluate(() => window.scrollTo(0, 0));
  await h.page.waitForTimeout(300); // the fit after the plan
}, 60_000);
afterAll(async () => {
  await h?.close();
});
// a click in the right-hand panel may scroll the page: each drag starts from the top
beforeEach(async () => {
  await h.page.evaluate(() => window.scrollTo(0, 0));
});

const exported = () => h.page.locator('[data-testid="cmdline"]').innerText();
/** vCPU → cpuset, from the libvirt XML on screen */
async function vcpupins(): Promise<Map<number, string>> {
  const xml = await exported();
  return new Map([...xml.matchAll(/<vcpupin vcpu='(\d+)' cpuset='([^']+)'\/>/g)].map((m) => [Number(m[1]), m[2]!]));
}
async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error(`not drawn: ${l}`);
  return b;
}
const mid = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const puLabel = (pu: number) => h.page.locator(`svg.host-svg .pu-label[data-pu="${pu}"]`);
const vcpuCell = (v: number) => h.page.locator(`[data-vcpu="${v}"]`);

describe("pinning on the canvas, with the real mouse", () => {
  it("vCPU 0 dragged onto PU 5 is pinned there: the export says so and its tag is drawn inside PU 5's cell", async () => {
    const page = h.page;
    const before = await vcpupins();
    expect(before.get(0)).toBe("0-25,52-77");
    await drag(page, mid(await box(vcpuCell(0))), mid(await box(puLabel(5))), 12);
    await expect.poll(async () => (await vcpupins()).get(0)).toBe("5");
    // the rest of guest node 0 keeps its node-wide pin
    expect((await vcpupins()).get(1)).toBe("0-25,52-77");
    const tag = await box(page.locator('[data-pin-mark="5"]'));
    const label = await box(puLabel(5));
    const k = Number(await page.locator(".viewport").getAttribute("data-k"));
    // PU 5's cell: centred on its number, 22 × 17 canvas units
    const cell = { left: mid(label).x - 11 * k, right: mid(label).x + 11 * k, top: mid(label).y - 12 * k, bottom: mid(label).y + 8.5 * k };
    expect(await page.locator('[data-pin-mark="5"]').textContent()).toBe("0");
    expect(tag.x).toBeGreaterThanOrEqual(cell.left - 0.5);
    expect(tag.x + tag.width).toBeLessThanOrEqual(cell.right + 0.5);
    expect(mid(tag).y).toBeGreaterThan(mid(label).y);
    expect(mid(tag).y).toBeLessThan(cell.bottom + 6 * k);
    // readable: the tag's number is at least 7 px tall on screen
    expect(tag.height).toBeGreaterThanOrEqual(7);
    // guest node 0's band now covers vCPUs 1-25,52-77 only
    expect(await page.locator('.pin-band[data-guest="0"]').getAttribute("data-vcpus")).toBe("1-25,52-77");
    await page.screenshot({ path: join(SHOTS, "pin-canvas-vcpu0-on-pu5.png") });
  });

  it("the emulator chip dragged onto host node 1 runs on node 1's CPUs", async () => {
    const page = h.page;
    const chip = page.locator('[data-thread-chip="emulator"]');
    expect(await chip.getAttribute("data-pus")).toBe("");
    await drag(page, mid(await box(chip)), mid(await box(page.locator('[data-node="1"] .card-title'))), 12);
    await expect.poll(exported).toContain("<emulatorpin cpuset='26-51,78-103'/>");
    expect((await chip.getAttribute("data-pus"))!.split(",").map(Number)).toHaveLength(52);
    // hovering the chip outlines its PUs
    await page.mouse.move(mid(await box(chip)).x, mid(await box(chip)).y);
    await expect.poll(() => page.locator(".pin-hover").getAttribute("data-pus")).toBe("26-51,78-103");
    await page.mouse.move(5, 5);
  });

  it("a PU reserved from its menu is drawn hatched, and the export and the planner leave it out", async () => {
    const page = h.page;
    const at = mid(await box(puLabel(7)));
    await page.mouse.click(at.x, at.y, { button: "right" });
    await page.locator('.canvas-menu button:has-text("reserve CPU 7 for the host")').click();
    const hatch = page.locator("svg.host-svg .pin-reserved");
    await expect.poll(() => hatch.getAttribute("data-reserved")).toBe("7");
    expect(await hatch.getAttribute("fill")).toBe("url(#pin-hatch)");
    const hb = await box(hatch);
    expect(at.x).toBeGreaterThan(hb.x);
    expect(at.x).toBeLessThan(hb.x + hb.width);
    expect(at.y).toBeGreaterThan(hb.y);
    expect(at.y).toBeLessThan(hb.y + hb.height);
    // the export: CPU 7 in no vCPU's set
    expect((await vcpupins()).get(1)).toBe("0-6,8-25,52-77");
    // the planner: one PU per vCPU would need 52 PUs on node 0, which has 51 once CPU 7 is
    // reserved: refused, said, nothing changed
    const panel = page.locator("section[aria-label=pinning]");
    await panel.locator("input[value=cpu]").click();
    await expect
      .poll(() => page.locator(".message.error").innerText())
      .toMatch(/one PU per vCPU: guest node 0 has 52 vCPUs but host node 0 has 51 CPUs not reserved for the host, so vCPUs would share PUs; give fewer vCPUs/);
    await page.locator(".message.error button.dismiss").click();
    expect((await vcpupins()).get(0)).toBe("5");
    // pinned node-wide again from scratch (none, then node-wide): every set leaves CPU 7 out
    await panel.locator("input[value=none]").click();
    await expect.poll(async () => (await vcpupins()).size).toBe(0);
    await panel.locator("input[value=node]").click();
    await expect.poll(async () => (await vcpupins()).size).toBe(104);
    const pins = await vcpupins();
    expect(pins.get(0)).toBe("0-6,8-25,52-77");
    expect(pins.get(103)).toBe("26-51,78-103");
    await page.click("text=undo");
    await page.click("text=undo");
    await expect.poll(async () => (await vcpupins()).get(0)).toBe("5");
  });

  it("the keyboard reserves a PU: Tab to a node's PUs, arrows, R; undo releases it", async () => {
    const page = h.page;
    const keys = page.locator('[data-pu-keys="1"]');
    await keys.focus();
    await expect.poll(() => keys.getAttribute("data-cursor")).toBe("26");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => keys.getAttribute("data-cursor")).toBe("27");
    await page.keyboard.press("r");
    await expect.poll(() => page.locator("svg.host-svg .pin-reserved").getAttribute("data-reserved")).toBe("7,27");
    expect(await page.locator(".pu-cursor").count()).toBe(1);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".canvas-menu").getAttribute("aria-label")).toBe("CPU 27 · host node 1");
    await page.keyboard.press("Escape");
    await page.click("text=undo");
    await expect.poll(() => page.locator("svg.host-svg .pin-reserved").getAttribute("data-reserved")).toBe("7");
  });

  it("a vCPU dropped on the other node's PU gives PIN001; clicking it outlines vCPU and PU; its fix mends it", async () => {
    const page = h.page;
    await drag(page, mid(await box(vcpuCell(2))), mid(await box(puLabel(30))), 12);
    await expect.poll(async () => (await vcpupins()).get(2)).toBe("30");
    const pin1 = page.locator("[data-testid=diagnostics] li[data-code=PIN001]");
    await pin1.waitFor();
    await pin1.locator("button.link").click();
    const focus = page.locator(".pin-focus");
    await expect.poll(() => focus.getAttribute("data-pus")).toBe("30");
    expect(await focus.getAttribute("data-vcpus")).toBe("2");
    // the outline is drawn around PU 30
    const fb = await box(focus);
    const p30 = mid(await box(puLabel(30)));
    expect(p30.x).toBeGreaterThan(fb.x);
    expect(p30.x).toBeLessThan(fb.x + fb.width);
    await pin1.locator(".fix-button").click();
    await expect.poll(async () => (await vcpupins()).get(2)).toBe("0-6,8-25,52-77");
    expect(await page.locator("[data-testid=diagnostics] li[data-code=PIN001]").count()).toBe(0);
  });

  it("a guest node dragged onto the other host node takes its vCPU pins with its memory", async () => {
    const page = h.page;
    // vCPU 0 on a PU of its own again (the PIN001 fix made guest node 0's pin node-wide)
    await drag(page, mid(await box(vcpuCell(0))), mid(await box(puLabel(5))), 12);
    await expect.poll(async () => (await vcpupins()).get(0)).toBe("5");
    await drag(page, mid(await box(page.locator('[data-guest-head="0"]'))), mid(await box(page.locator('[data-node="1"] .card-title'))), 12);
    await expect.poll(exported).toMatch(/<memnode cellid='0' mode='strict' nodeset='1'\/>|nodeset='1'/);
    const pins = await vcpupins();
    // vCPU 0's own PU moved to node 1 too; the rest of guest node 0 runs on node 1's CPUs
    expect(pins.get(0)).toMatch(/^\d+$/);
    expect(Number(pins.get(0))).toBeGreaterThanOrEqual(26);
    expect(pins.get(1)).toBe("26-51,78-103");
    expect(await page.locator("[data-testid=diagnostics] li[data-code=PIN001]").count()).toBe(0);
    await page.click("text=undo");
    await expect.poll(async () => (await vcpupins()).get(0)).toBe("5");
  });

  it("the keyboard and the menus do the same: a chip takes a node's number, P pins the selected vCPUs on the PU cursor, a vCPU's menu pins node-wide", async () => {
    const page = h.page;
    // hovering a guest node outlines the PUs its vCPUs may run on
    await page.mouse.move(mid(await box(vcpuCell(30))).x, mid(await box(vcpuCell(30))).y);
    await expect.poll(() => page.locator(".pin-hover").getAttribute("data-pus")).toBe("26-51,78-103");
    await page.mouse.move(5, 5);
    // the emulator chip: 0 pins it to host node 0 (without the reserved CPU 7), Delete unpins it
    const chip = page.locator('[data-thread-chip="emulator"]');
    await chip.focus();
    await page.keyboard.press("0");
    await expect.poll(exported).toContain("<emulatorpin cpuset='0-6,8-25,52-77'/>");
    await page.keyboard.press("Delete");
    await expect.poll(exported).not.toContain("<emulatorpin");
    // select vCPU 40 (a click), Tab to host node 1's PUs, move the cursor to CPU 27, P pins it there
    await page.mouse.click(mid(await box(vcpuCell(40))).x, mid(await box(vcpuCell(40))).y);
    const keys = page.locator('[data-pu-keys="1"]');
    await keys.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => keys.getAttribute("data-cursor")).toBe("26");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => keys.getAttribute("data-cursor")).toBe("78");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("p");
    await expect.poll(async () => (await vcpupins()).get(40)).toBe("27");
    // a vCPU's menu: pin it node-wide to host node 0 (remote from its memory: PIN001 says so)
    await page.mouse.click(mid(await box(vcpuCell(41))).x, mid(await box(vcpuCell(41))).y, { button: "right" });
    await page.locator('.canvas-menu button:has-text("pin 1 vCPU to host node 0\'s CPUs (node-wide)")').click();
    await expect.poll(async () => (await vcpupins()).get(41)).toBe("0-6,8-25,52-77");
    await page.locator("[data-testid=diagnostics] li[data-code=PIN001]").waitFor();
    for (let i = 0; i < 4; i++) await page.click("text=undo");
    await expect.poll(async () => (await vcpupins()).get(40)).toBe("26-51,78-103");
    expect((await vcpupins()).get(41)).toBe("26-51,78-103");
  });

  it("nothing overflows at 1280×800, and the pins toggle hides the overlay", async () => {
    const page = h.page;
    const check = await pictureProblems(page);
    expect(check.overflow).toBe(0);
    expect(check.chipsOutside).toEqual([]);
    // the thread chips stay inside the canvas
    const frame = await box(page.locator("svg.host-svg"));
    const chip = await box(page.locator('[data-thread-chip="emulator"]'));
    expect(chip.x + chip.width).toBeLessThanOrEqual(frame.x + frame.width);
    expect(chip.y + chip.height).toBeLessThanOrEqual(frame.y + frame.height);
    await page.screenshot({ path: join(SHOTS, "pin-canvas-1280.png") });
    await page.locator('input[aria-label="show pins"]').uncheck();
    expect(await page.locator(".pin-band").count()).toBe(0);
    await page.locator('input[aria-label="show pins"]').check();
    expect(await page.locator(".pin-band").count()).toBeGreaterThan(0);
  });
});
