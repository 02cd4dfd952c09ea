import { describe, expect, it } from "vitest";
import { emptyLayout } from "./schema";
import { nodeOfUnnamedVcpus } from "./unnamed-vcpus";

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
