// Build and run populate.c: the host's own preallocation limit for one kind of memory.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { resourcePath } from "../files/resources";

export type MemoryKind = "anon-thp" | "anon-4k" | "memfd" | "hugetlb-2M" | "hugetlb-1G";

export interface PopulateResult {
  ms: number;
  rssBytes: number;
  anonHugeBytes: number;
  hugetlbBytes: number;
}

/** The compiled helper, built on first use into the cache; undefined with the reason when it cannot be. */
export function populateBinary(): { path: string } | { error: string } {
  // found from the app's root, not from this module: in the CLI bundle this module is dist/numadesk.js
  const SOURCE = resourcePath("electron/bench/populate.c");
  let src: Buffer;
  try {
    src = readFileSync(SOURCE);
  } catch {
    return { error: `the helper's source ${SOURCE} is missing from this installation` };
  }
  const hash = createHash("sha256").update(src).digest("hex").slice(0, 12);
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "numadesk");
  const bin = join(dir, `populate-${hash}`);
  if (existsSync(bin)) return { path: bin };
  mkdirSync(dir, { recursive: true });
  for (const cc of ["cc", "gcc", "clang"]) {
    const r = spawnSync(cc, ["-O2", "-pthread", "-o", bin, SOURCE], { encoding: "utf8" });
    if (r.error) continue;
    if (r.status === 0) return { path: bin };
    return { error: `${cc} could not build the populate helper: ${r.stderr.trim().split("\n")[0]}` };
  }
  return { error: "no C compiler to build the host-limit helper (apt-get install gcc)" };
}

export function populate(bin: string, kind: MemoryKind, bytes: number, threads: number): PopulateResult | { error: string } {
  const r = spawnSync(bin, [kind, String(bytes), String(threads)], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return { error: (r.stderr || `exit ${r.status}`).trim() };
  const j = JSON.parse(r.stdout) as { ns: number; rss: number; anonHuge: number; hugetlb: number };
  return { ms: j.ns / 1e6, rssBytes: j.rss, anonHugeBytes: j.anonHuge, hugetlbBytes: j.hugetlb };
}
