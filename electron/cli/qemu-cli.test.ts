// `numadesk qemu`, `plan`/`check` with a QEMU version and the prediction, as a user runs them:
// a real process, a private config folder, the real binaries on this host.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtCli } from "./fixtures/built-cli";

// the built CLI (dist/numadesk.js, rebuilt when stale): a plain node start instead of compiling
// the sources through tsx on every spawn
let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);

const root = join(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "numadesk-qemu-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// a private config folder and data folder: `qemu add` must not touch the user's
const env = { ...process.env, XDG_CONFIG_HOME: join(tmp, "config"), NUMADESK_DATA_DIR: join(tmp, "data") };

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bundle, ...args], { cwd: root, encoding: "utf8", timeout: 60_000, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("numadesk qemu", () => {
  it("lists Debian's QEMU with its version and capabilities", () => {
    const r = run(["qemu", "list", "--json"]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as Array<{ path: string; qemu?: { version: string; accelerators: string[]; features: { threadContext: boolean; parallelPrealloc: boolean } } }>;
    const debian = list.find((q) => q.path.endsWith("/usr/bin/qemu-system-x86_64") || q.path === "/usr/bin/qemu-system-x86_64");
    expect(debian?.qemu?.version).toMatch(/^7\.2\./);
    expect(debian?.qemu?.accelerators).toContain("tcg");
    expect(debian?.qemu?.features).toMatchObject({ threadContext: true, parallelPrealloc: false });
  });

  it("add refuses a file that is not QEMU, with what it answered; remove of a path never added says so", () => {
    const a = run(["qemu", "add", "/bin/true"]);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/does not answer --version like QEMU \(true \(GNU coreutils\)/);
    expect(a.err).not.toMatch(/\n\s+at /);
    const r = run(["qemu", "remove", "/bin/true"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("is not among the added binaries");
  });

  it("add keeps a binary in the config file, list shows it once however it is reached, remove takes it out", () => {
    // a second path to Debian's binary through a symlink: one file, listed once
    const link = join(tmp, "qemu-link");
    spawnSync("ln", ["-s", "/usr/bin/qemu-system-x86_64", link]);
    const a = run(["qemu", "add", link]);
    expect(a.code, a.err).toBe(0);
    expect(JSON.parse(readFileSync(join(tmp, "config/numadesk/qemu.json"), "utf8")).paths).toEqual([link]);
    const list = JSON.parse(run(["qemu", "list", "--json"]).out) as Array<{ path: string; qemu?: { sha256: string } }>;
    const sha = list.map((q) => q.qemu?.sha256).filter(Boolean);
    expect(new Set(sha).size).toBe(sha.length);
    expect(run(["qemu", "remove", link]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(tmp, "config/numadesk/qemu.json"), "utf8")).paths).toEqual([]);
  });

  it("an unknown subcommand is a usage error", () => {
    const r = run(["qemu", "upgrade"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown qemu subcommand 'upgrade'");
  });
});

describe("plan and check with a QEMU version and a prediction", () => {
  it("plan --json on the seed host with --threads 64 and QEMU 10 has 4 backends of 16 workers and a prediction in seconds", () => {
    const r = run(["plan", "--sample", "bm-standard2-52", "--mem", "256G", "--vcpus", "104", "--threads", "64", "--qemu-version", "10.0.2", "--json"]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { layout: { backends: Array<{ preallocThreads: number; hostNodes: string }> }; predictedSeconds: number };
    expect(j.layout.backends.map((b) => [b.hostNodes, b.preallocThreads])).toEqual([
      ["0", 16],
      ["0", 16],
      ["1", 16],
      ["1", 16],
    ]);
    expect(j.predictedSeconds).toBeGreaterThan(1);
    expect(j.predictedSeconds).toBeLessThan(10.566);
  });

  it("plan on QEMU 7.2 says why it does not split and prints the prediction", () => {
    const r = run(["plan", "--sample", "bm-standard2-52", "--mem", "256G", "--vcpus", "104", "--threads", "64", "--qemu-version", "7.2.0"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/QEMU 7\.2\.0 preallocates backends one after another \(in parallel only since QEMU 9\.0\)/);
    expect(r.err).toMatch(/^predicted \d+(\.\d+)? s/m);
  });

  it("check --json carries the seed lines' predictions within 20 % of the published 25.5 s and 10.6 s", () => {
    for (const [file, published] of [
      ["seed-baseline.sh", 25.482],
      ["seed-fast.sh", 10.566],
    ] as const) {
      const r = run(["check", join(root, "shared/qemu/fixtures", file), "--sample", "bm-standard2-52", "--json"]);
      const j = JSON.parse(r.out) as { predictedSeconds: number };
      expect(Math.abs(j.predictedSeconds - published) / published).toBeLessThan(0.2);
    }
  });

  describe("check without --qemu-version checks against the installed QEMU and says so", () => {
    // modules= is where 7.2 and 9.1+ differ (NUMA039): the message names the version it judged by
    const line = join(tmp, "modules.sh");
    beforeAll(() => writeFileSync(line, "qemu-system-x86_64 -m 1G -smp 8,sockets=2,modules=2,cores=2\n"));
    const installed = () => /QEMU emulator version (\d+\.\d+\.\d+)/.exec(spawnSync("/usr/bin/qemu-system-x86_64", ["--version"], { encoding: "utf8" }).stdout)![1]!;

    it("Debian's 7.2 on PATH: its version, where it came from, and 7.2's verdict naming it", () => {
      const r = run(["check", line, "--sample", "bm-standard2-52"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`checked against QEMU ${installed()} (/usr/bin/qemu-system-x86_64 --version; --qemu-version X.Y.Z checks for another)`);
      expect(r.err).toContain(`(this QEMU is ${installed()})`);
      expect(r.err).not.toContain("the version is unknown");
      const j = JSON.parse(run(["check", line, "--sample", "bm-standard2-52", "--json"]).out) as { qemu: { version: string; from: string; binary: string } };
      expect(j.qemu).toMatchObject({ version: installed(), from: "installed", binary: "/usr/bin/qemu-system-x86_64" });
    });

    it("--qemu-version overrides it: 10.0.2 takes modules=", () => {
      const r = run(["check", line, "--sample", "bm-standard2-52", "--qemu-version", "10.0.2"]);
      expect(r.err).toContain("checked against QEMU 10.0.2 (--qemu-version)");
      expect(r.err).not.toContain("NUMA039");
    });

    it("no QEMU on PATH: checked as 7.2 where versions differ, and it says why", () => {
      const r = spawnSync(process.execPath, [bundle, "check", line, "--sample", "bm-standard2-52"], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...env, PATH: join(tmp, "empty-path"), NUMADESK_QEMU: "" },
      });
      expect(r.stderr).toContain("checked without a QEMU version (qemu-system-x86_64 is not on PATH): where QEMU versions differ, QEMU 7.2's rules; --qemu-version X.Y.Z says which QEMU will run it");
      expect(r.stderr).toContain("assuming QEMU 7.2 rules: the version is unknown");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it("a binary that never answers --version is given up on within the bound, not waited for", () => {
      const dir = join(tmp, "hang");
      mkdirSync(dir, { recursive: true });
      const hang = join(dir, "qemu-system-x86_64");
      writeFileSync(hang, "#!/bin/sh\nsleep 60\n", { mode: 0o755 });
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [bundle, "check", line, "--sample", "bm-standard2-52"], { cwd: root, encoding: "utf8", timeout: 60_000, env: { ...env, NUMADESK_QEMU: hang } });
      const took = Date.now() - t0;
      expect(r.stderr).toContain(`checked without a QEMU version (${hang} --version did not answer within 5 s)`);
      expect(took).toBeLessThan(30_000);
    }, 60_000);
  });

  it("--qemu and --qemu-version together are a usage error; a bad version is refused", () => {
    expect(run(["plan", "--mem", "1G", "--vcpus", "1", "--threads", "1", "--qemu", "/usr/bin/qemu-system-x86_64", "--qemu-version", "7.2.0"]).code).toBe(2);
    const r = run(["plan", "--mem", "1G", "--vcpus", "1", "--threads", "1", "--qemu-version", "ten"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--qemu-version takes a version like 7.2.0, not 'ten'");
  });
});
