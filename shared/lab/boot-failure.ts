// Why the lab guest did not boot, as one line for the run panel and the CLI, with what QEMU and
// the guest's console said kept whole for the details. The run used to end on QEMU's last stderr
// line as it was: under -accel kvm on this machine (nested KVM, QEMU 7.2) that is glibc's
// "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion `ret ==
// cpu->kvm_msr_buf->nmsrs' failed." — where QEMU stopped, not why; and with nothing on stderr
// (a guest kernel that panics exits 0 under -no-reboot) it said "the lab guest did not boot ()".

import { printable } from "../text/printable";
import { qemuSaid, qemuStopReason, wholeWords, SHORT_MAX } from "./kvm-reason";

export interface BootFailure {
  /** "the lab guest did not boot: QEMU could not set MSR 0x10a to 0x69" */
  short: string;
  /** QEMU's stderr and the console's last lines, whole (bounded), for the details */
  detail: string;
}

const LEAD = "the lab guest did not boot";
// "[    1.234567] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)"
const PANIC = /Kernel panic - not syncing:\s*(.*)$/;
const STAMP = /^\[\s*\d+\.\d+\]\s*/;

/** From the outer QEMU's exit code (null: a signal), its stderr, and the console lines that were not the lab's own. */
export function labBootFailure(stderr: string, code: number | null, consoleTail: readonly string[]): BootFailure {
  const qemu = qemuSaid(stderr);
  const console = consoleTail.map((l) => printable(l).replace(STAMP, "").trim()).filter(Boolean);
  const detail = [qemu.detail, console.length ? `the guest's console ended with:\n${console.join("\n")}` : ""].filter(Boolean).join("\n");
  const panic = console.map((l) => PANIC.exec(l)?.[1]).find((m) => m !== undefined);
  let why: string;
  if (qemu.lines.length > 0) why = qemuStopReason(stderr, code).short;
  else if (panic !== undefined) why = `its kernel panicked${panic ? ` (${panic})` : ""}`;
  else if (code === 0) why = "it powered off before the lab started";
  else why = code === null ? "QEMU was stopped by a signal" : `QEMU exited with status ${code}`;
  return { short: `${LEAD}: ${wholeWords(why, SHORT_MAX)}`, detail: detail || `QEMU said nothing (exit ${code ?? "by a signal"})` };
}
