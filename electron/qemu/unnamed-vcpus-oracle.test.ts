// The layout panel's vCPU text for each guest node (shared/layout/unnamed-vcpus.ts) against what
// the installed QEMU's `info numa` shows for the same line: QEMU 7.2 puts every vCPU no
// -numa node,cpus= names on the node with nodeid 0, wherever that node stands on the line.

import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { parseCommandLine } from "../../shared/qemu/parse";
import { generateArgs } from "../../shared/qemu/generate";
import { guestNodeVcpusText } from "../../shared/layout/unnamed-vcpus";
import { parseIdList } from "../../shared/cpulist/cpulist";
import { ORACLE_ARGS } from "../oracle/verdict";
import { findQemu } from "./discover";

const qemu = findQemu();
const MEM = "-m 512M -object memory-backend-ram,id=a,size=256M -object memory-backend-ram,id=b,size=256M";

/** node id → its vCPUs, from `info numa` on QEMU's monitor */
function infoNuma(args: string[]): Map<number, number[]> {
  const out = execFileSync(qemu, [...ORACLE_ARGS, "-machine", "q35", "-monitor", "stdio", ...args], { input: "info numa\nquit\n", encoding: "utf8", timeout: 60_000, stdio: ["pipe", "pipe", "pipe"] });
  const nodes = new Map<number, number[]>();
  for (const m of out.matchAll(/node (\d+) cpus:([ \d]*)\r?\n/g)) nodes.set(Number(m[1]), m[2]!.trim() === "" ? [] : m[2]!.trim().split(/\s+/).map(Number));
  return nodes;
}

/** the vCPUs the panel's text names: its list and the "not listed" ones */
function panelVcpus(text: string): number[] {
  if (text === "none") return [];
  const parts = text.replace(" not listed: QEMU puts them here", "").split("; ");
  return parts.flatMap((p) => {
    const r = parseIdList(p);
    return r.ok ? r.ids : [];
  });
}

describe("the panel's vCPUs per guest node agree with QEMU's info numa", () => {
  it.each([
    `-smp 8 -numa node,nodeid=0,memdev=a -numa node,nodeid=1,memdev=b`,
    `-smp 8 -numa node,nodeid=0,memdev=a,cpus=0-3 -numa node,nodeid=1,memdev=b`,
    `-smp 8 -numa node,nodeid=1,memdev=b,cpus=0-3 -numa node,nodeid=0,memdev=a`,
    `-smp 8 -numa node,nodeid=1,memdev=b,cpus=2-3 -numa node,nodeid=0,memdev=a,cpus=4`,
    `-smp 4 -numa node,nodeid=0,memdev=a,cpus=0-3 -numa node,nodeid=1,memdev=b`,
  ])(
    "%s",
    (line) => {
      const layout = parseCommandLine(`qemu-system-x86_64 ${MEM} ${line}`).layout;
      const numa = infoNuma(generateArgs(layout));
      expect(numa.size).toBe(layout.nodes.length);
      layout.nodes.forEach((n, i) =>
        expect(
          panelVcpus(guestNodeVcpusText(layout, i)).sort((a, b) => a - b),
          `guest node ${n.nodeid}`,
        ).toEqual(numa.get(n.nodeid ?? i)),
      );
    },
    60_000,
  );
});
