// `--sysfs DIR` as a user runs it (the built CLI, a real process): what a copy lacks is a note
// on stderr, one line per gap under a heading; a copy that links outside itself, or a file no
// one may read, is one sentence and exit code 1, never a stack trace.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtCli } from "./fixtures/built-cli";
import { writeTinySysfs } from "../probe/fixtures/tiny-sysfs";

const root = join(import.meta.dirname, "../..");
let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);
const tmp = mkdtempSync(join(tmpdir(), "numadesk-sysfs-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let made = 0;
const copy = () => writeTinySysfs(join(tmp, `host${made++}`));

/** `withoutDacOverride`: as root, but without the capabilities that let root read any file (util-linux's setpriv) */
function run(args: string[], withoutDacOverride = false) {
  const argv = [process.execPath, bundle, ...args];
  const [cmd, ...rest] = withoutDacOverride ? ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", ...argv] : argv;
  const r = spawnSync(cmd!, rest, { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("numadesk topo --sysfs on a copy from elsewhere", () => {
  it("a whole copy prints no note", () => {
    const r = run(["topo", "--sysfs", copy()]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/NUMA node 1: 4 GiB, 2 GiB free/);
    expect(r.err).toBe("");
  });

  it("a copy missing a meminfo and with a bad distance says so on stderr, naming the files", () => {
    const dir = copy();
    rmSync(join(dir, "devices/system/node/node1/meminfo"));
    writeFileSync(join(dir, "devices/system/node/node0/distance"), "10\n");
    const r = run(["topo", "--sysfs", dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/NUMA node 1: 0 B, 0 B free/);
    expect(r.err).toBe(
      [
        `note: the sysfs copy ${dir} does not say everything, so Numadesk took defaults:`,
        "  node/node1/meminfo is missing: its memory is taken as 0",
        "  node/node0/distance reads '10', is not 2 distances from 0 to 255: taken as 10 to itself and 20 to the others",
        "",
      ].join("\n"),
    );
  });

  it("the note is in topo --format json's source.lacks, and check on the copy says it too", () => {
    const dir = copy();
    writeFileSync(join(dir, "devices/system/cpu/cpu3/topology/core_id"), "three\n");
    const json = run(["topo", "--format", "json", "--sysfs", dir]);
    expect(JSON.parse(json.out).source.lacks).toEqual(["cpu/cpu3/topology/core_id reads 'three', is not a number: the core is taken as the CPU's number"]);
    const line = join(tmp, `vm${made}.sh`);
    writeFileSync(line, "qemu-system-x86_64 -m 1G -smp 2\n");
    const check = run(["check", line, "--sysfs", dir]);
    expect(check.err).toContain("cpu/cpu3/topology/core_id reads 'three'");
  });

  it("a node folder linked to this host's /sys is one sentence and exit 1", () => {
    const dir = copy();
    rmSync(join(dir, "devices/system/node/node0"), { recursive: true });
    symlinkSync("/sys/devices/system/node/node0", join(dir, "devices/system/node/node0"));
    const r = run(["topo", "--sysfs", dir]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain(`${dir}/devices/system/node/node0 is a symbolic link (to /sys/devices/system/node/node0), where sysfs has a folder`);
    expect(r.err).not.toMatch(/ at .*\.(ts|js):\d+|internal error/);
  });

  // As root, chmod 000 tests nothing: CAP_DAC_OVERRIDE reads the file anyway. Run without it (a
  // user of another uid cannot reach a checkout made under a 0700 mktemp folder, as CI's is).
  it("a meminfo no one may read (chmod 000), read without root's override, is one sentence and exit 1", () => {
    if (process.getuid?.() !== 0) return; // not root: the probe test covers this user
    const dir = copy();
    const f = join(dir, "devices/system/node/node1/meminfo");
    chmodSync(f, 0o000);
    const r = run(["topo", "--sysfs", dir], true);
    expect(r.err).toBe(`numadesk: ${f}: permission denied\n`);
    expect(r.code).toBe(1);
    // the same copy, readable again, reads the same way: the refusal was the mode
    chmodSync(f, 0o444);
    expect(run(["topo", "--sysfs", dir], true).code).toBe(0);
  });
});
