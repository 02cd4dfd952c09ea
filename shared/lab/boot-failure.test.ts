// The lab guest that did not boot, said in one line. The fixtures are what QEMU 7.2 printed on this
// machine: kvm-probe-stderr.txt for the lab's own command line (electron/lab/boot.ts outerArgs) under
// -accel kvm -cpu host (nested KVM: QEMU's error, then glibc's assertion, SIGABRT); and
// lab-boot-nomem-stderr.txt for the lab's two memory-backend-ram nodes at 32T each under TCG
// (-m 64T, exit 1, 2026-11-26). The run used to end on QEMU's last line as it was.
// electron/lab/lab.test.ts boots the lab under KVM for real and checks the same line.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { labBootFailure } from "./boot-failure";
import { SHORT_MAX } from "./kvm-reason";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const kvm = fixture("kvm-probe-stderr.txt");
const nomem = fixture("lab-boot-nomem-stderr.txt");

describe("labBootFailure", () => {
  it("says QEMU's error under KVM in one line, not the assertion or the warnings; the details keep every line", () => {
    const f = labBootFailure(kvm, null, []);
    expect(f.short).toBe("the lab guest did not boot: QEMU could not set MSR 0x10a to 0x69");
    expect(f.short).not.toMatch(/\n|Assertion|\.\.\/|qemu-system/);
    expect(f.detail).toContain("kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.");
    expect(f.detail).toContain("Number of SMP cpus requested (4)");
  });

  it("says which memory QEMU could not set up, without the program's name", () => {
    const f = labBootFailure(nomem, 1, []);
    expect(f.short).toBe("the lab guest did not boot: cannot set up guest memory 'lab0': Cannot allocate memory");
    expect(f.detail).toBe(nomem.trim());
  });

  it("with nothing on stderr, the guest kernel's panic from the console, its time stamp dropped; never empty brackets", () => {
    const tail = ["[    1.912345] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)", "[    1.913000] ---[ end Kernel panic ]---"];
    const f = labBootFailure("", 0, tail);
    expect(f.short).toBe("the lab guest did not boot: its kernel panicked (VFS: Unable to mount root fs on unknown-block(0,0))");
    expect(f.detail).toContain("the guest's console ended with:\nKernel panic - not syncing: VFS");
    expect(labBootFailure("", 0, []).short).toBe("the lab guest did not boot: it powered off before the lab started");
    expect(labBootFailure("", null, []).short).toBe("the lab guest did not boot: QEMU was stopped by a signal");
    expect(labBootFailure("\n\n", 3, []).detail).toBe("QEMU said nothing (exit 3)");
  });

  it("a long reason is cut between words, at most the short length after the lead", () => {
    const long = `qemu-system-x86_64: -object memory-backend-ram,id=lab0,size=1G: ${"word ".repeat(40)}end`;
    const f = labBootFailure(long, 1, []);
    const reason = f.short.replace("the lab guest did not boot: ", "");
    expect(reason.length).toBeLessThanOrEqual(SHORT_MAX);
    expect(reason).toMatch(/^word( word)*…$/);
  });
});
