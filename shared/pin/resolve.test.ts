import { describe, expect, it } from "vitest";
import type { Layout } from "../layout/schema";
import { vcpuHostSets } from "./resolve";

const layout = (): Layout =>
  ({
    version: 2,
    smp: { cpus: 4 },
    backends: [],
    nodes: [
      { nodeid: 0, cpus: "0-1" },
      { nodeid: 1, cpus: "2-3" },
    ],
    pinning: {
      vcpus: [
        { node: 0, hostCpus: "0-3" },
        { node: 1, hostCpus: "4-7" },
        { vcpus: "3", hostCpus: "9" },
      ],
    },
  }) as unknown as Layout;

describe("vcpuHostSets", () => {
  it("gives each vCPU its pin's set: a per-vCPU pin over its node's", () => {
    const sets = vcpuHostSets(layout());
    expect([...sets].sort((a, b) => a[0] - b[0])).toEqual([
      [0, [0, 1, 2, 3]],
      [1, [0, 1, 2, 3]],
      [2, [4, 5, 6, 7]],
      [3, [9]],
    ]);
  });

  it("answers again from what the pins, nodes and -smp say, not from the object: a layout changed in place gets its new sets", () => {
    const l = layout();
    const first = vcpuHostSets(l);
    expect(vcpuHostSets(structuredClone(l))).toBe(first); // same content: the same (read-only) answer
    l.pinning!.vcpus![0]!.hostCpus = "10-11";
    expect(vcpuHostSets(l).get(0)).toEqual([10, 11]);
    l.nodes[0]!.cpus = "0";
    expect(vcpuHostSets(l).has(1)).toBe(false);
    l.smp = { cpus: 3 };
    expect(vcpuHostSets(l).has(3)).toBe(false);
    l.pinning = { process: { hostCpus: "5" } } as Layout["pinning"];
    expect(vcpuHostSets(l).get(2)).toEqual([5]);
  });
});
