import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../qemu/parse";
import { generateArgv, generateScript, generateShellLine } from "../qemu/generate";
import { maskToCpuList } from "./taskset";
import { emulatorHostSet, vcpuHostSets } from "./resolve";

describe("a leading taskset", () => {
  it("is read as the CPU set of every QEMU thread and written back as it was", () => {
    const r = parseCommandLine("taskset -c 0-3,8 qemu-system-x86_64 -m 1G -smp 2");
    expect(r.diagnostics).toEqual([]);
    expect(r.layout.pinning?.process).toEqual({ hostCpus: "0-3,8", words: ["taskset", "-c", "0-3,8"] });
    expect(r.layout.qemu?.binary).toBe("qemu-system-x86_64");
    expect(generateArgv(r.layout)).toEqual(["taskset", "-c", "0-3,8", "qemu-system-x86_64", "-m", "1G", "-smp", "2"]);
    expect(vcpuHostSets(r.layout).get(1)).toEqual([0, 1, 2, 3, 8]);
    expect(emulatorHostSet(r.layout)).toEqual([0, 1, 2, 3, 8]);
  });

  it("reads the mask form, --cpu-list and -ac, after environment words", () => {
    expect(parseCommandLine("taskset 0x30 qemu-system-x86_64 -m 1G").layout.pinning?.process?.hostCpus).toBe("4-5");
    expect(parseCommandLine("taskset --cpu-list 2 qemu-system-x86_64 -m 1G").layout.pinning?.process?.hostCpus).toBe("2");
    const env = parseCommandLine("LC_ALL=C taskset -ac 1 /usr/bin/qemu-system-x86_64 -m 1G");
    expect(env.layout.qemu).toEqual({ binary: "/usr/bin/qemu-system-x86_64", prefix: ["LC_ALL=C"] });
    expect(generateShellLine(env.layout).split(" \\\n")[0]).toBe("LC_ALL=C");
    expect(generateScript(env.layout)).toMatch(/exec env \\\n {2}LC_ALL=C \\\n {2}taskset -ac 1 \\\n {2}\/usr\/bin\/qemu-system-x86_64/);
    expect(maskToCpuList("ffffffff,00000001")).toBe("0,32-63");
  });

  it("writes taskset -c with the new set once the set is edited", () => {
    const r = parseCommandLine("taskset 0x3 qemu-system-x86_64 -m 1G");
    r.layout.pinning!.process!.hostCpus = "2-3";
    expect(generateArgv(r.layout).slice(0, 4)).toEqual(["taskset", "-c", "2-3", "qemu-system-x86_64"]);
  });

  it("says what is wrong with a taskset it cannot read", () => {
    const r = parseCommandLine("taskset -p 0x3 qemu-system-x86_64 -m 1G");
    expect(r.diagnostics[0]).toMatchObject({ code: "PARSE016", severity: "error" });
    expect(r.diagnostics[0]!.message).toMatch(/only -c\/--cpu-list and -a/);
    expect(parseCommandLine("taskset -c 9-2 qemu-system-x86_64").diagnostics[0]!.code).toBe("PARSE016");
  });
});
