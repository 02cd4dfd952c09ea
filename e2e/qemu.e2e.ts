// The QEMU binaries view in the real browser against the real backend: every binary on this
// host with its capabilities, and what each would do with the layout's backends.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { chooseTarget, planInBar, startHarness, SHOTS, type Harness } from "./harness";
import { ensureBackportsQemu } from "../electron/qemu/backports";

let h: Harness;
// the suite's QEMU 10 (fetched into the cache, as electron/qemu/versions.test.ts does)
const qemu10 = await ensureBackportsQemu().catch((e: Error) => {
  console.warn(`QEMU 10 not shown in this test: it could not be fetched from bookworm-backports: ${e.message}`);
  return undefined;
});
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe("the QEMU binaries view", () => {
  it("lists Debian's 7.2 (one backend after another) and QEMU 10 (in parallel), with each backend's workers for the planned layout", async () => {
    await chooseTarget(h.page, "sample:bm-standard2-52", '[data-node="1"]');
    await planInBar(h.page, { mem: "256G", vcpus: 104, threads: 16 });
    await h.page.locator(".qemu-panel summary").click();
    const v72 = h.page.locator('.qemu-list > li[data-version^="7.2."]');
    await v72.first().waitFor({ timeout: 30_000 });
    expect(await v72.first().innerText()).toContain("backends preallocated one after another");
    expect(await v72.first().innerText()).toMatch(/ram-node0: 8 workers on node 0, one backend after another/);
    if (qemu10) {
      const v10 = h.page.locator('.qemu-list > li[data-version^="10."]');
      await v10.first().waitFor();
      const text = await v10.first().innerText();
      expect(text).toContain("backends preallocated in parallel");
      expect(text).toMatch(/ram-node0: 8 workers on node 0, parallel with ram-node1/);
    }
    await h.page.screenshot({ path: join(SHOTS, "qemu-binaries.png"), fullPage: true });
  }, 60_000);
});
