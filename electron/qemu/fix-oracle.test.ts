// Every one-click fix that can be shown on this host, judged by the real QEMU (the installed
// 7.2): a line that draws the diagnostic here, the button's edit applied, and the result run
// (-S, TCG, no devices; electron/oracle/verdict.ts). A fix must clear its diagnostic and give a
// line QEMU starts with: a button that leads to a refusal would be worse than none.

import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../shared/qemu/parse";
import { generateArgs } from "../../shared/qemu/generate";
import { checkLayout } from "../../shared/validate/check";
import { fixesFor } from "../../shared/layout/fixes";
import type { Layout } from "../../shared/layout/schema";
import { readSysfs } from "../probe/sysfs";
import { runOracle } from "../oracle/verdict";
import { findQemu, qemuFacts } from "./discover";

const qemu = findQemu();
const { version } = qemuFacts(qemu);
const host = readSysfs();
const Q = "qemu-system-x86_64 -name debug-threads=on";

// each line draws its code on any host with a node 0 holding two CPUs and 512 MiB free
// (`refused`: QEMU refuses the line as it is, so the button is what makes it start)
const CASES: Array<{ code: string; line: string; refused?: true }> = [
  { code: "NUMA001", line: `${Q} -m 384M -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object memory-backend-ram,id=a,size=256M` },
  { code: "NUMA002", line: `${Q} -m 256M -numa node,nodeid=0,cpus=0-1,memdev=a -object memory-backend-ram,id=a,size=256M` },
  { code: "NUMA010", line: `${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object memory-backend-ram,id=a,size=256M,host-nodes=7,policy=bind`, refused: true },
  {
    code: "NUMA011",
    line: `${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object thread-context,id=t0,node-affinity=7 -object memory-backend-ram,id=a,size=256M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t0`,
    refused: true,
  },
  // cpu-affinity naming a CPU the host lacks: refused ("Setting CPU affinity failed"); beside an online one QEMU starts, the checker refuses by policy
  {
    code: "NUMA011",
    line: `${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object thread-context,id=t0,cpu-affinity=4095 -object memory-backend-ram,id=a,size=256M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t0`,
    refused: true,
  },
  {
    code: "NUMA011",
    line: `${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object thread-context,id=t0,cpu-affinity=0,cpu-affinity=4095 -object memory-backend-ram,id=a,size=256M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t0`,
  },
  {
    code: "NUMA023",
    line: `${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object thread-context,id=t0,node-affinity=0 -object memory-backend-ram,id=a,size=256M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=1,prealloc-context=t0`,
  },
  { code: "NUMA026", line: `${Q} -machine q35 -m 256M -smp 8,sockets=3 -numa node,nodeid=0,cpus=0-7,memdev=a -object memory-backend-ram,id=a,size=256M` },
  {
    code: "NUMA030",
    line: `qemu-system-x86_64 -m 256M -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object thread-context,id=t0,node-affinity=0 -object memory-backend-ram,id=a,size=256M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t0`,
  },
  { code: "NUMA045", line: `${Q} -m 256M -smp 2 -nographic -monitor stdio -numa node,nodeid=0,cpus=0-1,memdev=a -object memory-backend-ram,id=a,size=256M` },
];

const diagOf = (l: Layout, code: string) => checkLayout(l, { host, qemu: { version } }).filter((d) => d.code === code);

describe(`one-click fixes on this host, judged by QEMU ${version}`, () => {
  it.each(CASES)(
    "$code: the button clears it and QEMU starts the result",
    async ({ code, line, refused }) => {
      const layout = parseCommandLine(line).layout;
      if (refused) expect((await runOracle(qemu, generateArgs(layout), 60_000)).verdict, line).toBe("refused");
      const [d] = diagOf(layout, code);
      expect(d, `${line} should draw ${code} here`).toBeDefined();
      const fixes = fixesFor(d!, layout, host);
      expect(fixes.length, `${code} has no button`).toBeGreaterThan(0);
      for (const fix of fixes) {
        const fixed = fix.apply(layout);
        expect(diagOf(fixed, code), fix.label).toEqual([]);
        expect(
          checkLayout(fixed, { host, qemu: { version } }).filter((x) => x.severity === "error"),
          fix.label,
        ).toEqual([]);
        const args = generateArgs(fixed);
        const run = await runOracle(qemu, args, 60_000);
        expect(run.verdict, `${fix.label}: ${args.join(" ")}\n${run.stderr}`).toBe("accepted");
      }
    },
    180_000,
  );
});
