// Read a file someone handed us without trusting it: open it without blocking (a FIFO with no
// writer would hang a plain open), insist on a regular file, and never read past a limit (a
// 1 GB file, /dev/zero or a file that keeps growing cannot fill memory). Every failure is one
// sentence that names the file and what to do; nothing here throws anything but ReadError.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

export class ReadError extends Error {
  override name = "ReadError";
  constructor(
    message: string,
    /** the file (or a folder on its path) does not exist */
    readonly missing = false,
    /** open(2)'s errno when opening failed ("ELOOP": a link, with noFollow) */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ReadOptions {
  /** what the file should be, for messages: "layout file", "topology file", … */
  what?: string;
  /** accept pipes and character devices (standard input); still bounded */
  streams?: boolean;
  /** refuse a symbolic link as the last part of the path (ELOOP): the caller checks where it leads */
  noFollow?: boolean;
}

const CHUNK = 64 * 1024;

function errnoText(path: string, e: unknown, what: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return `${path} does not exist`;
    case "ELOOP":
      return `${path} is a symbolic link that loops (or links too deep); give the ${what} itself`;
    case "EACCES":
    case "EPERM":
      return `${path}: permission denied`;
    case "EISDIR":
      return `${path} is a folder; give a ${what}`;
    case "ENOTDIR":
      return `${path}: a part of the path is not a folder`;
    // open(2) of a Unix socket, or of a device node with no driver behind it
    case "ENXIO":
      return `${path} is a socket (or a device with nothing behind it), not a ${what}; give a regular file`;
    case "ENAMETOOLONG":
      return `${path}: the path is too long`;
    default:
      return `cannot read ${path}: ${code ?? (e as Error).message}`;
  }
}

export function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function human(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/** Read from an open descriptor until EOF or limit+1 bytes; EAGAIN (a non-blocking pipe) waits a little. */
function readAll(fd: number, limit: number, name: string, what: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const waiter = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(waiter, 0, 0, 5);
        continue;
      }
      if (code === "EOF") break;
      throw new ReadError(errnoText(name, e, what));
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > limit) throw new ReadError(`${name} is larger than ${human(limit)}, more than a ${what} can be; check that this is the right file`);
  }
  return Buffer.concat(chunks, total);
}

/** The bytes of a regular file, at most `limit` of them. */
export function readBounded(path: string, limit: number, opts: ReadOptions = {}): Buffer {
  const what = opts.what ?? "file";
  if (path.includes("\0")) throw new ReadError(`the path contains a NUL character; give a ${what}`);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; O_NOCTTY: a terminal never becomes ours
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (opts.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReadError(errnoText(path, e, what), code === "ENOENT" || code === "ENOTDIR", code);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ReadError(`${path} is ${kindOf(st)}, not a ${what}; give a regular file`);
    // /proc and /sys files say size 0 or 4096 whatever they hold: the read loop bounds them
    if (st.size > limit) throw new ReadError(`${path} is ${human(st.size)}, more than a ${what} can be (at most ${human(limit)}); check that this is the right file`);
    return readAll(fd, limit, path, what);
  } finally {
    closeSync(fd);
  }
}

export function readBoundedText(path: string, limit: number, opts: ReadOptions = {}): string {
  return readBounded(path, limit, opts).toString("utf8");
}

/** Standard input (a file, a pipe, a device), at most `limit` bytes. */
export function readStdinBounded(limit: number, what = "input"): string {
  let st: Stats | undefined;
  try {
    st = fstatSync(0);
  } catch {
    throw new ReadError("standard input is closed; give a file, or pipe the input in");
  }
  if (st.isDirectory()) throw new ReadError("standard input is a folder; pipe a file in");
  if (st.isFile() && st.size > limit) throw new ReadError(`standard input is ${human(st.size)}, more than a ${what} can be (at most ${human(limit)})`);
  return readAll(0, limit, "standard input", what).toString("utf8");
}
