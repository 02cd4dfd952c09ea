// Files Numadesk ships beside its code (sample hosts, the built renderer, the C sources of its
// helpers, the lab's init script), found the same way from every entry point. The Electron
// main process says where the app is (app.getAppPath(), inside app.asar when packaged); the
// CLI (sources under tsx, or the bundle dist/numadesk.js) and the tests find it from the
// program they run as. Paths handed to other programs (cc, QEMU) point outside app.asar, where
// the package unpacks them (package.json build.asarUnpack).

import { existsSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";

export class ResourceError extends Error {
  override name = "ResourceError";
}

let configured: string | undefined;

/** Where the app is, for entry points that know (the Electron main process). */
export function setAppRoot(dir: string): void {
  configured = dir;
}

function searchUp(from: string | undefined): string | undefined {
  if (!from) return undefined;
  let dir = from;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, "assets", "hosts"))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** The folder that holds assets/, dist/ and electron/{bench,lab}/ sources: the checkout or the installed app. */
export function appRoot(): string {
  if (configured) return configured;
  let entry: string | undefined;
  try {
    entry = process.argv[1] ? dirname(realpathSync(process.argv[1])) : undefined;
  } catch {
    entry = undefined;
  }
  // a program from node_modules (vitest, a bench runner) is a tool run in a checkout, not Numadesk:
  // the checkout is where it runs (a worktree's node_modules may be a link to another checkout's)
  const tool = entry !== undefined && entry.split(sep).includes("node_modules");
  const found = tool ? (searchUp(process.cwd()) ?? searchUp(entry)) : (searchUp(entry) ?? searchUp(process.cwd()));
  if (!found) throw new ResourceError("cannot find Numadesk's assets/ folder next to the program; reinstall it, or run it from its folder");
  configured = found;
  return found;
}

/** The same path outside app.asar: a C compiler or QEMU cannot read inside the archive. */
export function unpackedPath(path: string): string {
  return path.split(`${sep}app.asar${sep}`).join(`${sep}app.asar.unpacked${sep}`);
}

/** A shipped file as a real file on disk, e.g. resourcePath("electron/bench/populate.c"). */
export function resourcePath(relative: string): string {
  return unpackedPath(join(appRoot(), relative));
}
