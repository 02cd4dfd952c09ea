// `numadesk runs report` end to end: two real QEMU runs (without and with a thread-context)
// through the CLI, one renamed with a hostile label, the report written, then opened in
// headless Chromium with the network cut off: it must render offline, ask for nothing, log no
// error, show both plots as SVG with marks, and keep the label as text.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { builtCli } from "./fixtures/built-cli";

// the built CLI (dist/numadesk.js, rebuilt when stale): a plain node start instead of compiling
// the sources through tsx on every spawn
let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);

const root = join(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "numadesk-report-"));
const env = { ...process.env, NUMADESK_DATA_DIR: join(tmp, "data") };
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd: root, encoding: "utf8", env, timeout: 90_000 });

const HOSTILE = `</script><script>window.pwned=1</script>"><img src=x onerror="window.pwned=2">`;

describe("numadesk runs report", () => {
  it("writes one self-contained HTML file that Chromium renders offline with both plots, no request and no error", { timeout: 240_000 }, async () => {
    const plan = cli(["plan", "--mem", "256M", "--vcpus", "2", "--threads", "2", "--backend", "memfd", "--format", "json"]);
    expect(plan.status, plan.stderr).toBe(0);
    const withTc = JSON.parse(plan.stdout);
    expect(withTc.threadContexts.length).toBeGreaterThan(0);
    const without = { ...withTc, threadContexts: [], backends: withTc.backends.map(({ preallocContext: _, ...b }: Record<string, unknown>) => b) };
    const ids: string[] = [];
    for (const [name, layout] of [
      ["without", without],
      ["with", withTc],
    ] as const) {
      const file = join(tmp, `${name}.numadesk.json`);
      writeFileSync(file, JSON.stringify(layout));
      const r = cli(["run", file, "--rate", "1000"]);
      expect(r.status, r.stderr).toBe(0);
      ids.push(/^run (\S+) /m.exec(r.stdout)![1]!);
    }
    expect(cli(["runs", "label", ids[0]!, HOSTILE]).status).toBe(0);
    const out = join(tmp, "report.html");
    const rep = cli(["runs", "report", ...ids, "--out", out]);
    expect(rep.status, rep.stderr).toBe(0);
    expect(rep.stdout).toMatch(/^wrote .*report\.html: 2 runs, [\d.]+ KiB\n$/);
    // a folder that is not there is a clear error, not a stack
    const bad = cli(["runs", "report", ids[0]!, "--out", join(tmp, "no/such/folder/r.html")]);
    expect([bad.status, bad.stderr]).toEqual([1, `numadesk: cannot write ${join(tmp, "no/such/folder/r.html")}: ENOENT\n`]);
    const html = readFileSync(out, "utf8");
    expect(statSync(out).size).toBeGreaterThan(5000);
    expect(html).not.toContain("<img");

    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const url = pathToFileURL(out).href;
      const requests: string[] = [];
      const errors: string[] = [];
      page.on("request", (r) => r.url() !== url && requests.push(r.url()));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForLoadState("load");
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      const plots = page.locator("svg.placement");
      expect(await plots.count()).toBe(2);
      for (let i = 0; i < 2; i++) {
        const marks = await plots.nth(i).locator("rect.mark").count();
        expect(marks, `plot ${i + 1}`).toBeGreaterThan(0);
        expect(await plots.nth(i).locator("text.cpu-label").count()).toBeGreaterThan(0);
        const box = await plots.nth(i).boundingBox();
        expect(box!.width).toBeGreaterThan(300);
      }
      // the hostile label is the heading's text, and nothing of it ran or became an element
      expect(await page.locator("section.run h2").first().textContent()).toBe(`1. ${HOSTILE}`);
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.locator("text=Side by side").count()).toBe(1);
      expect(await page.locator("li", { hasText: /× (faster than|the time of)|as long as/ }).count()).toBe(1);
    } finally {
      await browser.close();
    }
  });

  it("says what is missing: ids, --out, a run that is not there", () => {
    const none = cli(["runs", "report", "--out", join(tmp, "x.html")]);
    expect([none.status, none.stderr]).toEqual([2, expect.stringContaining("runs report takes one or more run ids and --out FILE.html")]);
    const noOut = cli(["runs", "report", "some-id"]);
    expect([noOut.status, noOut.stderr]).toEqual([2, expect.stringContaining("runs report writes a file: give --out FILE.html")]);
    const missing = cli(["runs", "report", "nobody", "--out", join(tmp, "x.html"), "--dir", tmp]);
    expect([missing.status, missing.stderr]).toEqual([1, `numadesk: there is no run 'nobody' in ${tmp}\n`]);
    expect(existsSync(join(tmp, "x.html"))).toBe(false);
  });
});
