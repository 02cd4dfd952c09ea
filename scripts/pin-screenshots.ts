// `npx tsx scripts/pin-screenshots.ts`: the seed sample (bm-standard2-52) with its vCPUs pinned,
// at 1280×800 and 1920×1080, light and dark, from the built app in Debian's Chromium (the e2e
// harness). Two designs: node-wide pins with four vCPUs given PUs of their own, a reserved PU
// and the emulator on node 1; and one PU per vCPU (100 vCPUs) with two PUs reserved for the
// host. Pictures go to test-results/screens/; the README's picture
// (docs/app-pins.png) is the first design at 1920×1080, light. Each shot is checked for
// sideways overflow and for thread chips outside the canvas.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chooseTarget, pictureProblems, planInBar, startHarness, ROOT, SHOTS } from "../e2e/harness";

const SIZES: Array<[number, number]> = [
  [1280, 800],
  [1920, 1080],
];
const out = join(SHOTS, "screens");
mkdirSync(out, { recursive: true });

/** The designs, made through the store's own actions (the e2e drives the same edits with the mouse). */
const DESIGNS: Array<{ name: string; plan: { mem: string; vcpus: number; threads: number }; then: string; click?: string }> = [
  {
    name: "pins-node",
    plan: { mem: "256G", vcpus: 104, threads: 16 },
    then: `const s = () => window.__numadesk.getState();
      s().pinVcpus([0, 1, 2, 3], { pu: 5 });
      s().toggleReserve(7);
      s().toggleReserve(59);
      s().pinThreadTo({ kind: "emulator" }, { node: 1 });`,
  },
  {
    name: "pins-cpu",
    plan: { mem: "256G", vcpus: 100, threads: 16 },
    then: `const s = () => window.__numadesk.getState();
      s().toggleReserve(0);
      s().toggleReserve(52);`,
    // the pinning panel's own radio, once the panel shows the reserved CPUs
    click: "section[aria-label=pinning] input[value=cpu]",
  },
];

const h = await startHarness();
const problems: string[] = [];
try {
  const page = h.page;
  await page.locator("svg.host-svg").waitFor();
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((t) => (window as any).__numadesk.getState().setTheme(t), theme);
    for (const d of DESIGNS) {
      await chooseTarget(page, "sample:bm-standard2-52", '[data-node="1"]');
      await planInBar(page, d.plan);
      await page.locator('[data-guest-box="1"]').waitFor();
      await page.evaluate(d.then);
      if (d.click) await page.locator(d.click).click();
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.waitForTimeout(300); // the resize observer, the fit and a frame
        const file = join(out, `bm-standard2-52-${d.name}-${width}x${height}-${theme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
        const check = await pictureProblems(page);
        if (check.overflow > 0) problems.push(`${file}: the page scrolls ${check.overflow} px sideways`);
        const outside = await page.evaluate(() => {
          const svg = document.querySelector("svg.host-svg")!.getBoundingClientRect();
          return Array.from(document.querySelectorAll("[data-thread-chip]"))
            .filter((c) => c.getBoundingClientRect().right > svg.right + 0.5 || c.getBoundingClientRect().bottom > svg.bottom + 0.5)
            .map((c) => c.getAttribute("data-thread-chip"));
        });
        if (outside.length) problems.push(`${file}: thread chips outside the canvas: ${outside.join(", ")}`);
        if (d.name === "pins-node" && width === 1920 && theme === "light") {
          await page.screenshot({ path: join(ROOT, "docs/app-pins.png") });
          console.log(join(ROOT, "docs/app-pins.png"));
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
