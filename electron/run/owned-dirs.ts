// Private temp folders that belong to a running Numadesk process (a run's QMP socket, a lab's
// initrd). Each holds an "owner" file (JSON, at least {pid}); a folder whose owner died
// without cleaning up — killed with SIGKILL, say — is swept by the next one to look.

import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBoundedText } from "../files/read-bounded";

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

/** Write the owner file whole or not at all: readers never see half of it. */
export function writeOwner(dir: string, owner: Owner): void {
  const tmp = join(dir, `owner.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(owner), { mode: 0o600 });
  renameSync(tmp, join(dir, "owner"));
}

export function readOwner<T extends Owner>(dir: string): T | undefined {
  try {
    const o = JSON.parse(readBoundedText(join(dir, "owner"), 64 * 1024, { what: "owner file" })) as T;
    return Number.isInteger(o?.pid) && o.pid > 0 ? o : undefined;
  } catch {
    return undefined; // no owner file yet, or not one of ours
  }
}

/** A new 0700 folder under the temp dir, owned by this process. */
export function createOwnedDir(prefix: string, owner: Owner = { pid: process.pid }): string {
  const dir = mkdtempSync(join(tmpdir(), prefix)); // mkdtemp makes it 0700
  writeOwner(dir, owner);
  return dir;
}

/** A fresh folder name (not created yet), so what goes in it can be named before it exists. */
export function ownedDirName(prefix: string, base = tmpdir()): string {
  return join(base, `${prefix}${randomBytes(6).toString("hex")}`);
}

/** Create the folder `ownedDirName` gave, 0700, with its owner file; fails if it exists. */
export function createOwnedDirAt(dir: string, owner: Owner): void {
  mkdirSync(dir, { mode: 0o700 });
  try {
    writeOwner(dir, owner);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const myUid = () => (typeof process.getuid === "function" ? process.getuid() : undefined);

/** Every folder with this prefix that this user owns, as full paths; links and others' folders are not ours to read or sweep. */
export function ownedDirs(prefix: string, base = tmpdir()): string[] {
  try {
    return readdirSync(base)
      .filter((n) => n.startsWith(prefix))
      .map((n) => join(base, n))
      .filter((dir) => {
        const st = lstatSync(dir, { throwIfNoEntry: false });
        return st !== undefined && st.isDirectory() && (myUid() === undefined || st.uid === myUid());
      });
  } catch {
    return [];
  }
}

/** Remove the folders with this prefix whose owner is gone. */
export function sweepStaleDirs(prefix: string, base = tmpdir(), alive: (o: Owner) => boolean = (o) => processAlive(o.pid)): string[] {
  const removed: string[] = [];
  for (const dir of ownedDirs(prefix, base)) {
    const owner = readOwner(dir);
    if (owner && alive(owner)) continue;
    // a folder another process made a moment ago may not have its owner file yet
    if (!owner && Date.now() - (lstatSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 10_000) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
