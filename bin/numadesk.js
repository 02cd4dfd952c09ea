#!/usr/bin/env node
// The installed `numadesk` command: the bundled CLI (npm run build), or the TypeScript
// sources through tsx in a checkout that has not been built.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist/numadesk.js");
if (existsSync(bundle)) {
  const { runCli } = await import(pathToFileURL(bundle).href);
  process.exitCode = await runCli(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
} else {
  // resolve tsx from this checkout, not from the caller's folder
  const tsx = pathToFileURL(createRequire(join(root, "package.json")).resolve("tsx")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(root, "electron/cli/main.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exitCode = r.status ?? 1;
}
