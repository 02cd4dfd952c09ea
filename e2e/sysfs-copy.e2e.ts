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
  }, 60_000);
});
