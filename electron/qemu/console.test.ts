// The console options against the real QEMU (the installed 7.2): which of the console forms
// the design offers QEMU takes, with the seed's fast line shrunk to this host (one node, tiny
// sizes, -S). The seed's own pair, -nographic -monitor stdio, is refused: the default serial
// port and the monitor both want stdio.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../../shared/qemu/parse";
import { generateArgs } from "../../shared/qemu/generate";
import { consoleConflict, withConsole } from "../../shared/layout/guest-console";
import type { Layout } from "../../shared/layout/schema";
import { findQemu } from "./discover";

const qemu = findQemu();
const root = join(__dirname, "../..");

/** The seed's fast line with -smp 104, as the canvas builds it, shrunk to 256M on this host's node 0. */
function seedLayout(): Layout {
  const text = readFileSync(join(root, "shared/qemu/fixtures/seed-fast.sh"), "utf8")
    .replace("-m 256G", "-m 256M -smp 104")
    .replace(/size=128g/g, "size=128M")
    .replace(/host-nodes=1/g, "host-nodes=0")
    .replace(/node-affinity=1/g, "node-affinity=0");
  return parseCommandLine(text).layout;
}

/** Start QEMU stopped (-S) under TCG, tell it to quit on its console, and say how it ended. */
function start(args: string[], quit: string) {
  const r = spawnSync(qemu, [...args, "-S", "-accel", "tcg"], { input: quit, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe("console options with the real QEMU", () => {
  it("the seed's fast line plus -smp 104 has -nographic -monitor stdio, which QEMU refuses; the design says why", () => {
    const layout = seedLayout();
    expect(layout.console).toMatchObject({ display: "nographic", monitor: "stdio" });
    const args = generateArgs(layout);
    expect(args.slice(0, 8)).toEqual(["-name", "debug-threads=on", "-nographic", "-monitor", "stdio", "-m", "256M", "-smp"]);
    const r = start(args, "quit\n");
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/cannot use stdio by multiple character devices/);
    expect(consoleConflict(layout.console, args)).toMatch(/cannot use stdio by multiple character devices/);
  });

  it("-display none -monitor stdio (the same line, the display changed in the design) starts, and quits from the monitor", () => {
    const layout = seedLayout();
    layout.console = withConsole(layout.console, { display: "none" });
    const args = generateArgs(layout);
    expect(args.slice(0, 5)).toEqual(["-name", "debug-threads=on", "-display", "none", "-monitor"]);
    expect(consoleConflict(layout.console, args)).toBeUndefined();
    const r = start(args, "quit\n");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/QEMU [\d.]+ monitor/);
  });

  it("-nographic alone (monitor left at QEMU's default) starts with serial and monitor sharing stdio; Ctrl-A x ends it", () => {
    const layout = seedLayout();
    layout.console = withConsole(layout.console, { monitor: undefined });
    const args = generateArgs(layout);
    expect(args).toContain("-nographic");
    expect(args).not.toContain("-monitor");
    expect(consoleConflict(layout.console, args)).toBeUndefined();
    const r = start(args, "\x01x");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/QEMU: Terminated/);
  });

  it("-nographic -monitor stdio with -nodefaults (no default serial port) starts", () => {
    const layout = seedLayout();
    layout.args.push({ tokens: ["-nodefaults"] });
    const args = generateArgs(layout);
    expect(consoleConflict(layout.console, args)).toBeUndefined();
    const r = start(args, "quit\n");
    expect(r.status, r.stderr).toBe(0);
  });
});
