// The app icon's PNG sizes from assets/icons/numadesk.svg, drawn by Debian's Chromium:
// assets/icons/NxN.png for electron-builder (linux.icon) and the window. Run after editing the
// SVG: npm run icons. The SVG is also the page's favicon (renderer/public/icon.svg).

import { chromium } from "playwright-core";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const svg = readFileSync(join(root, "assets/icons/numadesk.svg"), "utf8");
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  for (const size of [16, 32, 48, 64, 128, 256, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('width="64" height="64"', `width="${size}" height="${size}"`)}</body></html>`);
    await page.screenshot({ path: join(root, "assets/icons", `${size}x${size}.png`), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
copyFileSync(join(root, "assets/icons/numadesk.svg"), join(root, "renderer/public/icon.svg"));
