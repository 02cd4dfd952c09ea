// Ask the real QEMU binary whether it accepts a command line, the way the oracle corpus is
// recorded. QEMU 7.2 sends its QMP greeting after the command-line memory backends exist but
// *before* machine initialisation, and NUMA, -smp and machine errors end it with exit 1 after
// the greeting. So the greeting is not acceptance: only a reply to `query-status` (answered by
// the main loop once the machine is initialised) from a QEMU that is still alive is.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QmpClient } from "../qemu/qmp";
import { killGroup, spawnGuarded } from "../qemu/spawn-guarded";

export type Verdict = "accepted" | "refused";
export type Phase = "before-greeting" | "after-greeting";

export interface OracleRun {
  verdict: Verdict;
  /** QEMU's exit code; null when it was killed (an accepted line is ended with `quit`, exit 0) */
  exit: number | null;
  /** QEMU's stderr, trimmed and bounded */
  stderr: string;
  /** for a refusal: whether QEMU had sent its QMP greeting before it exited */
  phase?: Phase;
}

/** What the oracle adds to every line: no guest runs, no devices, no display, TCG. */
export const ORACLE_ARGS = ["-S", "-nodefaults", "-no-user-config", "-display", "none", "-accel", "tcg"];

const MAX_STDERR = 2000;

export function trimStderr(text: string): string {
  const t = text.trim();
  return t.length > MAX_STDERR ? `${t.slice(0, MAX_STDERR)}…` : t;
}

/**
 * Run `binary args… ORACLE_ARGS -qmp unix:…` and say whether QEMU accepted the line. Bounded:
 * after `timeoutMs` the process group is killed; the socket's folder is always removed.
 */
export async function runOracle(binary: string, args: readonly string[], timeoutMs = 20_000): Promise<OracleRun> {
  const dir = mkdtempSync(join(tmpdir(), "numadesk-oracle-"));
  const sock = join(dir, "qmp.sock");
  const child = spawnGuarded(binary, [...args, ...ORACLE_ARGS, "-qmp", `unix:${sock},server=on,wait=off`], ["ignore", "ignore", "pipe"]);
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (s: string) => {
    if (stderr.length < 64 * 1024) stderr += s;
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code) => {
      exitCode = code;
      resolve();
    });
    child.on("error", () => {
      exitCode = null;
      resolve();
    });
  });
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const alive = () => exitCode === undefined;
  const deadline = Date.now() + timeoutMs;
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
  let greeted = false;
  let accepted = false;
  let qmp: QmpClient | undefined;
  try {
    qmp = await QmpClient.connect(sock, alive, deadline);
    const hello = await qmp.greeting();
    greeted = hello.QMP !== undefined;
    if (greeted) {
      const caps = await qmp.execute("qmp_capabilities");
      if (caps.return !== undefined) {
        const status = await qmp.execute("query-status");
        accepted = status.return !== undefined && alive();
      }
    }
    if (accepted) await qmp.execute("quit");
  } catch {
    // QEMU exited before its socket opened: a refusal before the greeting
  } finally {
    qmp?.close();
  }
  if (!accepted) {
    // give a refusing QEMU time to print and exit; a live one that never answered is killed
    await Promise.race([exited, new Promise((r) => setTimeout(r, Math.max(0, Math.min(5000, deadline - Date.now()))))]);
  } else {
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  if (alive()) killGroup(child, "SIGKILL");
  await exited;
  await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  const run: OracleRun = { verdict: accepted ? "accepted" : "refused", exit: exitCode ?? null, stderr: trimStderr(stderr) };
  if (!accepted) run.phase = greeted ? "after-greeting" : "before-greeting";
  return run;
}
