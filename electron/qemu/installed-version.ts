// The version of the QEMU installed here, for checks that were given none (`numadesk check`
// without --qemu-version or --qemu). Only `qemu-system-x86_64 --version` is asked: it prints
// one line and exits without starting a machine, so the check stays fast. The answer is
// bounded (time and output): a binary that hangs or floods does not hang the check, it only
// leaves the version unknown, and the message says why.

import { spawnSync } from "node:child_process";
import { findQemu, parseQemuVersion, QemuNotFound } from "./discover";

/** How long `--version` may take; QEMU 7.2 answers in about 20 ms here, 2 s under load 10. */
export const VERSION_TIMEOUT_MS = 5000;

export type InstalledQemu = { found: true; binary: string; version: string } | { found: false; why: string };

/** Ask the QEMU a run would use (NUMADESK_QEMU, else qemu-system-x86_64 on PATH) for its version. */
export function installedQemuVersion(timeoutMs = VERSION_TIMEOUT_MS): InstalledQemu {
  let binary: string;
  try {
    binary = findQemu();
  } catch (e) {
    if (e instanceof QemuNotFound) return { found: false, why: e.message.replace(/;.*$/, "") };
    throw e;
  }
  const r = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ETIMEDOUT") return { found: false, why: `${binary} --version did not answer within ${timeoutMs / 1000} s` };
  if (r.error) return { found: false, why: `${binary} could not be run (${code ?? r.error.message})` };
  const version = parseQemuVersion(r.stdout ?? "");
  if (!version) return { found: false, why: `${binary} --version does not answer like QEMU (${((r.stdout || r.stderr) ?? "").trim().replace(/\s+/g, " ").slice(0, 60)})` };
  return { found: true, binary, version };
}
