// The app shows a lab run's pinning as it shows a host run's: a 2-vCPU layout planned on the
// lab's 2 nodes (node-wide pins: each guest node's vCPU on the CPUs of the lab node its memory
// is on), launched in the lab, and the table read back from the lab guest's /proc.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { planInBar, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe("a pinned run in the lab, in the app", () => {
  it("shows every thread's allowed CPUs read back in the lab: vCPU 0 on 0-1, vCPU 1 on 2-3", { timeout: 300_000 }, async () => {
    await h.page.selectOption('select[aria-label="target host"]', "lab:2");
    await h.page.locator("svg.host-svg[aria-label^='lab: 2 nodes']").waitFor();
    await planInBar(h.page, { mem: "256M", vcpus: 2, threads: 2 });
    await h.page.click("button.primary:has-text('launch')");
    const status = h.page.locator('[data-testid="run-status"]');
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 240_000 }).toBe("done");
    const table = h.page.locator('[data-testid="run-pinning"]');
    await table.waitFor();
    expect(await table.locator("p").innerText()).toMatch(/^pinning: 2 threads pinned while QEMU was prelaunch, all where the design says$/);
    const vcpu = (n: number) => table.locator(`tr[data-role="vcpu"][data-of="${n}"]`);
    expect((await vcpu(0).locator("td").allInnerTexts()).filter((_, i) => i !== 1)).toEqual(["CPU 0/TCG", "vcpu 0", "0-1", "0-1", "yes"]);
    expect((await vcpu(1).locator("td").allInnerTexts()).filter((_, i) => i !== 1)).toEqual(["CPU 1/TCG", "vcpu 1", "2-3", "2-3", "yes"]);
    expect(await table.locator('tr[data-matches="false"]').count()).toBe(0);
    await table.scrollIntoViewIfNeeded();
    await h.page.screenshot({ path: join(SHOTS, "13-lab-pinning.png"), fullPage: true });
  });
});
