// The run's memory guard counts a file backend on a hugetlbfs mount against the free huge
// pages of its node, by the mount's page size (issue 15), as it counts memfd hugetlb backends.
// Real hugetlbfs, real pools (node 0's 2 MiB pool, restored after), real QEMU as the oracle.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPool, writePool } from "../hugepages/reserve";
import { readSysfs } from "../probe/sysfs";
import { runPrealloc, RunRefused } from "../qemu/launch";
import { checkMemPaths } from "./mem-path";
import { LAYOUT_VERSION, type Layout } from "../../shared/layout/schema";

const MiB2 = 2 * 2 ** 20;
const pool = readPool(0, MiB2);
const canTest = process.getuid?.() === 0 && pool !== undefined;
const tmp = mkdtempSync(join(tmpdir(), "numadesk-hugetlbfs-"));
const mnt = join(tmp, "huge2m");
let mounted = false;
let before: { total: number; free: number } | undefined;

/** Give node 0's 2 MiB pool exactly `free` free pages (pages in use elsewhere stay in use). */
function setFree(free: number) {
  const now = readPool(0, MiB2)!;
  writePool(0, MiB2, now.total - now.free + free);
  expect(readPool(0, MiB2)!.free).toBe(free);
}

/** 8 MiB of guest memory: 4 MiB in a file on the hugetlbfs mount (two 2 MiB pages) and 4 MiB plain RAM, bound to node 0. */
function layout(): Layout {
  return {
    version: LAYOUT_VERSION,
    memory: { size: "8M" },
    smp: { cpus: 2 },
    nodes: [
      { nodeid: 0, cpus: "0", memdev: "h0" },
      { nodeid: 1, cpus: "1", memdev: "r1" },
    ],
    distances: [],
    threadContexts: [],
    backends: [
      { id: "h0", type: "file", size: "4M", memPath: mnt, hostNodes: "0", policy: "bind", prealloc: true },
      { id: "r1", type: "ram", size: "4M", hostNodes: "0", policy: "bind", prealloc: true },
    ],
    args: [],
  };
}

describe.runIf(canTest)("the run's memory guard and hugetlbfs (root; node 0's 2 MiB pool restored after)", () => {
  beforeAll(() => {
    before = readPool(0, MiB2);
    mkdirSync(mnt);
    execFileSync("mount", ["-t", "hugetlbfs", "-o", "pagesize=2M", "none", mnt]);
    mounted = true;
  });
  afterAll(() => {
    if (mounted) execFileSync("umount", [mnt]);
    if (before) writePool(0, MiB2, before.total);
    rmSync(tmp, { recursive: true, force: true });
    expect(readPool(0, MiB2)!.total).toBe(before!.total);
  });

  it("reads the mount's page size from the file system", () => {
    const c = checkMemPaths(layout().backends);
    expect(c.problems).toEqual([]);
    expect(c.hugePageSizes.get("h0")).toBe(MiB2);
  });

  it("refuses the run before spawning when node 0 has 1 free 2 MiB page for 2, where QEMU itself fails", async () => {
    setFree(1);
    const host = readSysfs();
    // the checker is skipped (--no-check): the guard alone must see it
    const err = await runPrealloc(layout(), { host, skipCheck: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as RunRefused).message).toMatch(/^the run needs 2 huge pages of 2 MiB on node 0, but 1 are free; reserve them first/);
    // QEMU is the oracle: let it try (--force) and it fails to map the file's pages
    const forced = await runPrealloc(layout(), { host, skipCheck: true, force: true });
    expect(forced.outcome).toBe("failed");
    expect(forced.stderr).toContain("unable to map backing store for guest RAM: Cannot allocate memory");
  }, 120_000);

  it("with 2 free pages the guard lets it run, and QEMU gets its huge pages", async () => {
    setFree(2);
    const r = await runPrealloc(layout(), { host: readSysfs(), skipCheck: true });
    expect(r.outcome, r.error).toBe("ok");
    // the kernel's own count (smaps_rollup): the file's 4 MiB in huge pages
    expect(r.memory.hugetlbBytes).toBe(4 * 2 ** 20);
    expect(r.memory.pages?.kind).toBe("hugetlb");
  }, 120_000);
});
