// The spawn gate of runs (launch.ts): QEMU is spawned as a shell waiting on its stdin, keeps
// the same pid when it is let go (exec), and never starts if we go away before the release.

import { describe, expect, it } from "vitest";
import { readlinkSync, realpathSync } from "node:fs";
import { killGroup, spawnGated } from "./spawn-guarded";

const QEMU = realpathSync("/usr/bin/qemu-system-x86_64");
const ARGS = ["-S", "-nodefaults", "-no-user-config", "-display", "none", "-accel", "tcg", "-m", "64M"];
const exe = (pid: number) => {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
};
const until = async (what: () => boolean, ms = 20_000) => {
  for (const end = Date.now() + ms; Date.now() < end && !what();) await new Promise((r) => setTimeout(r, 20));
  return what();
};

describe("the spawn gate", () => {
  it("holds QEMU until released, then QEMU runs under the same pid", async () => {
    const { child, release } = spawnGated(QEMU, ARGS, "ignore", "pipe");
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      const pid = child.pid!;
      expect(await until(() => exe(pid) !== undefined && exe(pid) !== realpathSync("/usr/bin/setpriv"))).toBe(true);
      // waiting at the gate: a shell, not QEMU
      await new Promise((r) => setTimeout(r, 300));
      expect(exe(pid)).not.toBe(QEMU);
      release();
      expect(await until(() => exe(pid) === QEMU)).toBe(true);
    } finally {
      killGroup(child, "SIGKILL");
    }
    expect(await exited).toBeNull();
  });

  it("never starts QEMU when the gate is closed without a release (we went away)", async () => {
    const { child } = spawnGated(QEMU, ARGS, "ignore", "pipe");
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    let seenQemu = false;
    const watch = setInterval(() => (seenQemu ||= exe(child.pid!) === QEMU), 5);
    child.stdin!.end();
    const code = await exited;
    clearInterval(watch);
    expect(code).toBe(1);
    expect(seenQemu).toBe(false);
  });
});
