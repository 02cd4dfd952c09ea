// The command line the app shows can always be pasted back: a layout whose line would pass the
// importer's 10 000 words (shared/qemu/tokenize.ts) shows why it is not written, with copy and
// save off, and its layout JSON instead; one under the bound pastes back to the same line.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.locator("svg.host-svg").waitFor();
}, 90_000);
afterAll(async () => {
  await h?.close();
});

const layoutWith = (options: number) =>
  JSON.stringify({
    version: 2,
    memory: { size: "512M" },
    smp: { cpus: 2 },
    nodes: [{ nodeid: 0, cpus: "0-1", memdev: "m0" }],
    distances: [],
    threadContexts: [],
    backends: [{ id: "m0", type: "ram", size: "512M" }],
    args: Array.from({ length: options }, () => ({ tokens: ["-S"] })),
  });

async function open(text: string) {
  await h.page.setInputFiles('input[aria-label="layout file to open"]', { name: "big.numadesk.json", mimeType: "application/json", buffer: Buffer.from(text) });
}

describe("the shown command line and the importer hold one bound", () => {
  it("10 000 options: the line is not written, copy and save are off, layout JSON is offered", async () => {
    const cmdline = h.page.locator('[data-testid="cmdline"]');
    await open(layoutWith(10_000));
    await expect.poll(() => cmdline.innerText(), { timeout: 30_000 }).toMatch(/^not written: this layout's command line has 10009 words, more than the 10000 Numadesk reads back from a paste/);
    const header = h.page.locator('section[aria-label="command line"] header');
    expect(await header.getByRole("button", { name: "copy" }).isDisabled()).toBe(true);
    expect(await header.getByRole("button", { name: "save" }).isDisabled()).toBe(true);
    await h.page.selectOption('select[aria-label="export format"]', "json");
    await expect.poll(() => cmdline.innerText()).toMatch(/^\{\s*"version": 2/);
    expect(await header.getByRole("button", { name: "copy" }).isDisabled()).toBe(false);
    await h.page.selectOption('select[aria-label="export format"]', "qemu");
  }, 120_000);

  it("9 991 options (10 000 words): the line is written, and pasted back it gives the same line", async () => {
    const cmdline = h.page.locator('[data-testid="cmdline"]');
    await open(layoutWith(9_991));
    await expect.poll(() => cmdline.innerText(), { timeout: 30_000 }).toMatch(/^qemu-system-x86_64/);
    const line = await cmdline.innerText();
    expect(line.split(/\s+/).filter((w) => w !== "" && w !== "\\").length).toBe(10_000);
    const area = h.page.locator('textarea[aria-label="command line to import"]');
    if (!(await area.isVisible())) await h.page.click("text=import…");
    // one input event with the whole text, as a paste gives (Playwright's fill of 60 kB timed out here)
    await area.evaluate((el, v) => {
      const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
      set.call(el, v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, line);
    const t0 = Date.now();
    await h.page.click('form.paste button[type="submit"]');
    await expect.poll(() => area.isVisible(), { timeout: 30_000 }).toBe(false);
    console.log(`pasting 10 000 words back: ${Date.now() - t0} ms until the import closed`);
    expect(await cmdline.innerText()).toBe(line);
  }, 120_000);
});
