// An unknown QEMU version is checked by QEMU 7.2's -smp rules, as the rest of Numadesk takes it
// (qemu/smp-topology.ts ASSUMING_72), and where 7.2's rule differs from a newer QEMU's the
// diagnostic says it assumed so. The 7.2 verdicts are measured (oracle corpus smp-zero-cores,
// modules; 10.0's in shared/qemu/fixtures/smp-oracle.json).

import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../qemu/parse";
import { checkLayout } from "../check";
import { ASSUMING_72 } from "../../qemu/smp-topology";

const diags = (smp: string, version: string | undefined, machine = "q35") =>
  checkLayout(parseCommandLine(`qemu-system-x86_64 -machine ${machine} -m 64M -smp ${smp}`).layout, version === undefined ? {} : { qemu: { version } }).filter((d) =>
    ["NUMA026", "NUMA039", "NUMA046"].includes(d.code),
  );

describe("-smp with an unknown QEMU version: 7.2's rules, and the diagnostic says so where they differ", () => {
  it("a 0 value: a warning (7.2 takes it as omitted and warns), naming the assumption; 10.0 refuses it", () => {
    const unknown = diags("4,sockets=0", undefined);
    expect(unknown.map((d) => [d.code, d.severity])).toEqual([["NUMA046", "warning"]]);
    expect(unknown[0]!.message).toBe(
      `sockets=0: ${ASSUMING_72}: QEMU 7.2 takes it as omitted and warns "Deprecated CPU topology (considered invalid): CPU topology parameters must be greater than zero"; QEMU 9.0 and later refuse it`,
    );
    const v72 = diags("4,sockets=0", "7.2.22");
    expect(v72.map((d) => d.code)).toEqual(["NUMA046"]);
    expect(v72[0]!.message).toMatch(/^sockets=0: QEMU 7\.2\.22 takes it as omitted/);
    expect(v72[0]!.message).not.toContain("assuming");
    expect(diags("4,sockets=0", "10.0.2").map((d) => [d.code, d.severity])).toEqual([["NUMA026", "error"]]);
  });

  it("a 0 beside a topology that does not multiply out: both the warning and the error", () => {
    expect(diags("8,sockets=3,threads=0", undefined).map((d) => d.code)).toEqual(["NUMA026", "NUMA046"]);
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
