import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../qemu/parse";
import { formatPinReport, judgeThread, threadRole, threadRoleIn } from "./pin-report";

const { layout } = parseCommandLine("qemu-system-x86_64 -m 1G -smp 2 -object iothread,id=disk-io-for-the-database");
layout.pinning = { vcpus: [{ vcpus: "0-1", hostCpus: "2-3" }], emulator: "0" };
layout.iothreads![0]!.hostCpus = "1";

describe("threads of a run, judged against the design", () => {
  it("reads QEMU 7.2's thread names as roles", () => {
    expect(threadRole("CPU 12/KVM", false)).toEqual({ role: "vcpu", of: 12 });
    expect(threadRole("CPU 0/TCG", false)).toEqual({ role: "vcpu", of: 0 });
    expect(threadRole("TC tc0", false)).toEqual({ role: "thread-context", of: "tc0" });
    expect(threadRole("touch_pages", false)).toEqual({ role: "prealloc" });
    expect(threadRole("qemu-system-x86", true)).toEqual({ role: "emulator" });
    // QEMU's own monitor thread is no configured I/O thread: it goes with the emulator
    expect(threadRoleIn(layout, "IO mon_iothread", false)).toEqual({ role: "emulator" });
  });

  it("matches an I/O thread by the 15 bytes the kernel keeps of its name", () => {
    expect(judgeThread(layout, 7, "IO disk-io-for-", false, "1")).toMatchObject({ role: "iothread", expected: "1", matches: true });
  });

  it("says which threads are not where the design says", () => {
    const threads = [judgeThread(layout, 1, "qemu-system-x86", true, "0"), judgeThread(layout, 2, "CPU 0/TCG", false, "0-3"), judgeThread(layout, 3, "TC tc0", false, "0-3")];
    expect(threads.map((t) => t.matches)).toEqual([true, false, undefined]);
    const text = formatPinReport({ statusWhenPinned: "prelaunch", threads });
    expect(text).toMatch(/2 threads pinned while QEMU was prelaunch; 1 not where the design says/);
    expect(text).toMatch(/CPU 0\/TCG +2 +vcpu 0 +0-3 +2-3 +NO/);
  });
});
