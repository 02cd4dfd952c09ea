// Where a save or an export may write. As root, `numadesk export FILE --out /dev/null` renamed
// its temporary file over /dev/null: the device node became a regular file for every process
// on the machine (found while attacking the CLI; /dev/null was recreated with mknod). The same
// rename replaced a FIFO and a symbolic link. These tests use a FIFO, a folder and links in a
// temporary folder, never a real device (a test that wrote to /dev/null before the fix would
// do the damage again).

import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../run/records";

const tmp = mkdtempSync(join(tmpdir(), "numadesk-write-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("writeFileAtomic refuses to replace what is not a regular file", () => {
  it("a FIFO stays a FIFO, and the refusal names what it is", () => {
    const fifo = join(tmp, "pipe");
    execFileSync("mkfifo", [fifo]);
    expect(() => writeFileAtomic(fifo, "x")).toThrow(`${fifo} is a FIFO (named pipe), not a regular file; write to a file`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("a folder is refused with its kind", () => {
    const dir = join(tmp, "folder");
    mkdirSync(dir);
    expect(() => writeFileAtomic(dir, "x")).toThrow(`${dir} is a folder, not a regular file; write to a file`);
  });

  it("a link to a regular file is kept, and the file it points to gets the new text", () => {
    const target = join(tmp, "real.json");
    const link = join(tmp, "link.json");
    writeFileSync(target, "old");
    symlinkSync(target, link);
    writeFileAtomic(link, "new");
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, "utf8")).toBe("new");
  });

  it("a link that loops, or to a FIFO, is refused and left as it is", () => {
    const a = join(tmp, "loop-a");
    const b = join(tmp, "loop-b");
    symlinkSync(b, a);
    symlinkSync(a, b);
    expect(() => writeFileAtomic(a, "x")).toThrow(/is a symbolic link that loops or points nowhere/);
    expect(lstatSync(a).isSymbolicLink()).toBe(true);
    const toFifo = join(tmp, "to-pipe");
    symlinkSync(join(tmp, "pipe"), toFifo);
    expect(() => writeFileAtomic(toFifo, "x")).toThrow(/is a FIFO \(named pipe\), not a regular file/);
  });

  it("a new file and an existing regular file are written", () => {
    const p = join(tmp, "plain.txt");
    writeFileAtomic(p, "one");
    writeFileAtomic(p, "two");
    expect(readFileSync(p, "utf8")).toBe("two");
  });
});
