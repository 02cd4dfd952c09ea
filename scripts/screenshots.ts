// `npm run screenshots`: every bundled sample host, with a planned layout on it, at 1280×800,
// 1920×1080 and 2560×1440, in light and dark, from the built app in Debian's Chromium
// (browser mode, the e2e harness). Pictures go to test-results/screens/; the README's pictures
// (README_SHOTS) are regenerated from the same run. Each shot is checked for sideways
// overflow of the page and for chips outside their cards; the script says which failed.

import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { chooseTarget, pictureProblems, planInBar, startHarness, ROOT, SAMPLE_PLANS, SHOTS } from "../e2e/harness";
import type { PlanRequest } from "../shared/plan/planner";

const SIZES: Array<[number, number]> = [
  [1280, 800],
  [1920, 1080],
  [2560, 1440],
];
const THEMES = ["light", "dark"] as const;
/** a layout worth looking at on each sample (the e2e picture tests plan the same) */
const PLANS: Record<string, Omit<PlanRequest, "nodes">> = Object.fromEntries(SAMPLE_PLANS);
/** the README's pictures (few: the seed host as the front picture, the biggest sample small and dark) */
const README_SHOTS = [
  { sample: "bm-standard2-52", width: 1920, theme: "light", file: "docs/app-canvas.png" },
  { sample: "epyc-7451-8node", width: 1280, theme: "dark", file: "docs/app-epyc-1280-dark.png" },
] as const;

// SCREENS_DIR puts them elsewhere (a before/after comparison keeps two sets)
const out = process.env.SCREENS_DIR ?? join(SHOTS, "screens");
mkdirSync(out, { recursive: true });
const samples = readdirSync(join(ROOT, "assets/hosts"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));

const h = await startHarness();
const problems: string[] = [];
try {
  const page = h.page;
  await page.locator("svg.host-svg").waitFor();
  for (const theme of THEMES) {
    await page.evaluate((t) => (window as any).__numadesk.getState().setTheme(t), theme);
    for (const sample of samples) {
      await chooseTarget(page, `sample:${sample}`, `svg.host-svg[aria-label^="${sample}:"]`);
      // first the host with no layout (what a new target shows), then a planned one
      await page.evaluate(() => (window as any).__numadesk.getState().newLayout?.());
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(250);
        const file = join(out, `${sample}-${width}x${height}-${theme}-empty.png`);
        await page.screenshot({ path: file });
        const check = await pictureProblems(page);
        if (check.overflow > 0) problems.push(`${file}: the page scrolls ${check.overflow} px sideways`);
        console.log(file);
      }
      const plan = PLANS[sample] ?? { mem: "4G", vcpus: 4, threads: 4 };
      // planned through the bar's own fields, so the picture shows what produced the layout
      await planInBar(page, plan);
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(250); // the resize observer, the fit and a frame
        const file = join(out, `${sample}-${width}x${height}-${theme}.png`);
        await page.screenshot({ path: file });
        const check = await pictureProblems(page);
        if (check.overflow > 0) problems.push(`${file}: the page scrolls ${check.overflow} px sideways`);
        if (check.chipsOutside.length) problems.push(`${file}: chips outside their card: ${check.chipsOutside.join(", ")}`);
        console.log(file);
        for (const r of README_SHOTS) {
          if (sample !== r.sample || width !== r.width || theme !== r.theme) continue;
          await page.screenshot({ path: join(ROOT, r.file) });
          console.log(join(ROOT, r.file));
        }
      }
    }
  }
} finally {
  await h.close();
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exitCode = 1;
}
