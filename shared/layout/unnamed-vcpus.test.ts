import { describe, expect, it } from "vitest";
import { emptyLayout } from "./schema";
import { guestNodeVcpusText, nodeOfUnnamedVcpus } from "./unnamed-vcpus";

describe("the guest node QEMU gives the vCPUs no node names", () => {
  const base = emptyLayout("2G");
  it("is the one with nodeid 0, wherever it is in the list", () => {
    expect(nodeOfUnnamedVcpus({ nodes: [{ nodeid: 1 }, { nodeid: 0 }] })).toBe(1);
    expect(nodeOfUnnamedVcpus({ nodes: [{}, {}] })).toBe(0);
  });
  it("is none without guest nodes, or without a nodeid 0 (which QEMU refuses)", () => {
    expect(nodeOfUnnamedVcpus(base)).toBeUndefined();
    expect(nodeOfUnnamedVcpus({ nodes: [{ nodeid: 1 }, { nodeid: 2 }] })).toBeUndefined();
  });
});

describe("a guest node's vCPUs as the layout panel says them", () => {
  const l = (smp: number, nodes: Array<{ nodeid: number; cpus?: string }>) => ({ ...emptyLayout("2G"), smp: { cpus: smp }, nodes });
  it("guest node 0 holds the vCPUs no node lists (it said 'none')", () => {
    const layout = l(8, [{ nodeid: 0 }, { nodeid: 1, cpus: "0-3" }]);
    expect(guestNodeVcpusText(layout, 0)).toBe("4-7 not listed: QEMU puts them here");
    expect(guestNodeVcpusText(layout, 1)).toBe("0-3");
  });
  it("its own list comes first, and nodeid 0 is found wherever it stands", () => {
    expect(
      guestNodeVcpusText(
        l(8, [
          { nodeid: 1, cpus: "2-3" },
          { nodeid: 0, cpus: "4" },
        ]),
        1,
      ),
    ).toBe("4; 0-1,5-7 not listed: QEMU puts them here");
  });
  it("'none' only where QEMU puts none", () => {
    expect(guestNodeVcpusText(l(4, [{ nodeid: 0, cpus: "0-3" }, { nodeid: 1 }]), 1)).toBe("none");
    expect(guestNodeVcpusText(l(4, [{ nodeid: 0, cpus: "0-3" }, { nodeid: 1 }]), 0)).toBe("0-3");
  });
});
