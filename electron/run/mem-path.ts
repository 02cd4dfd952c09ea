// Where a run may let QEMU put a file backend's memory. What QEMU 7.2 does with mem-path
// (measured here with -S, 64 MiB, /dev/shm):
//   - a folder: it creates a temporary file inside and unlinks it at once — nothing is left;
//   - a path that does not exist: it creates the file and leaves it behind, full size;
//   - an existing file: it maps it (and refuses one smaller than size=); with share=on and
//     discard-data=on it zeroes the file's content at exit.
// So a run accepts a folder on hugetlbfs or tmpfs, and a file only when the user names it
// (--allow-mem-path) and it lies on hugetlbfs or tmpfs. share and discard-data never reach a
// run (shared/run/allow.ts).

import { realpathSync, statfsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import type { Backend } from "../../shared/layout/schema";

// statfs(2) f_type values (linux/magic.h)
const HUGETLBFS_MAGIC = 0x958458f6;
const TMPFS_MAGIC = 0x01021994;

export interface MemPathCheck {
  /** backend id → the resolved path QEMU gets */
  paths: Map<string, string>;
  /** why a backend's mem-path is refused, one sentence each */
  problems: string[];
  /** backend id → huge page size, for a mem-path on hugetlbfs (statfs f_bsize there is the mount's page size) */
  hugePageSizes: Map<string, number>;
}

function fsName(type: number): string {
  if (type === HUGETLBFS_MAGIC) return "hugetlbfs";
  if (type === TMPFS_MAGIC) return "tmpfs";
  return `a disk file system (type 0x${(type >>> 0).toString(16)})`;
}

const USE_A_FOLDER = "use a folder on hugetlbfs (e.g. /dev/hugepages) or tmpfs (e.g. /dev/shm): QEMU then makes its own temporary file there and removes it";

function checkOne(b: Backend, allowed: ReadonlySet<string>): { path: string; hugePage?: number } | { problem: string } {
  const given = b.memPath;
  const what = `backend ${b.id}: mem-path ${JSON.stringify(given ?? "")}`;
  if (given === undefined || given === "") return { problem: `backend ${b.id} is a memory-backend-file without mem-path; ${USE_A_FOLDER}` };
  if (!isAbsolute(given)) return { problem: `${what} is not an absolute path; a run needs to know which folder it means — ${USE_A_FOLDER}` };
  let real: string;
  let exists = true;
  try {
    real = realpathSync(given);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return { problem: `${what} cannot be resolved (${(e as NodeJS.ErrnoException).code}); ${USE_A_FOLDER}` };
    exists = false;
    try {
      real = join(realpathSync(dirname(given)), basename(given));
    } catch {
      return { problem: `${what}: its folder does not exist; ${USE_A_FOLDER}` };
    }
  }
  let type: number;
  let bsize: number;
  try {
    const fs = statfsSync(exists ? real : dirname(real));
    type = Number(fs.type);
    bsize = Number(fs.bsize);
  } catch (e) {
    return { problem: `${what} cannot be examined (${(e as NodeJS.ErrnoException).code}); ${USE_A_FOLDER}` };
  }
  if (type !== HUGETLBFS_MAGIC && type !== TMPFS_MAGIC) {
    return { problem: `${what} is on ${fsName(type)}, not hugetlbfs or tmpfs: QEMU would write the guest's memory into a file there; ${USE_A_FOLDER}` };
  }
  const named = allowed.has(given) || allowed.has(real);
  // hugetlbfs reports its page size as the block size (pagesize= of the mount): the run's memory
  // guard counts those pages against the node's free huge pages, not against MemAvailable
  const ok = type === HUGETLBFS_MAGIC ? { path: real, hugePage: bsize } : { path: real };
  if (!exists) {
    if (named) return ok;
    return { problem: `${what} does not exist: QEMU would create a ${b.size} file there and leave it behind; ${USE_A_FOLDER}, or pass --allow-mem-path ${given} if you want that file` };
  }
  const st = statSync(real);
  if (st.isDirectory()) return ok;
  if (!st.isFile()) return { problem: `${what} is not a folder or a regular file; ${USE_A_FOLDER}` };
  if (named) return ok;
  return {
    problem: `${what} is an existing file (${st.size} bytes): QEMU would map it as guest memory, and layouts from elsewhere can use that to overwrite files; ${USE_A_FOLDER}, or pass --allow-mem-path ${given} if it is your own file for this VM`,
  };
}

/** Check every file backend's mem-path for a run on this host. */
export function checkMemPaths(backends: readonly Backend[], allowed: readonly string[] = []): MemPathCheck {
  const allow = new Set(allowed);
  const out: MemPathCheck = { paths: new Map(), problems: [], hugePageSizes: new Map() };
  for (const b of backends) {
    if (b.type !== "file") continue;
    const r = checkOne(b, allow);
    if ("path" in r) {
      out.paths.set(b.id, r.path);
      if (r.hugePage !== undefined && r.hugePage > 0) out.hugePageSizes.set(b.id, r.hugePage);
    } else out.problems.push(r.problem);
  }
  return out;
}
