// The lab's KVM probe failure as one clean line. fixtures/kvm-probe-stderr.txt is what QEMU 7.2
// printed on this machine (nested KVM) when the lab's probe boot ran with -accel kvm -cpu host
// (electron/lab/boot.ts, 2026-11-26): two warnings, QEMU's error and glibc's assertion; it was
// killed by SIGABRT (exit code null). The boot line used to show the assertion cut mid-word.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kvmReason, SHORT_MAX, wholeWords } from "./kvm-reason";

const real = readFileSync(join(import.meta.dirname, "fixtures/kvm-probe-stderr.txt"), "utf8");

describe("kvmReason", () => {
  it("says QEMU's error from the real probe in one line, not the assertion or the warnings, and keeps all of it for the tooltip", () => {
    const r = kvmReason(real, { code: null, timedOut: false });
    expect(r.short).toBe("QEMU could not set MSR 0x10a to 0x69");
    expect(r.short).not.toMatch(/\n/);
    expect(r.detail).toContain("kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.");
    expect(r.detail).toContain("Number of SMP cpus requested (4)");
    expect(r.detail.split("\n")).toHaveLength(4);
  });

  it("an assertion alone says where QEMU stopped, by its function, not the source path", () => {
    const only = real
      .split("\n")
      .filter((l) => l.includes("Assertion"))
      .join("\n");
    expect(kvmReason(only, { code: 134, timedOut: false }).short).toBe("QEMU stopped on an internal check in kvm_buf_set_msrs");
  });

  it("a probe that timed out, or exited with nothing said, says so", () => {
    expect(kvmReason("", { code: null, timedOut: true }).short).toBe("the guest did not answer in 20 s");
    expect(kvmReason("", { code: 1, timedOut: false }).short).toBe("QEMU exited with status 1");
    expect(kvmReason(real.split("\n")[0]!, { code: null, timedOut: false }).short).toBe("QEMU was stopped by a signal");
  });

  it("a long reason is cut between words, with …, never mid-word; control characters do not reach the line", () => {
    const long = `qemu-system-x86_64: error: ${"virtualization extension unavailable ".repeat(5)}\x1b[2J`;
    const r = kvmReason(long, { code: 1, timedOut: false });
    expect(r.short.length).toBeLessThanOrEqual(SHORT_MAX);
    expect(r.short).toMatch(/ (virtualization|extension|unavailable)…$/);
    expect(r.detail).not.toContain("\x1b");
    expect(wholeWords("abc def", 80)).toBe("abc def");
  });
});
