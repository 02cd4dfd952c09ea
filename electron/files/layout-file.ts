// Layout files on disk (*.numadesk.json): saved atomically (temp file, fsync, rename) with the
// previous good version kept as FILE.bak; a corrupt or truncated file gives a clear message
// that points at that copy.

import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { readBoundedText } from "./read-bounded";
import { basename, dirname, join } from "node:path";
import type { Layout } from "../../shared/layout/schema";
import { layoutToText, loadLayoutText, MAX_LAYOUT_TEXT } from "../../shared/layout/load";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import { writeFileAtomic } from "../run/records";

export class LayoutFileError extends Error {
  override name = "LayoutFileError";
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }
}

/** A file's text, or "" when it cannot be read as a bounded regular file. */
function readOrEmpty(path: string): string {
  try {
    return readBoundedText(path, MAX_LAYOUT_TEXT, { what: "layout file" });
  } catch {
    return "";
  }
}

export function backupPath(path: string): string {
  return `${path}.bak`;
}

/** Temp files a killed writer left next to `path` (writeFileAtomic names them PATH.PID.TIME.tmp). */
function sweepTempFiles(path: string) {
  const dir = dirname(path);
  const base = basename(path);
  for (const n of readdirSync(dir)) {
    const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)\\.\\d+\\.tmp$`).exec(n);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      rmSync(join(dir, n), { force: true });
    }
  }
}

export function saveLayoutFile(path: string, layout: Layout): void {
  sweepTempFiles(path);
  sweepTempFiles(backupPath(path));
  // keep the version being replaced, if it is a good one
  if (existsSync(path)) {
    const current = readOrEmpty(path);
    if (loadLayoutText(current).ok) writeFileAtomic(backupPath(path), current);
  }
  writeFileAtomic(path, layoutToText(layout));
}

export function loadLayoutFile(path: string): Layout {
  let text: string;
  try {
    text = readBoundedText(path, MAX_LAYOUT_TEXT, { what: "layout file" });
  } catch (e) {
    throw new LayoutFileError((e as Error).message);
  }
  const r = loadLayoutText(text);
  if (r.ok) return r.layout;
  const bak = backupPath(path);
  const good = existsSync(bak) && loadLayoutText(readOrEmpty(bak)).ok;
  throw new LayoutFileError(`${path} cannot be loaded: ${r.diagnostics[0]!.message}${good ? `; the previous good version is in ${bak}` : ""}`, r.diagnostics);
}

export function copyBackupOver(path: string): void {
  copyFileSync(backupPath(path), path);
}
