// Private temp folders that belong to a running Numadesk process (a run's QMP socket, a lab's
// initrd). Each holds an "owner" file (JSON, at least {pid}); a folder whose owner died
// without cleaning up — killed with SIGKILL, say — is swept by the next one to look.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Owner {
  pid: number;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  // a killed process stays a zombie until its parent reaps it: that is not alive
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export function writeOwner(dir: string, owner: Owner): void {
  writeFileSync(join(dir, "owner"), JSON.stringify(owner), { mode: 0o600 });
}

export function readOwner<T extends Owner>(dir: string): T | undefined {
  try {
    const o = JSON.parse(readFileSync(join(dir, "owner"), "utf8")) as T;
    return Number.isInteger(o?.pid) ? o : undefined;
  } catch {
    return undefined; // no owner file yet, or a half-written one
  }
}

/** A new 0700 folder under the temp dir, owned by this process. */
export function createOwnedDir(prefix: string, owner: Owner = { pid: process.pid }): string {
  const dir = mkdtempSync(join(tmpdir(), prefix)); // mkdtemp makes it 0700
  writeOwner(dir, owner);
  return dir;
}

/** Every folder with this prefix, as full paths. */
export function ownedDirs(prefix: string, base = tmpdir()): string[] {
  try {
    return readdirSync(base)
      .filter((n) => n.startsWith(prefix))
      .map((n) => join(base, n));
  } catch {
    return [];
  }
}

/** Remove the folders with this prefix whose owner is gone. */
export function sweepStaleDirs(prefix: string, base = tmpdir()): string[] {
  const removed: string[] = [];
  for (const dir of ownedDirs(prefix, base)) {
    const owner = readOwner(dir);
    if (owner && processAlive(owner.pid)) continue;
    // a folder another process made a moment ago may not have its owner file yet
    if (!owner && Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 10_000) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
