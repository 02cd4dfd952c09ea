// `numadesk hugepages plan|reserve` and NUMA015 on this host's real pools, with real QEMU:
// two backends that fit alone but not together on node 0, the commands that fix it, the
// reservation, and the same layout running. The pool is put back as it was, whatever happens.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPool, writePool } from "../hugepages/reserve";
import { runOracle } from "../oracle/verdict";
import { parseCommandLine } from "../../shared/qemu/parse";
import { builtCli } from "./fixtures/built-cli";

// the built CLI (dist/numadesk.js, rebuilt when stale): a plain node start instead of compiling
// the sources through tsx on every spawn
let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);

const root = join(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "numadesk-huge-"));
const env = { ...process.env, NUMADESK_DATA_DIR: join(tmp, "data") };
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd: root, encoding: "utf8", env, timeout: 120_000 });

const MiB2 = 2 * 2 ** 20;
const pool = readPool(0, MiB2);
const canTest = process.getuid?.() === 0 && pool !== undefined;

const line = (second: string) => `qemu-system-x86_64 -name debug-threads=on -m 8M -smp 2
  -numa node,nodeid=0,cpus=0,memdev=h0 -numa node,nodeid=1,cpus=1,memdev=h1
  -object memory-backend-memfd,id=h0,size=4M,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind,prealloc=on
  -object ${second},host-nodes=0,policy=bind,prealloc=on
`;

/** Give node 0's 2 MiB pool exactly `free` free pages (pages in use elsewhere stay in use). */
function setFree(free: number) {
  const now = readPool(0, MiB2)!;
  writePool(0, MiB2, now.total - now.free + free);
  expect(readPool(0, MiB2)!.free).toBe(free);
}

describe.runIf(canTest)("huge pages on this host (root; node 0's 2 MiB pool is restored after)", () => {
  it("two memfd backends of 2 pages with 3 free: NUMA015, QEMU refuses; plan, reserve, then it checks clean and runs", async () => {
    const file = join(tmp, "two.sh");
    writeFileSync(file, line("memory-backend-memfd,id=h1,size=4M,hugetlb=on,hugetlbsize=2M"));
    const before = readPool(0, MiB2)!;
    try {
      setFree(3);
      const check = cli(["check", file]);
      expect(check.status).toBe(1);
      expect(check.stderr).toContain("error[NUMA015]");
      expect(check.stderr).toContain("host node 0, 2 MiB huge pages: the layout needs 4 (h0 2 + h1 2), 3 are free: 1 short");

      // QEMU is the oracle: it refuses the second backend at start
      const refused = await runOracle(
        "qemu-system-x86_64",
        parseCommandLine(line("memory-backend-memfd,id=h1,size=4M,hugetlb=on,hugetlbsize=2M")).args.map((t) => t.text),
      );
      expect(refused.verdict).toBe("refused");
      expect(refused.stderr).toContain("unable to map backing store for guest RAM: Cannot allocate memory");

      const total = readPool(0, MiB2)!.total;
      const plan = cli(["hugepages", "plan", file]);
      expect(plan.status, plan.stderr).toBe(0);
      expect(plan.stdout).toContain("# node 0, 2 MiB pages: need 4 (h0 2 + h1 2), 3 free: 1 short");
      expect(plan.stdout).toContain(`echo ${total + 1} > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages`);

      const reserve = cli(["hugepages", "reserve", file]);
      expect(reserve.status, reserve.stdout + reserve.stderr).toBe(0);
      expect(reserve.stdout).toContain(`node 0, 2 MiB pages: nr_hugepages ${total} → ${total + 1}: the kernel gave ${total + 1}, 4 free`);
      expect(readPool(0, MiB2)!.free).toBe(4);

      const clean = cli(["check", file]);
      expect(clean.status, clean.stderr).toBe(0);
      const run = cli(["run", file, "--no-save"]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain("pages: 8 MiB in hugetlb pages");
    } finally {
      writePool(0, MiB2, before.total);
    }
    expect(readPool(0, MiB2)!.total).toBe(before.total);
  });

  it("a file backend on a hugetlbfs mount counts with the memfd one, by the mount's page size", async () => {
    const mnt = join(tmp, "huge");
    mkdirSync(mnt);
    const before = readPool(0, MiB2)!;
    let mounted = false;
    try {
      execFileSync("mount", ["-t", "hugetlbfs", "-o", "pagesize=2M", "none", mnt]);
      mounted = true;
      const file = join(tmp, "mixed.sh");
      writeFileSync(file, line(`memory-backend-file,id=h1,size=4M,mem-path=${mnt}`));
      setFree(3);
      const check = cli(["check", file]);
      expect(check.stderr).toContain("host node 0, 2 MiB huge pages: the layout needs 4 (h0 2 + h1 2), 3 are free: 1 short");
      const refused = await runOracle(
        "qemu-system-x86_64",
        parseCommandLine(line(`memory-backend-file,id=h1,size=4M,mem-path=${mnt}`)).args.map((t) => t.text),
      );
      expect(refused.verdict).toBe("refused");
      // QEMU 7.2.22 says the same for a file backend on hugetlbfs as for memfd
      expect(refused.stderr).toContain("unable to map backing store for guest RAM: Cannot allocate memory");
      setFree(4);
      expect(cli(["check", file]).status).toBe(0);
    } finally {
      if (mounted) execFileSync("umount", [mnt]);
      writePool(0, MiB2, before.total);
    }
    expect(existsSync(mnt)).toBe(true);
    expect(readPool(0, MiB2)!.total).toBe(before.total);
  });
});

describe("numadesk hugepages", () => {
  it("plan says when nothing is missing, and a bad subcommand is a usage error", () => {
    const file = join(tmp, "ram.sh");
    writeFileSync(file, "qemu-system-x86_64 -m 64M -object memory-backend-ram,id=r,size=64M -machine memory-backend=r\n");
    const r = cli(["hugepages", "plan", file, "--sample", "cxl-4node"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("nothing to reserve");
    const bad = cli(["hugepages", "free", file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("hugepages takes plan or reserve, not 'free'");
  });
});
