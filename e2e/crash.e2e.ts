// A drawing error never leaves a blank window: the page says what happened, offers the layout as
// text and a reload, and after the reload the app is back with the recovery copy of unsaved work.
// The error is made the way a bug would make it: a host the views cannot draw put in the store.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlannedSeed, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startPlannedSeed({ mem: "16G", vcpus: 8, threads: 4 });
}, 90_000);
afterAll(async () => {
  await h?.close();
});

describe("a drawing error", () => {
  it("shows what stopped and the layout as text instead of a blank page; reload brings the app back and offers the unsaved layout", async () => {
    const page = h.page;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // a host whose nodes are not a list: every view that draws the host throws
    await page.evaluate(() => {
      const store = (window as any).__numadesk;
      store.setState({ host: { ...store.getState().host, nodes: 7 } });
    });
    const alert = page.getByRole("alert").filter({ hasText: "could not draw this page" });
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.locator("code").textContent()).toMatch(/\S/);
    // one column, everything inside the box (the app's grid for <main> must not apply)
    const box = await alert.evaluate((e) => ({ over: e.scrollWidth - e.clientWidth, display: getComputedStyle(e).display }));
    expect(box).toEqual({ over: 0, display: "block" });
    const text = await page.locator('textarea[aria-label="the layout as text"]').inputValue();
    expect(JSON.parse(text).backends.map((b: { id: string }) => b.id)).toEqual(["ram-node0", "ram-node1"]);
    // leaving asks first (unsaved work): accept, as a user who read the page would
    page.once("dialog", (d) => void d.accept());
    // the recovery copy is written 300 ms after an edit; the plan was an edit
    await page.waitForFunction(() => localStorage.getItem("numadesk.recovery") !== null);
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "reload" }).click()]);
    await page.locator("svg.host-svg").waitFor();
    expect(await page.getByRole("alert").filter({ hasText: "could not draw this page" }).count()).toBe(0);
    await page.getByText("Unsaved work from your last session was kept").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "restore it" }).click();
    // (the layout comes back; the reloaded page is on its own target, so only the store is asked)
    await page.waitForFunction(() => (window as any).__numadesk.getState().layout.backends.length === 2);
    expect(await page.evaluate(() => (window as any).__numadesk.getState().layout.backends.map((b: { id: string }) => b.id))).toEqual(["ram-node0", "ram-node1"]);
  });
});
