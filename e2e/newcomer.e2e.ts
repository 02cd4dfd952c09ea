// A newcomer's first half hour, in real Chromium against the real backend: what they type into
// the count fields is checked and shown beside the field (never coerced: clearing "vCPUs" once
// made it 1, so typing 8 gave 18), a sentence pasted by mistake is not imported over their
// layout, and clicking a diagnostic about -smp or the console lands on the control that fixes it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chooseTarget, startHarness, ROOT, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.page.on("dialog", (d) => void d.accept());
  await h.page.setViewportSize({ width: 1280, height: 800 });
  await chooseTarget(h.page, "sample:bm-standard2-52", '[data-node="1"]');
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const cmdline = () => h.page.locator('[data-testid="cmdline"]').innerText();
const focused = () => h.page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName);

describe("a newcomer's first edits", () => {
  it("the plan's vCPUs and threads take what is typed; a bad count is said beside its field and blocks planning", async () => {
    const page = h.page;
    const vcpus = page.locator('input[aria-label="vCPUs"]');
    await vcpus.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Backspace");
    // an empty field is an error, not a silent 1
    expect(await vcpus.inputValue()).toBe("");
    expect(await page.locator(".topbar .field-error").innerText()).toBe("vCPUs: give a whole number from 1 to 4096");
    expect(await page.locator('.topbar button:has-text("plan for me")').isDisabled()).toBe(true);
    await page.keyboard.type("8");
    expect(await vcpus.inputValue()).toBe("8");
    expect(await page.locator(".topbar .field-error").count()).toBe(0);
    const threads = page.locator('input[aria-label="preallocation threads"]');
    await threads.fill("70000");
    expect(await page.locator(".topbar .field-error").innerText()).toBe("threads: 70000 is not a whole number from 0 to 65536");
    await page.screenshot({ path: join(SHOTS, "newcomer-plan-field-error.png") });
    await threads.fill("4");
    await page.click('.topbar button:has-text("plan for me")');
    await expect.poll(cmdline).toContain("-smp 8");
  });

  it("the thread budget says it is per backend, and 100 is an error beside it, not a silent 64", async () => {
    const page = h.page;
    const budgetLabel = page.locator(".layout-panel .tools label").first();
    expect(await budgetLabel.innerText()).toContain("threads/backend");
    expect(await budgetLabel.getAttribute("title")).toContain("for each backend");
    const budget = page.locator('input[aria-label="threads per backend"]');
    await budget.fill("100");
    expect(await budget.inputValue()).toBe("100");
    expect(await page.locator(".layout-panel .tools .field-error").innerText()).toBe("threads per backend: 100 is not a whole number from 0 to 64");
    expect(await page.locator("[data-threads]").count()).toBe(0);
    await budget.fill("1");
    expect(await page.locator("[data-threads]").innerText()).toBe("1 thread");
  });

  it("a sentence pasted by mistake is not imported: the layout stays and its first word is marked", async () => {
    const page = h.page;
    const before = await cmdline();
    await page.click('button:has-text("import…")');
    await page.fill('textarea[aria-label="command line to import"]', "hello world; rm -rf /");
    await page.click('form.paste button[type="submit"]');
    const failed = page.locator('[data-testid="import-failed"]');
    await failed.waitFor();
    expect(await failed.innerText()).toContain("PARSE017");
    expect(await failed.locator("mark").first().innerText()).toBe("hello");
    expect(await cmdline()).toBe(before);
    await page.screenshot({ path: join(SHOTS, "newcomer-garbage-import.png") });
  });

  it("clicking NUMA002 focuses the -smp field, NUMA045 the display control; the fixes are undoable", async () => {
    const page = h.page;
    await page.fill('textarea[aria-label="command line to import"]', readFileSync(join(ROOT, "shared/qemu/fixtures/seed-baseline.sh"), "utf8"));
    await page.click('form.paste button[type="submit"]');
    const item = (code: string) => page.locator(`[data-testid="diagnostics"] li[data-code="${code}"]`);
    await item("NUMA002").waitFor();
    await item("NUMA002").locator("button.link").click();
    expect(await focused()).toBe("-smp cpus");
    await item("NUMA045").locator("button.link").click();
    expect(await focused()).toBe("display");
    const imported = await cmdline();
    await item("NUMA002").locator(".fix-button").click();
    await expect.poll(cmdline).toContain("-smp 104");
    await page.keyboard.press("Control+z");
    await expect.poll(cmdline).toBe(imported);
  });

  it("keyboard only on the CXL sample: a guest node on the memory-only node, then the thread budget by its node's number", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:cxl-4node", '[data-node="3"]');
    await page.click("text=new");
    await page.locator("[data-guest-new]").focus();
    await page.keyboard.press("Enter");
    await page.locator('[role="menuitem"]', { hasText: "host node 3" }).click();
    await expect.poll(cmdline).toContain("host-nodes=3,policy=bind");
    await page.fill('input[aria-label="threads per backend"]', "4");
    await page.locator("[data-threads]").focus();
    await page.keyboard.press("3");
    // node 3 has no CPUs: its preallocation context goes to node 2, the card's own "node 2 preallocates it"
    await expect.poll(cmdline).toMatch(/-object thread-context,id=tc\d+,node-affinity=2/);
    expect(await cmdline()).toMatch(/host-nodes=3,policy=bind,prealloc=on,prealloc-context=tc\d+,prealloc-threads=4/);
  });

  it("a long canvas menu stays inside the canvas at 1280×800 and scrolls: two vCPUs on the 8-node EPYC", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:epyc-7451-8node", '[data-node="7"]');
    await page.evaluate(() => (window as any).__numadesk.getState().plan({ mem: "64G", vcpus: 16, threads: 16 }));
    const at = async (v: number) => {
      const b = (await page.locator(`[data-vcpu="${v}"]`).boundingBox())!;
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    };
    const [c0, c1] = [await at(0), await at(1)];
    await page.mouse.click(c0.x, c0.y);
    await page.keyboard.down("Shift");
    await page.mouse.click(c1.x, c1.y);
    await page.keyboard.up("Shift");
    await page.mouse.click(c1.x, c1.y, { button: "right" });
    const menu = page.locator('[role="menu"]');
    await menu.waitFor();
    expect(await menu.locator('[role="menuitem"]').count()).toBeGreaterThan(20);
    const frame = (await menu.evaluate((m) => m.parentElement!.getBoundingClientRect().toJSON())) as DOMRect;
    const box = (await menu.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(frame.y);
    expect(box.y + box.height).toBeLessThanOrEqual(Math.min(frame.y + frame.height, 800) + 1);
    await page.screenshot({ path: join(SHOTS, "newcomer-long-menu.png") });
    // the last item is reached from the keyboard (the menu scrolls to it)
    await page.keyboard.press("ArrowUp");
    const last = menu.locator('[role="menuitem"]').last();
    expect(await last.evaluate((b) => b === document.activeElement)).toBe(true);
    const lastBox = (await last.boundingBox())!;
    expect(lastBox.y + lastBox.height).toBeLessThanOrEqual(box.y + box.height + 1);
    await page.keyboard.press("Escape");
  });
});
