// What the installed QEMU lists in -help, -object help and -machine help: the facts the
// checker's NUMA032 is given, read once per binary content.

import { describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findQemu, parseHelpOptions, readQemuHelp } from "./discover";

const qemu = findQemu();

describe("the QEMU binary's own lists", () => {
  it("-help gives the options Numadesk writes, -M included", () => {
    const help = readQemuHelp(qemu);
    for (const o of ["machine", "M", "m", "smp", "numa", "object", "name", "device", "S", "nodefaults", "qmp", "accel", "preconfig"]) expect(help.options).toContain(o);
    expect(help.options).not.toContain("smpp");
  });

  it("-object help and -machine help give the object and machine types", () => {
    const help = readQemuHelp(qemu);
    for (const t of ["memory-backend-ram", "memory-backend-file", "iothread"]) expect(help.objectTypes).toContain(t);
    for (const t of ["q35", "pc", "none"]) expect(help.machineTypes).toContain(t);
  });

  it("-machine TYPE,help and -help give the machine properties, hmat= included", () => {
    const help = readQemuHelp(qemu);
    for (const t of ["pc", "q35"]) for (const p of ["memory-backend", "hmat", "usb", "accel"]) expect(help.machineProps?.[t]).toContain(p);
    expect(help.machineProps?.q35).not.toContain("foo");
  });

  it("is asked once per binary content: a copy at another path gets the cached lists", () => {
    const dir = mkdtempSync(join(tmpdir(), "numadesk-help-"));
    try {
      const copy = join(dir, "qemu-system-x86_64");
      copyFileSync(qemu, copy);
      expect(readQemuHelp(copy)).toBe(readQemuHelp(qemu));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads both names of '-fda/-fdb' and '-h or -help'", () => {
    expect(parseHelpOptions("-h or -help     display this help\n-fda/-fdb file  floppy\n--preconfig     pause\n                -indented is not an option\n")).toEqual([
      "M",
      "fda",
      "fdb",
      "h",
      "help",
      "preconfig",
    ]);
  });
});
