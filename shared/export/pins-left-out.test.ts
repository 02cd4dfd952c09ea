import { describe, expect, it } from "vitest";
import { emptyLayout, type Layout } from "../layout/schema";
import { pinsLeftOut } from "./pins-left-out";
import { generateArgs } from "../qemu/generate";

const twoNodes = (pinning?: Layout["pinning"], iothreads?: Layout["iothreads"]): Layout => ({
  ...emptyLayout("2G"),
  smp: { cpus: 4 },
  nodes: [
    { nodeid: 0, cpus: "0-1", memdev: "m0" },
    { nodeid: 1, cpus: "2-3", memdev: "m1" },
  ],
  backends: [
    { type: "ram", id: "m0", size: "1G", hostNodes: "0", policy: "bind" },
    { type: "ram", id: "m1", size: "1G", hostNodes: "1", policy: "bind" },
  ],
  ...(pinning ? { pinning } : {}),
  ...(iothreads ? { iothreads } : {}),
});

describe("the pins a QEMU command line leaves out", () => {
  it("none without pins, or with only a leading taskset (the line carries that one)", () => {
    expect(pinsLeftOut(twoNodes())).toBeUndefined();
    const whole = twoNodes({ process: { hostCpus: "0-7" } });
    expect(generateArgs(whole).join(" ")).not.toContain("taskset"); // the taskset is a word before the binary, not an argument
    expect(pinsLeftOut(whole)).toBeUndefined();
  });

  it("counts the vCPUs pinned node-wide or one by one, the emulator and the I/O threads, and says where they are kept", () => {
    const l = twoNodes(
      {
        vcpus: [
          { node: 0, hostCpus: "0-3" },
          { vcpus: "3", hostCpus: "9" },
        ],
        emulator: "5",
      },
      [{ id: "io0", hostCpus: "6" }],
    );
    const s = pinsLeftOut(l)!;
    expect(s).toContain("the pins of 3 vCPUs, the emulator thread and 1 I/O thread");
    expect(s).toContain("launch script");
    expect(s).toContain("libvirt");
    // and the line indeed has no trace of CPU 9, the one vCPU 3 is pinned to
    expect(generateArgs(l).join(" ")).not.toMatch(/\b9\b/);
  });

  it("vCPUs whose pin is the leading taskset's own set are not left out", () => {
    expect(pinsLeftOut(twoNodes({ process: { hostCpus: "0-3" }, vcpus: [{ vcpus: "1", hostCpus: "2" }] }))).toContain("the pins of 1 vCPU.");
  });
});
