// `numadesk run` as a user runs it: a real CLI process launching a real QEMU.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDirsLeft, sweepStaleRunDirs } from "../qemu/launch";
import { builtCli } from "./fixtures/built-cli";

const root = join(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "numadesk-clirun-"));
const env = { ...process.env, NUMADESK_DATA_DIR: join(tmp, "data") };
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// the built CLI, not tsx: each start compiled the sources (3-4 s at load 8), so the first test's
// 13 starts took 35 s of its 60, and the signal tests' runs could start too late for their waits
let bundle = "";
const cli = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd: root, encoding: "utf8", env, timeout: 60_000 });

function qemuOfRuns(): number[] {
  try {
    return execFileSync("pgrep", ["-f", `qemu-system-x86_64.*${tmpdir()}/numadesk-run-`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const waitFor = async (pred: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
};

// A layout that takes seconds to preallocate: 4 GiB by one thread.
const big = join(tmp, "big.numadesk.json");
beforeAll(() => {
  bundle = builtCli();
  writeFileSync(big, cli(["plan", "--mem", "4G", "--vcpus", "1", "--threads", "1", "--format", "json"]).stdout);
}, 300_000); // a rebuild of a stale bundle takes seconds on a busy machine

describe("numadesk run", () => {
  it("runs a planned layout, prints the summary and saves a record that runs list and show read back", () => {
    // memfd: 4 KiB pages, so the threads live long enough to be seen many times
    const plan = cli(["plan", "--mem", "512M", "--vcpus", "2", "--threads", "2", "--backend", "memfd", "--format", "json"]);
    const file = join(tmp, "small.numadesk.json");
    writeFileSync(file, plan.stdout);
    const r = cli(["run", file, "--label", "small", "--rate", "1000"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/preallocated 512 MiB in \d+\.\d+ s \(\d+\.\d+ GiB\/s\)/);
    expect(r.stdout).toMatch(/ram-node0 +512 MiB +0 +\d\/\d +100 %/);
    expect(r.stdout).toMatch(/touch_pages \d+ +ram-node0/);
    const id = /run (\S+) \(small\)/.exec(r.stdout)![1]!;
    expect(cli(["runs"]).stdout).toContain(id);
    expect(cli(["runs", "show", id]).stdout).toContain("preallocated 512 MiB");
    expect(cli(["runs", "compare", id, id]).stdout).toMatch(/1\.00×/);
    // renamed, then back to its description
    expect(cli(["runs", "label", id, "before", "the", "fix"]).stdout).toBe(`${id}: before the fix\n`);
    expect(cli(["runs"]).stdout).toMatch(new RegExp(`${id} .*before the fix`));
    expect(cli(["runs", "label", id, ""]).stdout).toMatch(/: with thread-context, 512 MiB, .*, \d+\.\d+ s\n$/);
    const bad = cli(["runs", "label", id, "a\nb"]);
    expect([bad.status, bad.stderr]).toEqual([1, "numadesk: a run label is one line of text: no control characters or bidirectional overrides\n"]);
    expect(cli(["runs", "delete", id]).status).toBe(0);
    expect(cli(["runs"]).stdout).not.toContain(id);
  });

  it("refuses a layout with errors and prints them, exit 1, no QEMU started", () => {
    const r = cli(["run", join(root, "shared/qemu/fixtures/seed-fast.sh"), "--no-save"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[NUMA002]");
    expect(r.stderr).toMatch(/numadesk: the layout has errors/);
    expect(qemuOfRuns()).toEqual([]);
  });

  it("Ctrl-C (SIGINT) stops the run: QEMU gone, folder gone, the record says cancelled", async () => {
    const child = spawn(process.execPath, [bundle, "run", big, "--no-save"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    // real waits, on the process table: generous, as a loaded machine starts processes slowly
    expect(await waitFor(() => qemuOfRuns().length > 0, 30_000)).toBe(true);
    child.kill("SIGINT");
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(1);
    expect(out).toMatch(/: cancelled/);
    expect(qemuOfRuns()).toEqual([]);
    expect(runDirsLeft()).toEqual([]);
  });

  it("when the CLI is killed with SIGKILL, QEMU dies with it and the next run sweeps the folder", async () => {
    const child = spawn(process.execPath, [bundle, "run", big, "--no-save"], { cwd: root, env, stdio: "ignore" });
    expect(await waitFor(() => qemuOfRuns().length > 0, 30_000)).toBe(true);
    child.kill("SIGKILL");
    // the sweep must also work while the killed process is an unreaped zombie
    expect(await waitFor(() => qemuOfRuns().length === 0, 20_000)).toBe(true);
    expect(runDirsLeft().length).toBe(1);
    expect(sweepStaleRunDirs().length).toBe(1);
    expect(runDirsLeft()).toEqual([]);
  });
});
