import { describe, expect, it } from "vitest";
import { emptyLayout, type Layout } from "./schema";
import { addGuestNode, removeGuestNode } from "./edits";
import { shareNote, shareOfMemory } from "./memory-share";
import { generateShellLine } from "../qemu/generate";

const sizes = (l: Layout) => l.nodes.map((n) => l.backends.find((b) => b.id === n.memdev)?.size);
const drops = (l: Layout, count: number) => Array.from({ length: count }).reduce<Layout>((acc, _, i) => addGuestNode(acc, i % 2, undefined, 0), l);

describe("guest nodes added without a size share -m", () => {
  it("a typed -m 128G survives four '+ guest node' drops: 128G, then 64G each, then 43692M/43690M/43690M, then 32G each (it became 4G)", () => {
    const l = emptyLayout("128G");
    expect(sizes(drops(l, 1))).toEqual(["128G"]);
    expect(sizes(drops(l, 2))).toEqual(["64G", "64G"]);
    expect(sizes(drops(l, 3))).toEqual(["43692M", "43690M", "43690M"]);
    const four = drops(l, 4);
    expect(sizes(four)).toEqual(["32G", "32G", "32G", "32G"]);
    expect(four.memory?.size).toBe("128G");
    expect(generateShellLine(four)).toContain("-m 128G ");
  });

  it("a new node takes what -m leaves when the others leave at least 64 MiB; sizes the user gave the others stay", () => {
    let l = addGuestNode(emptyLayout("1G"), 0, "256M", 0); // a size given: -m is the sum, 256M
    l = { ...l, memory: { size: "1G" } }; // then -m typed again
    const share = shareOfMemory(l);
    expect(share).toEqual({ kind: "rest", size: "768M", memory: "1G" });
    const after = addGuestNode(l, 1, undefined, 2);
    expect(sizes(after)).toEqual(["256M", "768M"]);
    expect(after.memory?.size).toBe("1G");
    expect(shareNote(share, "guest node 1", after.memory?.size)).toBe("guest node 1 takes what -m 1G leaves: 768M");
  });

  it("an even share is in whole huge pages when a backend uses them, and refused to a share of less than one", () => {
    const one = addGuestNode(emptyLayout("3G"), 0, undefined, 0);
    one.backends[0]!.hugetlbsize = "1G";
    expect(shareOfMemory(one)).toEqual({ kind: "even", size: "1G", sizes: ["2G"], memory: "3G" });
    const tiny = addGuestNode(emptyLayout("2M"), 0, undefined, 0);
    const s = shareOfMemory(tiny);
    expect(s.kind).toBe("sum");
    expect(shareNote(s, "guest node 1", "1026M")).toBe("guest node 1 gets 1G and -m is now the guest nodes' sum, 1026M (-m 2M cannot be shared by 2 guest nodes in whole 2M units)");
  });

  it("without -m, or beside a node with no backend of its own, the node gets 1G and -m is the sum, and the note says why", () => {
    const none = { ...emptyLayout(), memory: undefined };
    expect(shareOfMemory(none)).toEqual({ kind: "sum", size: "1G", why: "no -m was given" });
    expect(addGuestNode(none, 0, undefined, 0).memory?.size).toBe("1G");
    const legacy: Layout = { ...emptyLayout("2G"), nodes: [{ nodeid: 0, mem: "2G" }] };
    const s = shareOfMemory(legacy);
    expect(s).toMatchObject({ kind: "sum", why: "guest node 0 has no memory backend of its own to share -m with" });
  });

  it("the even share's note names every size, and says 'each' when they are equal", () => {
    const two = drops(emptyLayout("128G"), 1);
    expect(shareNote(shareOfMemory(two), "guest node 1", "128G")).toBe("-m 128G kept: the 2 guest nodes now share it evenly (64G each)");
    expect(shareNote(shareOfMemory(drops(emptyLayout("128G"), 2)), "guest node 2", "128G")).toBe("-m 128G kept: the 3 guest nodes now share it evenly (43692M, 43690M, 43690M)");
  });

  it("removing a node still gives -m the sum of the nodes left (an explicit edit of the nodes' memory)", () => {
    const l = removeGuestNode(drops(emptyLayout("128G"), 4), 3);
    expect(l.memory?.size).toBe("96G");
  });
});
