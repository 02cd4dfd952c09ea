// Why a KVM probe boot of the lab failed, as one clean line for the lab's boot line and its
// record, with QEMU's own words kept whole for a tooltip. QEMU 7.2 under nested KVM here printed
//   qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69
//   qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.
// and aborted (exit 134); the boot line used to show the last line cut at 120 characters,
// mid-word ("… nmsrs' faile"). The error line says what went wrong; the assertion only where.

import { printable } from "../text/printable";

export interface KvmReason {
  /** one line, whole words, at most SHORT_MAX characters: "QEMU could not set MSR 0x10a to 0x69" */
  short: string;
  /** what QEMU printed, whole (bounded), for a tooltip or the record */
  detail: string;
}

export const SHORT_MAX = 80;
/** the most of QEMU's words kept for a tooltip or details */
export const DETAIL_MAX = 2000;

/** At most `max` characters, cut between words with "…" (never inside a word). */
export function wholeWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:(]+$/, "")}…`;
}

type Said = { kind: "error" | "warning" | "assertion" | "other"; text: string };

// "qemu-system-x86_64: ", then where QEMU was ("-accel kvm: "), then its tag ("error: ", "warning: ")
const PROGRAM = /^\S*qemu-system-[\w-]+:\s*/;
const LOCATION = /^-[\w-]+(?: [^:]*)?:\s*/;
const TAG = /^(error|warning):\s*/i;
// glibc's assert(): "file.c:3183: function: Assertion `expr' failed."
const ASSERTION = /^(?:\S+:\d+:\s*)?(\w+): Assertion `.*' failed\.?$/;

function said(line: string): Said {
  let text = line.replace(PROGRAM, "");
  if (ASSERTION.test(text)) return { kind: "assertion", text: ASSERTION.exec(text)![1]! };
  text = text.replace(LOCATION, "");
  const tag = TAG.exec(text)?.[1]?.toLowerCase();
  return { kind: tag === "error" ? "error" : tag === "warning" ? "warning" : "other", text: text.replace(TAG, "").trim() };
}

/** The reason KVM did not boot the lab's kernel, from the probe's exit and QEMU's stderr. */
export function kvmReason(stderr: string, exit: { code: number | null; timedOut: boolean }): KvmReason {
  if (exit.timedOut) return { short: "the guest did not answer in 20 s", detail: qemuSaid(stderr).detail };
  return qemuStopReason(stderr, exit.code);
}

/** QEMU's stderr as lines, and whole (bounded) for a tooltip or details. */
export function qemuSaid(stderr: string): { lines: string[]; detail: string } {
  const lines = printable(stderr)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return { lines, detail: wholeWords(lines.join("\n"), DETAIL_MAX) };
}

/** Why QEMU stopped, in one line, from its stderr and exit code (null: killed by a signal). */
export function qemuStopReason(stderr: string, code: number | null): KvmReason {
  const { lines, detail } = qemuSaid(stderr);
  const all = lines.map(said);
  // QEMU's error says why; an assertion only says where it stopped; warnings (too many vCPUs for KVM's
  // recommendation, a NIC with no peer) are not why it failed
  const why = all.find((s) => s.kind === "error") ?? all.find((s) => s.kind === "other" && !/^Aborted/.test(s.text));
  if (why) {
    // "failed to set MSR 0x10a to 0x69" reads as QEMU's own doing
    const text = /^failed to /.test(why.text) ? `QEMU could not ${why.text.replace(/^failed to /, "")}` : why.text;
    return { short: wholeWords(text, SHORT_MAX), detail };
  }
  const where = all.find((s) => s.kind === "assertion");
  if (where) return { short: wholeWords(`QEMU stopped on an internal check in ${where.text}`, SHORT_MAX), detail };
  if (code === null) return { short: "QEMU was stopped by a signal", detail };
  return { short: `QEMU exited with status ${code}`, detail };
}
