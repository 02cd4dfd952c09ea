// The -m a user typed, shared by guest nodes added without a size (shared/layout/memory-share.ts),
// judged by the installed QEMU: every split the canvas makes is a line QEMU starts, since QEMU
// 7.2 refuses any -m that is not the sum of the memdev sizes ("total memory for NUMA nodes
// (0x18000000) should equal RAM size (0x20000000)").

import { describe, expect, it } from "vitest";
import { emptyLayout, type Layout } from "../../shared/layout/schema";
import { addGuestNode } from "../../shared/layout/edits";
import { generateArgs } from "../../shared/qemu/generate";
import { runOracle } from "../oracle/verdict";
import { findQemu } from "./discover";

const qemu = findQemu();

describe("guest nodes sharing a typed -m, run by QEMU", () => {
  it.each([1, 2, 3, 4])(
    "-m 512M typed, then %i guest nodes dropped on host node 0: QEMU starts the line with -m 512M",
    async (count) => {
      let l: Layout = { ...emptyLayout("512M"), machine: { type: "q35" }, smp: { cpus: 2 } };
      for (let i = 0; i < count; i++) l = addGuestNode(l, 0, undefined, i === 0 ? 2 : 0);
      const args = generateArgs(l);
      expect(args.join(" ")).toContain("-m 512M");
      const run = await runOracle(qemu, args, 60_000);
      expect(run.verdict, run.stderr).toBe("accepted");
    },
    120_000,
  );

  it("the same four nodes with -m changed by hand to 1G are refused by QEMU, as the checker's sum rule says", async () => {
    let l: Layout = { ...emptyLayout("512M"), machine: { type: "q35" }, smp: { cpus: 2 } };
    for (let i = 0; i < 4; i++) l = addGuestNode(l, 0, undefined, i === 0 ? 2 : 0);
    const run = await runOracle(qemu, generateArgs({ ...l, memory: { size: "1G" } }), 60_000);
    expect(run.verdict).toBe("refused");
    expect(run.stderr).toContain("should equal RAM size");
  }, 120_000);
});
