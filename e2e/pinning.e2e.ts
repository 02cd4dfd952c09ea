// The pinning panel in real Chromium: the plan pins node-wide, one PU per vCPU is a click
// away, a reserved CPU a pin uses is said with its one-click fix, and undo takes it back.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlannedSeed, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startPlannedSeed({ mem: "8G", vcpus: 8, threads: 4 });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const codes = () => h.page.locator("[data-testid=diagnostics] li").evaluateAll((els) => els.map((e) => e.getAttribute("data-code")));

describe("the pinning panel", () => {
  it("shows the plan's node-wide pins, switches to one PU per vCPU, and says when a pin uses a reserved CPU", async () => {
    const panel = h.page.locator("section[aria-label=pinning]");
    await panel.waitFor();
    expect(await panel.locator("input[value=node]").isChecked()).toBe(true);
    await panel.locator("input[value=cpu]").check();
    expect(await panel.locator("input[value=cpu]").isChecked()).toBe(true);
    // one PU per vCPU leaves PUs for the emulator: pinned there, no PIN005
    expect(await panel.locator('input[aria-label="host CPUs of the emulator thread"]').inputValue()).toMatch(/^\d/);
    expect(await codes()).not.toContain("PIN005");

    const reserved = panel.locator('input[aria-label="host CPUs reserved for the host"]');
    await reserved.fill("0-");
    expect(await reserved.getAttribute("aria-invalid")).toBe("true");
    await reserved.fill("0");
    await reserved.press("Enter");
    // vCPU 0 sits on CPU 0, now reserved: PIN007 with its fix
    const pin7 = h.page.locator("[data-testid=diagnostics] li[data-code=PIN007]");
    await pin7.waitFor();
    await pin7.locator(".fix-button").click();
    expect(await codes()).not.toContain("PIN007");
    await h.page.click("text=undo");
    await pin7.waitFor();
  });

  it("none removes the vCPU pins", async () => {
    const panel = h.page.locator("section[aria-label=pinning]");
    await panel.locator("input[value=none]").check();
    expect(await panel.locator("input[value=none]").isChecked()).toBe(true);
    expect(await codes()).not.toContain("PIN007");
  });
});
