// Fields and imports that never lose work, in real Chromium: a bad -m shows its error beside
// the field and changes nothing, a good one changes the command line; a failed import keeps
// the layout and the pasted text, marks the offending token, and offers a partial import.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlannedSeed, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startPlannedSeed({ mem: "256G", vcpus: 104, threads: 16 });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const cmdline = () => h.page.locator('[data-testid="cmdline"]').innerText();

describe("fields and imports that keep work", () => {
  it("-m: an invalid size shows its error beside the field as it is typed and is not applied; a valid one is", async () => {
    const before = await cmdline();
    const m = h.page.locator('input[aria-label="guest memory size (-m)"]');
    await m.fill("256 gigs");
    const error = h.page.locator(".vm-row .field-error");
    expect(await error.innerText()).toMatch(/\S/);
    expect(await m.getAttribute("aria-invalid")).toBe("true");
    await m.press("Enter");
    expect(await cmdline()).toBe(before);
    expect(await m.inputValue()).toBe("256 gigs");
    await m.fill("300G");
    expect(await error.count()).toBe(0);
    await m.press("Enter");
    expect(await cmdline()).toContain("-m 300G");
    await h.page.click("text=undo");
    expect(await cmdline()).toBe(before);
  });

  it("-smp sockets typed in place lands on the command line", async () => {
    const sockets = h.page.locator('input[aria-label="-smp sockets"]');
    await sockets.fill("x");
    expect(await h.page.locator(".vm-row .field-error").innerText()).toBe("-smp sockets: 'x' is not a whole number from 1 to 65536");
    await sockets.fill("2");
    await sockets.press("Enter");
    expect(await cmdline()).toMatch(/-smp 104,sockets=2/);
    await h.page.click("text=undo");
  });

  it("the plan's memory says what is wrong and cannot be planned with", async () => {
    await h.page.fill('input[aria-label="guest memory"]', "lots");
    expect(await h.page.locator(".plan .field-error").innerText()).toMatch(/^memory: /);
    expect(await h.page.locator('.plan button[type="submit"]').isDisabled()).toBe(true);
    await h.page.fill('input[aria-label="guest memory"]', "256G");
    expect(await h.page.locator('.plan button[type="submit"]').isDisabled()).toBe(false);
  });

  it("a failed import keeps the layout and the pasted text, marks the token, and imports what it can only when asked", async () => {
    const before = await cmdline();
    const bad = "qemu-system-x86_64 -m 4G -object memory-backend-ram,id=a,size=1G,host-nodes=x";
    await h.page.click("text=import…");
    await h.page.fill('textarea[aria-label="command line to import"]', bad);
    await h.page.click('form.paste button[type="submit"]');
    const failed = h.page.locator('[data-testid="import-failed"]');
    expect(await failed.innerText()).toContain("your layout is unchanged");
    expect(await failed.locator("mark").innerText()).toBe("memory-backend-ram,id=a,size=1G,host-nodes=x");
    expect(await cmdline()).toBe(before);
    expect(await h.page.locator('textarea[aria-label="command line to import"]').inputValue()).toBe(bad);
    await h.page.click("text=import what could be read");
    expect(await cmdline()).toContain("-m 4G");
    await h.page.click("text=undo");
    expect(await cmdline()).toBe(before);
  });
});
