// Where an atomic write may put its file. The write renames a temporary file over the path,
// which replaces whatever is there: as root, an export to /dev/null turned the device node
// into a regular file for the whole machine, and a FIFO or a link was replaced too. So only a
// missing path or a regular file is replaced; a link is followed to the regular file it names
// (the link stays); anything else is refused with what it is.

import { lstatSync, realpathSync, statSync } from "node:fs";
import { kindOf } from "./read-bounded";

export class WriteTargetError extends Error {
  override name = "WriteTargetError";
}

/** The path to rename over: `path` itself, or the regular file a link leads to. */
export function writeTarget(path: string): string {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return path;
    throw e;
  }
  if (st.isFile()) return path;
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new WriteTargetError(`${path} is a symbolic link that loops or points nowhere; write to a file`);
    }
    const target = statSync(real);
    if (!target.isFile()) throw new WriteTargetError(`${path} is ${kindOf(target)}, not a regular file; write to a file`);
    return real;
  }
  throw new WriteTargetError(`${path} is ${kindOf(st)}, not a regular file; write to a file`);
}
