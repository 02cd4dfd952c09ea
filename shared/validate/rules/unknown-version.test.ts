// An unknown QEMU version is checked by QEMU 7.2's -smp rules, as the rest of Numadesk takes it
// (qemu/smp-topology.ts ASSUMING_72), and where 7.2's rule differs from a newer QEMU's the
// diagnostic says it assumed so. The 7.2 verdicts are measured (oracle corpus smp-zero-cores,
// modules; 10.0's in shared/qemu/fixtures/smp-oracle.json). A 0 needs no assumption: the
// parser's PARSE009 names both 7.2's warning and 9.0's refusal.

import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../qemu/parse";
import { checkLayout } from "../check";
import { ASSUMING_72 } from "../../qemu/smp-topology";

const diags = (smp: string, version: string | undefined, machine = "q35") =>
  checkLayout(parseCommandLine(`qemu-system-x86_64 -machine ${machine} -m 64M -smp ${smp}`).layout, version === undefined ? {} : { qemu: { version } }).filter((d) =>
    ["NUMA026", "NUMA039"].includes(d.code),
  );

describe("-smp with an unknown QEMU version: 7.2's rules, and the diagnostic says so where they differ", () => {
  it("a 0 value: the parser's warning says what 7.2 and 9.0+ each do; only a known 9.0+ makes it an error", () => {
    const parsed = (version: string | undefined) => {
      const r = parseCommandLine(`qemu-system-x86_64 -machine q35 -m 64M -smp 4,sockets=0`);
      const check = checkLayout(r.layout, version === undefined ? {} : { qemu: { version } });
      return [...r.diagnostics, ...check].filter((d) => ["PARSE009", "NUMA026"].includes(d.code)).map((d) => [d.code, d.severity]);
    };
    expect(parsed(undefined)).toEqual([["PARSE009", "warning"]]);
    expect(parsed("7.2.22")).toEqual([["PARSE009", "warning"]]);
    expect(parsed("10.0.2")).toEqual([
      ["PARSE009", "warning"],
      ["NUMA026", "error"],
    ]);
  });

  it("modules= (QEMU 9.1+): refused as by 7.2, naming the assumption; a known 7.2 is named instead; 10.0 takes it", () => {
    const unknown = diags("8,sockets=2,modules=2,cores=2", undefined);
    expect(unknown.map((d) => d.code)).toEqual(["NUMA039"]);
    expect(unknown[0]!.message).toContain(`QEMU has modules from 9.1 (${ASSUMING_72})`);
    expect(diags("8,sockets=2,modules=2,cores=2", "7.2.22")[0]!.message).toContain("(this QEMU is 7.2.22)");
    expect(diags("8,sockets=2,modules=2,cores=2", "10.0.2")).toEqual([]);
  });

  it("q35 over 288 vCPUs: 7.2's limit, naming the assumption; 10.0 has a higher one", () => {
    const unknown = diags("300", undefined).filter((d) => d.message.includes("takes at most"));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.message).toContain(`machine q35 takes at most 288 vCPUs (${ASSUMING_72}; QEMU 9.0 and later take more)`);
    expect(diags("300", "7.2.22").find((d) => d.message.includes("takes at most"))!.message).not.toContain("assuming");
    expect(diags("300", "10.0.2").filter((d) => d.message.includes("takes at most"))).toEqual([]);
  });

  it("where the rules agree, no assumption is named", () => {
    for (const smp of ["8,sockets=3", "4", "2,maxcpus=4,sockets=2,cores=2"]) for (const d of diags(smp, undefined)) expect(d.message).not.toContain("assuming");
  });
});
