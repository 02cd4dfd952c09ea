// `numadesk plan` without --qemu-version plans for the QEMU installed here, as `check` does
// (electron/qemu/installed-version.ts): a plan for QEMU 9.0 or later gives a node whose thread
// budget passes QEMU's 16 workers per backend several backends (they preallocate in parallel),
// so treating an installed 10.0 as unknown gave the 7.2 plan.

import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { builtCli } from "./fixtures/built-cli";
import { backportsCacheDir } from "../qemu/backports";

let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);

const root = join(import.meta.dirname, "../..");
const plan = (extra: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [bundle, "plan", "--mem", "256G", "--vcpus", "104", "--threads", "64", "--sample", "bm-standard2-52", "--json", ...extra], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { qemu: { version: string | null; from: string }; layout: { backends: unknown[] } };
};

/** QEMU 10.0 from bookworm-backports, when `numadesk qemu fetch` has put it in the cache. */
function backportsQemu(): string | undefined {
  const dir = backportsCacheDir();
  if (!existsSync(dir)) return undefined;
  for (const v of readdirSync(dir)) {
    const bin = join(dir, v, "root/usr/bin/qemu-system-x86_64");
    if (existsSync(bin)) return bin;
  }
  return undefined;
}

describe("plan without --qemu-version plans for the installed QEMU", () => {
  it("Debian's 7.2: says so, and plans as --qemu-version with that version does", () => {
    const r = plan([]);
    expect(r.qemu.from).toBe("installed");
    expect(r.qemu.version).toMatch(/^7\.2\./);
    expect(r.layout).toEqual(plan(["--qemu-version", r.qemu.version!]).layout);
  }, 120_000);

  const q10 = backportsQemu();
  it.skipIf(!q10)(
    "QEMU 10.0 as the QEMU a run would use (NUMADESK_QEMU): several backends per node, as for --qemu-version 10.0",
    () => {
      const r = plan([], { NUMADESK_QEMU: q10! });
      expect(r.qemu.version).toMatch(/^10\.0\./);
      const seven = plan(["--qemu-version", "7.2.0"]);
      expect(r.layout.backends.length).toBeGreaterThan(seven.layout.backends.length);
      expect(r.layout).toEqual(plan(["--qemu-version", r.qemu.version!]).layout);
    },
    120_000,
  );
});
