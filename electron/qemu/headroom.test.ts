// The over-commit fixes' sizes against the real QEMU (the installed 7.2): a layout too large for
// this host's node 0 (its free memory set low in the probed topology, so the fix gives tiny
// sizes), shrunk by NUMA013's first button, must start (-S, TCG) with its preallocation bound to
// node 0, and leave the headroom shared/layout/headroom.ts promises.

import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../shared/qemu/parse";
import { generateArgs } from "../../shared/qemu/generate";
import { checkLayout } from "../../shared/validate/check";
import { fixesFor } from "../../shared/layout/fixes";
import { headroomFor } from "../../shared/layout/headroom";
import { parseSize } from "../../shared/size/size";
import type { HostTopology } from "../../shared/topology/schema";
import { readSysfs } from "../probe/sysfs";
import { runOracle } from "../oracle/verdict";
import { findQemu } from "./discover";

const qemu = findQemu();
const MiB = 2 ** 20;

/** This host as probed, its node 0 with `spare` bytes free beyond the headroom. */
function hostWithSpare(spare: number): HostTopology {
  const h = readSysfs();
  const n0 = h.nodes[0]!;
  h.nodes[0] = { ...n0, memFree: headroomFor([n0]) + spare };
  return h;
}

const over = (size: string) =>
  parseCommandLine(`qemu-system-x86_64 -machine q35 -m ${size} -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=ram0
    -object memory-backend-ram,id=ram0,size=${size},host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2`).layout;

describe("NUMA013's shrink gives sizes QEMU starts with", () => {
  it.each([
    ["300 MiB spare: 300M", 300 * MiB, 300 * MiB],
    ["301 MiB spare: rounded down to whole 2 MiB pages, 300M", 301 * MiB, 300 * MiB],
    ["129.5 MiB spare: 128M", 129.5 * MiB, 128 * MiB],
  ])("%s", async (_name, spare, want) => {
    const host = hostWithSpare(spare);
    const layout = over("4G");
    const [d] = checkLayout(layout, { host }).filter((x) => x.code === "NUMA013");
    expect(d, "the 4G layout over-commits the lowered node 0").toBeDefined();
    const fix = fixesFor(d!, layout, host)[0]!;
    expect(fix.label).toMatch(/^shrink ram0 to \d+M, leaving [\d.]+ GiB of [\d.]+ GiB free for the host$/);
    const fixed = fix.apply(layout);
    const size = parseSize(fixed.backends[0]!.size);
    expect(size).toEqual({ ok: true, bytes: want });
    expect(host.nodes[0]!.memFree - want).toBeGreaterThanOrEqual(headroomFor([host.nodes[0]!]));
    expect(checkLayout(fixed, { host }).filter((x) => x.severity === "error")).toEqual([]);
    const args = generateArgs(fixed);
    expect(args).toEqual(expect.arrayContaining(["-m", fixed.memory!.size!]));
    const run = await runOracle(qemu, args, 60_000);
    expect(run.verdict, `${args.join(" ")}\n${run.stderr}`).toBe("accepted");
  });
});

describe("NUMA013's headroom warning offers the same shrink, and QEMU starts its result", () => {
  it("1G on a node with the headroom and 300 MiB more free fits, so it is a warning; its shrink gives 300M, which QEMU 7.2 starts", async () => {
    const host = hostWithSpare(300 * MiB);
    const layout = over("1G");
    const [d] = checkLayout(layout, { host }).filter((x) => x.code === "NUMA013");
    expect(d?.severity).toBe("warning");
    expect(d!.message).toMatch(/^ram0 preallocates 1 GiB on host node 0, which has [\d.]+ GiB free: that leaves the host [\d.]+ (GiB|MiB), less than the [\d.]+ GiB headroom/);
    const fixed = fixesFor(d!, layout, host)[0]!.apply(layout);
    expect(parseSize(fixed.backends[0]!.size)).toEqual({ ok: true, bytes: 300 * MiB });
    expect(checkLayout(fixed, { host }).filter((x) => x.code === "NUMA013")).toEqual([]);
    const run = await runOracle(qemu, generateArgs(fixed), 60_000);
    expect(run.verdict, run.stderr).toBe("accepted");
  });
});
