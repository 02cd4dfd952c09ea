// `numadesk serve --sysfs DIR` on a copy that lacks a file: the app opens on the copy and its
// message line says which figures are defaults, naming the file, as it does for an import.
// The layout is made by serve's own code and handed to the running app as serve hands it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHarness, type Harness } from "./harness";
import { handout } from "../electron/cli/commands/serve";
import { writeTinySysfs } from "../electron/probe/fixtures/tiny-sysfs";

let h: Harness;
const tmp = mkdtempSync(join(tmpdir(), "numadesk-e2e-sysfs-"));
beforeAll(async () => {
  // browser mode: the test hands the layout to this backend, as serve does with its own
  h = await startHarness({ browser: true });
  await h.page.locator("svg.host-svg").waitFor();
}, 90_000);
afterAll(async () => {
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a sysfs copy opened in the app", () => {
  it("says what the copy lacks, naming the file, and draws the node with 0 B", async () => {
    const dir = writeTinySysfs(join(tmp, "copy"));
    rmSync(join(dir, "devices/system/node/node1/meminfo"));
    const notes: string[] = [];
    const text = handout(undefined, { sysfs: dir }, (t) => notes.push(t));
    // serve prints the same on its terminal
    expect(notes).toEqual([`the sysfs copy ${dir} does not say everything, so Numadesk took defaults:\n  node/node1/meminfo is missing: its memory is taken as 0`]);
    h.backend!.handOut(text!);
    const status = h.page.getByRole("status").filter({ hasText: "does not say everything" });
    await status.waitFor({ timeout: 20_000 });
    expect(await status.textContent()).toContain(
      `opened on ${dir}, the target it was saved for. the sysfs copy ${dir} does not say everything, so Numadesk took defaults: node/node1/meminfo is missing: its memory is taken as 0`,
    );
    await h.page.locator('[data-node="1"]').waitFor();
    // the message goes; the top bar keeps the note beside the target for as long as it is open
    await h.page.getByRole("button", { name: "dismiss this message" }).click();
    await expect.poll(() => status.count()).toBe(0);
    const lacks = h.page.getByTestId("target-lacks");
    expect(await lacks.locator("summary").getAttribute("aria-label")).toBe("1 default: what the target's source does not say");
    expect((await lacks.locator("summary").textContent())?.trim()).toBe("⚠ 1");
    const list = lacks.getByRole("note");
    expect(await list.isVisible()).toBe(false);
    await lacks.locator("summary").click();
    expect(await list.isVisible()).toBe(true);
    expect(await list.locator("p").innerText()).toBe(`the sysfs copy ${dir} does not say everything, so Numadesk took defaults:`);
    expect(await list.locator("li").allInnerTexts()).toEqual(["node/node1/meminfo is missing: its memory is taken as 0"]);
    // nothing spills sideways at 1280 px with the note open
    await h.page.setViewportSize({ width: 1280, height: 800 });
    expect(await h.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    // a sample says everything: no note
    await h.page.selectOption('select[aria-label="target host"]', "sample:bm-standard2-52");
    await expect.poll(() => lacks.count()).toBe(0);
  }, 60_000);
});
