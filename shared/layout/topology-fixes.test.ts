// The one-click fixes for NUMA026 (an -smp QEMU refuses) and NUMA010 (host nodes the target
// lacks). electron/qemu/smp-oracle.test.ts runs the fixed -smp lines through real QEMU.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { generateArgs } from "../qemu/generate";
import { checkLayout } from "../validate/check";
import { topologySchema, type HostTopology } from "../topology/schema";
import { smpOracleSchema } from "../qemu/smp-oracle";
import { fixFor } from "./fixes";

const root = join(import.meta.dirname, "../..");
const seedHost: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", "bm-standard2-52.json"), "utf8")));
const table = smpOracleSchema.parse(JSON.parse(readFileSync(join(root, "shared/qemu/fixtures/smp-oracle.json"), "utf8")));
const Q = "qemu-system-x86_64";

/** The -smp QEMU gets once the NUMA026 fix is applied, and what the checker then says. */
function fixSmp(machine: string, smp: string, version: string) {
  const { layout } = parseCommandLine(`${Q} -machine ${machine} -m 64M -smp ${smp}`);
  const d = checkLayout(layout, { qemu: { version } }).find((x) => x.code === "NUMA026");
  const fix = d ? fixFor(d, layout) : undefined;
  const fixed = fix ? fix.apply(layout) : layout;
  const args = generateArgs(fixed);
  return { d, fix, smp: args[args.indexOf("-smp") + 1], after: checkLayout(fixed, { qemu: { version } }).filter((x) => x.severity === "error") };
}

describe("NUMA026's fix", () => {
  it("is offered for every NUMA026 of the -smp oracle table and leaves no error, in QEMU 7.2's and 10.0's terms", () => {
    let n = 0;
    for (const c of table.cases)
      for (const version of Object.keys(c.records)) {
        const r = fixSmp(c.machine, c.smp, version);
        if (!r.d) continue;
        n++;
        expect(r.fix, `${version} ${c.smp}`).toBeDefined();
        expect(
          r.after.map((x) => `${x.code} ${x.message}`),
          `${version} ${c.smp} → ${r.smp}`,
        ).toEqual([]);
      }
    expect(n).toBeGreaterThanOrEqual(25);
  });

  it("keeps what divides: -smp 8,sockets=3 → 1 socket of 8 cores; 12,sockets=2,cores=5 → 2 sockets of 6; 4,maxcpus=2 raises maxcpus", () => {
    expect(fixSmp("q35", "8,sockets=3", "7.2.22")).toMatchObject({ smp: "8,sockets=1,cores=8,threads=1" });
    expect(fixSmp("q35", "12,sockets=2,cores=5", "7.2.22")).toMatchObject({ smp: "12,sockets=2,cores=6,threads=1" });
    expect(fixSmp("q35", "8,threads=3", "7.2.22").fix?.label).toBe("use -smp 8,sockets=1,cores=8,threads=1");
    expect(fixSmp("q35", "4,maxcpus=2", "7.2.22").smp).toBe("4,maxcpus=4,sockets=1,cores=4,threads=1");
  });

  it("drops a 0 for QEMU 10.0 and leaves the rest as typed", () => {
    const r = fixSmp("q35", "8,cores=0", "10.0.2");
    expect(r.fix?.label).toBe("remove cores=0 from -smp");
    expect(r.smp).toBe("8");
    expect(r.after).toEqual([]);
  });

  it("is not offered for an -smp QEMU accepts", () => {
    expect(fixSmp("q35", "8,sockets=2", "10.0.2").d).toBeUndefined();
  });
});

describe("NUMA010's fix", () => {
  const line = (hostNodes: string, extra = "") =>
    `${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 -object memory-backend-ram,id=m0,size=128M,host-nodes=0,policy=bind -object memory-backend-ram,id=m1,size=128M,host-nodes=${hostNodes},policy=bind${extra}`;
  const fixed = (text: string) => {
    const { layout } = parseCommandLine(text);
    const d = checkLayout(layout, { host: seedHost }).find((x) => x.code === "NUMA010");
    expect(d, text).toBeDefined();
    const fix = fixFor(d!, layout, seedHost)!;
    const after = fix.apply(layout);
    return { label: fix.label, hostNodes: after.backends.find((b) => b.id === "m1")!.hostNodes, codes: checkLayout(after, { host: seedHost }).map((x) => x.code) };
  };

  it("keeps the named nodes that exist", () => {
    expect(fixed(line("1-3"))).toMatchObject({ hostNodes: "1", label: "bind m1 to host node 1 (the named nodes that exist)" });
  });

  it("binds to the host node the guest node's vCPUs are pinned to", () => {
    const { layout } = parseCommandLine(line("5"));
    layout.pinning = { vcpus: [{ node: 1, hostCpus: "26-27" }] };
    const d = checkLayout(layout, { host: seedHost }).find((x) => x.code === "NUMA010")!;
    const fix = fixFor(d, layout, seedHost)!;
    expect(fix.label).toBe("bind m1 to host node 1 (where its guest node's vCPUs are pinned)");
    const after = fix.apply(layout);
    expect(after.backends[1]!.hostNodes).toBe("1");
    expect(checkLayout(after, { host: seedHost }).map((x) => x.code)).not.toContain("NUMA010");
  });

  it("else binds to the host's first node, and NUMA010 is gone", () => {
    const r = fixed(line("5"));
    expect(r).toMatchObject({ hostNodes: "0", label: "bind m1 to host node 0 (the host's first node)" });
    expect(r.codes).not.toContain("NUMA010");
  });
});
