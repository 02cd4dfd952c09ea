// What this host's file system says about the mem-path= of file backends, as facts for the
// checker (CheckContext.memPaths). QEMU 7.2 creates a temporary file in a folder, opens or
// creates a file path, and fails at start when the path's folder does not exist ("can't open
// backing store /nonexistent/dir/file for guest RAM: No such file or directory").

import { statSync } from "node:fs";
import { dirname } from "node:path";
import type { Layout } from "../../shared/layout/schema";
import type { MemPathFact } from "../../shared/validate/context";

function kind(path: string): "dir" | "file" | undefined {
  try {
    return statSync(path).isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

export function memPathFact(path: string): MemPathFact {
  return kind(path) ?? (kind(dirname(path)) === "dir" ? "creatable" : "missing");
}

/** Facts for every mem-path the layout's backends name. */
export function memPathFacts(layouts: readonly Layout[]): Record<string, MemPathFact> {
  const out: Record<string, MemPathFact> = {};
  for (const l of layouts) for (const b of l.backends) if (b.memPath !== undefined && !(b.memPath in out)) out[b.memPath] = memPathFact(b.memPath);
  return out;
}
