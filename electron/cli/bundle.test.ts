// The built CLI (dist/numadesk.js, what bin/numadesk.js and an installed `numadesk` run), every
// command once from a folder that is not the repository: files it needs must be found from the
// app's root, not from where the bundle's module happens to be.

import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");
const bundle = join(root, "dist/numadesk.js");
const cwd = mkdtempSync(join(tmpdir(), "numadesk-bundle-"));
const env = { ...process.env, NUMADESK_DATA_DIR: join(cwd, "data"), XDG_CACHE_HOME: join(cwd, "cache") };
const cli = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd, env, encoding: "utf8", timeout: 120_000 });
const seedFast = join(root, "shared/qemu/fixtures/seed-fast.sh");

describe("the built CLI, every command", () => {
  it("topo, parse, check, plan, export", () => {
    expect(cli("topo").status).toBe(0);
    expect(cli("topo", "--sample", "bm-standard2-52", "--format", "numactl").stdout).toMatch(/available: 2 nodes/);
    expect(cli("parse", seedFast).status).toBe(0);
    expect(cli("check", seedFast, "--sample", "bm-standard2-52").status).toBe(1); // the seed's line has no -smp
    const plan = cli("plan", "--mem", "128M", "--vcpus", "1", "--threads", "2", "--format", "json");
    expect(plan.status).toBe(0);
    writeFileSync(join(cwd, "plan.numadesk.json"), plan.stdout);
    expect(cli("export", join(cwd, "plan.numadesk.json"), "--format", "libvirt").stdout).toMatch(/<numa>/);
  });

  it("run, runs list/show/delete", () => {
    const run = cli("run", join(cwd, "plan.numadesk.json"), "--json");
    expect(run.status, run.stderr).toBe(0);
    const id = (JSON.parse(run.stdout) as { id: string }).id;
    expect(cli("runs", "list").stdout).toContain(id);
    expect(cli("runs", "show", id).stdout).toMatch(/: ok/);
    expect(cli("runs", "delete", id).status).toBe(0);
  });

  it("bench builds its C helper from the installed sources", () => {
    const r = cli("bench", "--runs", "1", "--mem", "64M");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/host-limit-anon-4k/);
    expect(r.stderr + r.stdout).not.toMatch(/ENOENT|internal error/);
  });

  it("lab and serve answer (a bad node count; serve starts and stops)", async () => {
    const lab = cli("lab", "--nodes", "3", "--demo");
    expect(lab.status).toBe(2);
    expect(lab.stderr).toMatch(/2 or 4/);
    const child = spawn(process.execPath, [bundle, "serve", "--port", "0"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    for (let i = 0; i < 1200 && !out.includes("serving on"); i++) await new Promise((r) => setTimeout(r, 25));
    expect(out).toMatch(/serving on http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    child.kill("SIGTERM");
    expect(await new Promise((r) => child.on("exit", r))).toBe(0);
    rmSync(cwd, { recursive: true, force: true });
  });
});
