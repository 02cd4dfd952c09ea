// The renderer as it was at an older commit, built once into .bench/, so the UI bench can
// measure the old and the new build in the same run, the same way, under the same load.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../e2e/harness";

/** The commit before the UI speed work of issue 11's bench (branch uiperf). */
export const BASELINE_COMMIT = "534687a";

/** dist/renderer of `commit`, built on first use; throws with the reason when it cannot be built. */
export function baselineRenderer(commit = BASELINE_COMMIT): string {
  const dir = join(ROOT, ".bench", `renderer-${commit}`);
  const out = join(dir, "dist");
  if (existsSync(join(out, "index.html"))) return out;
  const src = join(dir, "src");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  // the renderer imports shared/ only; node_modules is this checkout's
  const tar = execFileSync("git", ["-C", ROOT, "archive", "--format=tar", commit, "renderer", "shared", "package.json", "tsconfig.json"], { maxBuffer: 1 << 28 });
  execFileSync("tar", ["-x", "-C", src], { input: tar });
  symlinkSync(join(ROOT, "node_modules"), join(src, "node_modules"));
  execFileSync(join(ROOT, "node_modules/.bin/vite"), ["build", "--config", join(src, "renderer/vite.config.ts"), "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: src,
    stdio: "inherit",
  });
  return out;
}
