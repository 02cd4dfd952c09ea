// A trainer's path without the machine that ran: a small real run on this host, watched live
// (GiB per backend included), then replayed from the history at 10× through the same live view
// — the same marks — and exported as a recording and imported back; a hostile file is refused.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chooseTarget, planInBar, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
/** the live run exported in the second test, as it was saved */
let exported: { file: string; title: string } | undefined;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** The plot's marks per touch_pages thread: tid → count, off-node count, sum of x (px), sum of rows. */
async function marks(): Promise<Map<number, { n: number; off: number; sx: number; rows: number }>> {
  const text = (await h.page.locator(".run-panel .run-main > .plot canvas").first().getAttribute("data-marks")) ?? "";
  return new Map(
    text
      .split(" ")
      .filter(Boolean)
      .map((x) => x.split(":").map(Number))
      .map(([tid, n, off, sx, rows]) => [tid!, { n: n!, off: off!, sx: sx!, rows: rows! }]),
  );
}

describe("replays and recordings", () => {
  it("replays a saved run through the live view and draws the same marks as the live run did", { timeout: 180_000 }, async () => {
    await chooseTarget(h.page, "host", "svg.host-svg[aria-label^='this host']");
    await planInBar(h.page, { mem: "1G", vcpus: 2, threads: 2 });
    await h.page.click("button.primary:has-text('launch')");
    const status = h.page.locator('[data-testid="run-status"]');
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 90_000 }).toBe("done");
    // GiB per backend: all of ram-node0 was there by the end, said by QEMU's smaps
    const progress = h.page.locator('[data-testid="run-progress"] tr[data-backend="ram-node0"]');
    await expect.poll(() => progress.getAttribute("data-bytes"), { timeout: 10_000 }).toBe(String(2 ** 30));
    expect(await progress.innerText()).toMatch(/1\.00 \/ 1\.00 GiB\s+all there by \d+\.\d\d s/);
    // done means the record is loaded and the live view drew the record's samples: no waiting for a late batch
    const live = await marks();
    expect(live.size).toBeGreaterThan(0);
    const liveCount = [...live.values()].reduce((a, m) => a + m.n, 0);
    expect(liveCount).toBeGreaterThan(0);

    await h.page.selectOption('select[aria-label="replay speed"]', "10");
    await h.page.locator('[data-testid="history"] li').first().locator("button:has-text('replay')").click();
    await expect.poll(() => h.page.locator('[data-testid="replay-badge"]').innerText(), { timeout: 5000 }).toBe("replay 10×");
    // a trainer replaying says which run this is: the title over the plot is the history's, from the first frame
    const rowTitle = (await h.page.locator('[data-testid="history"] li').first().locator(".run-title").innerText()).trim();
    expect(rowTitle).toMatch(/thread-context, 1 GiB, this host/);
    expect((await h.page.locator('[data-testid="run-title"]').innerText()).trim()).toBe(rowTitle);
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 60_000 }).toBe("done");
    // the same picture, mark for mark: count, off-node count, sum of x and of rows per thread
    const replayed = await marks();
    expect(replayed).toEqual(live);
    expect(await progress.getAttribute("data-bytes")).toBe(String(2 ** 30));
    expect(await status.innerText()).toMatch(/^done · \d+\.\d s · preallocated in \d+\.\d\d s$/);
    await h.page.screenshot({ path: join(SHOTS, "10-replay-done.png"), fullPage: true });
  });

  it("exports a run as a recording and imports it back; a hostile file is refused with a sentence", async () => {
    const row = h.page.locator('[data-testid="history"] li').first();
    const [download] = await Promise.all([h.page.waitForEvent("download"), row.locator("button:has-text('export')").click()]);
    expect(download.suggestedFilename()).toMatch(/\.numadesk-run\.json$/);
    const file = join(h.runs, "..", `present-e2e-${Date.now()}.numadesk-run.json`);
    await download.saveAs(file);
    const record = JSON.parse(readFileSync(file, "utf8"));
    exported = { file, title: (await row.locator(".run-title").innerText()).trim() };
    // the summary on screen is this run's: its rate per backend is over the time its threads ran, and says so
    // (the run's rate, over the time to preallocation done, is another number: 0.07 against 0.05 GiB/s in a lab demo)
    const b = record.backends[0];
    const summary = h.page.locator('[data-testid="run-summary"]');
    expect(await summary.locator("th").last().innerText()).toBe("GiB/s while its threads ran");
    expect(await summary.locator("tbody tr").first().locator("td").last().innerText()).toBe((b.bytes / 2 ** 30 / ((b.lastMs - b.firstMs) / 1000)).toFixed(2));
    expect(record.samples.t.length).toBeGreaterThan(0);
    // the recording, renamed by its trainer, comes back as a run of its own
    record.label = "from the class handout";
    writeFileSync(file, JSON.stringify(record));
    await h.page.setInputFiles('input[aria-label="recording file"]', file);
    await expect.poll(() => h.page.locator('[data-testid="history"]').innerText(), { timeout: 10_000 }).toMatch(/from the class handout/);
    // hostile: not a record, and a record whose columns do not agree
    await h.page.setInputFiles('input[aria-label="recording file"]', {
      name: "evil.json",
      mimeType: "application/json",
      buffer: Buffer.from('{"__proto__": {"x": 1}, "samples": 1, "argv": "<script>"}'),
    });
    await expect.poll(() => h.page.locator(".message.error").innerText(), { timeout: 10_000 }).toMatch(/evil\.json is not a valid recording: \$/);
    record.samples.tid = [1];
    await h.page.setInputFiles('input[aria-label="recording file"]', { name: "holes.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(record)) });
    await expect.poll(() => h.page.locator(".message.error").innerText(), { timeout: 10_000 }).toMatch(/holes\.json cannot be replayed: its sample columns differ in length/);
    expect(await h.page.locator('[data-testid="history"] li').count()).toBe(2);
  });

  it("presents any two runs picked from the history, and draws the compare chart's text at 14 px at 1280", async () => {
    await h.page.setViewportSize({ width: 1280, height: 800 });
    // the box follows the store, which loads the record first: click, then wait for it
    const boxes = h.page.locator('[data-testid="history"] li input[type="checkbox"]');
    for (let i = 0; i < 2; i++) {
      await boxes.nth(i).click();
      await expect.poll(() => boxes.nth(i).isChecked(), { timeout: 10_000 }).toBe(true);
    }
    await expect.poll(() => h.page.locator(".compare-chart rect").count(), { timeout: 10_000 }).toBe(2);
    const label = (await h.page.locator(".compare-chart text").first().boundingBox())!;
    expect(label.height).toBeGreaterThanOrEqual(13);
    // on a projector at 1280 every run's whole title shows (not "with thread-context, 1 GiB, th…"), inside
    // the picture, and the picture says what its bars are
    const chart = (await h.page.locator(".compare-chart svg").boundingBox())!;
    const names = h.page.locator('.compare-chart text[data-role="run"]');
    expect(await names.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      const text = await names.nth(i).evaluate((t) => t.lastChild?.textContent ?? "");
      expect(text).not.toMatch(/…/);
      expect(text).toBe(await names.nth(i).locator("title").textContent());
      const r = (await names.nth(i).boundingBox())!;
      expect(r.x).toBeGreaterThanOrEqual(chart.x);
      expect(r.x + r.width).toBeLessThanOrEqual(chart.x + chart.width + 0.5);
    }
    expect(await h.page.locator('.compare-chart text[data-role="caption"]').textContent()).toMatch(/time to preallocation done.*shorter is faster/);
    await h.page.locator(".compare-chart").scrollIntoViewIfNeeded();
    await h.page.locator(".compare").screenshot({ path: join(SHOTS, "12-compare-chart-1280.png") });
    await h.page.click(".compare button:has-text('present')");
    const presenter = h.page.locator('[role="dialog"][aria-label="presenter mode"]');
    expect(await presenter.getAttribute("data-steps")).toBe("3");
    expect(await h.page.locator('[data-testid="presenter-caption"]').innerText()).toMatch(
      /^1\. With a thread-context on node 0 (both workers|the worker) of ram-node0 ran on node 0, next to their memory/,
    );
    await h.page.keyboard.press("End");
    expect(await h.page.locator('[data-testid="presenter-caption"]').innerText()).toMatch(/^3\. Side by side, on one time scale: "from the class handout" took as long/);
    await h.page.screenshot({ path: join(SHOTS, "12-present-history-1280.png") });
    await h.page.keyboard.press("Escape");
    await expect.poll(() => presenter.count()).toBe(0);
  });

  it("draws each run on its own time axis: a short run replayed after a long one is not squeezed into the long one's axis", { timeout: 120_000 }, async () => {
    // the lab demo's second run was drawn on the first one's 16 s axis; here: the same run, slowed down eight times
    const record = JSON.parse(readFileSync(exported!.file, "utf8"));
    record.id = `${record.id}-slow`;
    record.label = "eight times slower";
    record.samples.t = record.samples.t.map((t: number) => t * 8);
    for (const k of Object.keys(record.timings)) if (typeof record.timings[k] === "number") record.timings[k] *= 8;
    if (record.populated) record.populated.t = record.populated.t.map((t: number) => t * 8);
    const slow = join(h.runs, "..", `slow-e2e-${Date.now()}.numadesk-run.json`);
    writeFileSync(slow, JSON.stringify(record));
    await h.page.setInputFiles('input[aria-label="recording file"]', slow);
    const rows = h.page.locator('[data-testid="history"] li');
    await expect.poll(() => rows.filter({ hasText: "eight times slower" }).count(), { timeout: 10_000 }).toBe(1);
    const status = h.page.locator('[data-testid="run-status"]');
    const canvas = h.page.locator(".run-panel .run-main > .plot canvas").first();
    const replay = async (title: string | RegExp) => {
      await h.page.selectOption('select[aria-label="replay speed"]', "10");
      await rows.filter({ hasText: title }).first().locator("button:has-text('replay')").click();
      await expect.poll(() => h.page.locator('[data-testid="run-title"]').innerText(), { timeout: 5000 }).toMatch(title);
      await expect.poll(() => status.getAttribute("data-status"), { timeout: 60_000 }).toBe("done");
      return Number(await canvas.getAttribute("data-axis-ms"));
    };
    const long = await replay("eight times slower");
    expect(long).toBeGreaterThanOrEqual(record.timings.preallocMs);
    const short = await replay(exported!.title);
    // the axis fits the short run: at most twice its length (it grows by doubling from 1 s)
    const shortMs = record.timings.totalMs / 8;
    expect(short).toBeLessThan(long);
    expect(short).toBeLessThanOrEqual(Math.max(1000, 2 * shortMs));
    await h.page.screenshot({ path: join(SHOTS, "13-replay-short-after-long.png"), fullPage: true });
  });
});
