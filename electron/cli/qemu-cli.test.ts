// `numadesk qemu`, `plan`/`check` with a QEMU version and the prediction, as a user runs them:
// a real process, a private config folder, the real binaries on this host.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

  it("--qemu and --qemu-version together are a usage error; a bad version is refused", () => {
    expect(run(["plan", "--mem", "1G", "--vcpus", "1", "--threads", "1", "--qemu", "/usr/bin/qemu-system-x86_64", "--qemu-version", "7.2.0"]).code).toBe(2);
    const r = run(["plan", "--mem", "1G", "--vcpus", "1", "--threads", "1", "--qemu-version", "ten"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--qemu-version takes a version like 7.2.0, not 'ten'");
  });
});
