import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema, type HostTopology } from "../topology/schema";
import { emptyLayout, type Layout } from "./schema";
import { addGuestNode, applyThreadBudget, bindBackend, moveGuestNode, moveVcpus, unassignedVcpus } from "./edits";
import { parseCommandLine } from "../qemu/parse";
import { generateShellLine } from "../qemu/generate";
import { checkLayout } from "../validate/check";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));
const seedHost = host("bm-standard2-52");
const cxl = host("cxl-4node");
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe("guest edits on the canvas", () => {
  it("dragging vCPUs builds canonical lists: the seed's 0-25,52-77 and 26-51,78-103", () => {
    let l: Layout = { ...emptyLayout("1G"), smp: { cpus: 104 } };
    l = addGuestNode(l, 0, "128G", 0);
    l = addGuestNode(l, 1, "128G", 0);
    expect(unassignedVcpus(l)).toHaveLength(104);
    // in pieces, out of order, as a person drags them
    l = moveVcpus(l, range(52, 77), 0);
    l = moveVcpus(l, range(0, 25), 0);
    l = moveVcpus(l, [...range(26, 51), ...range(78, 103)], 1);
    expect(l.nodes.map((n) => n.cpus)).toEqual(["0-25,52-77", "26-51,78-103"]);
    expect(unassignedVcpus(l)).toEqual([]);
    // moving some back and forth takes them out of the other node and keeps both lists canonical
    const there = moveVcpus(l, [25, 52], 1);
    expect(there.nodes.map((n) => n.cpus)).toEqual(["0-24,53-77", "25-52,78-103"]);
    expect(moveVcpus(there, [25, 52], 0).nodes.map((n) => n.cpus)).toEqual(["0-25,52-77", "26-51,78-103"]);
    expect(generateShellLine(l)).toContain("-numa node,nodeid=0,cpus=0-25,cpus=52-77,memdev=ram-node0");
  });

  it("a node emptied of vCPUs loses cpus=, -smp grows to the highest vCPU, untouched nodes keep their imported text", () => {
    const imported = parseCommandLine(
      "qemu-system-x86_64 -m 2G -smp 4 -numa node,nodeid=0,cpus=0-1,memdev=a -numa node,nodeid=1,cpus=2-3,memdev=b -numa node,nodeid=2,memdev=c -object memory-backend-ram,id=a,size=1G -object memory-backend-ram,id=b,size=512M -object memory-backend-ram,id=c,size=512M",
    ).layout;
    const l = moveVcpus(imported, [2, 3, 7], 2);
    expect(l.nodes[1]!.cpus).toBeUndefined();
    expect(l.nodes[2]!.cpus).toBe("2-3,7");
    expect(l.smp?.cpus).toBe(8);
    expect(l.nodes[0]).toEqual(imported.nodes[0]);
    expect(moveVcpus(imported, [], 1)).toBe(imported);
    expect(moveVcpus(imported, [1], 9)).toBe(imported);
    // dropped on the node that has them already: no change, no undo step
    expect(moveVcpus(imported, [0, 1], 0)).toBe(imported);
    // -1 gives them back to the unassigned vCPUs
    expect(unassignedVcpus(moveVcpus(imported, [0, 3], -1))).toEqual([0, 3]);
  });

  it("adding a guest node with chosen vCPUs takes them from the node that had them", () => {
    let l: Layout = { ...emptyLayout("1G"), smp: { cpus: 4 } };
    l = addGuestNode(l, 0, "1G", [0, 1, 2, 3]);
    l = addGuestNode(l, 1, "1G", [2, 3]);
    expect(l.nodes.map((n) => n.cpus)).toEqual(["0-1", "2-3"]);
    expect(l.backends.map((b) => b.hostNodes)).toEqual(["0", "1"]);
    expect(l.memory?.size).toBe("2G");
  });

  it("dragging a guest node onto a host node rebinds its backend; its thread-context follows", () => {
    let l = addGuestNode(addGuestNode({ ...emptyLayout("1G"), smp: { cpus: 4 } }, 0, "1G", 2), 0, "1G", 2);
    l = applyThreadBudget(l, 0, 4, seedHost);
    expect(l.threadContexts.map((t) => t.nodeAffinity)).toEqual(["0"]);
    const moved = moveGuestNode(l, 1, 1, seedHost);
    expect(moved.backends[1]).toMatchObject({ hostNodes: "1", policy: "bind", preallocContext: "tc1" });
    expect(moved.backends[0]).toMatchObject({ hostNodes: "0", preallocContext: "tc0" });
    expect(moved.threadContexts.map((t) => [t.id, t.nodeAffinity])).toEqual([
      ["tc0", "0"],
      ["tc1", "1"],
    ]);
    expect(checkLayout(moved, { host: seedHost }).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("a guest node dragged onto a memory-only node is preallocated from the nearest node with CPUs (the planner's rule)", () => {
    let l = addGuestNode({ ...emptyLayout("1G"), smp: { cpus: 2 } }, 0, "1G", 2);
    l = applyThreadBudget(l, 0, 2, cxl);
    const memOnly = cxl.nodes.find((n) => n.cpus.length === 0)!;
    const moved = moveGuestNode(l, 0, memOnly.id, cxl);
    const ctx = moved.threadContexts.find((t) => t.id === moved.backends[0]!.preallocContext)!;
    expect(moved.backends[0]!.hostNodes).toBe(String(memOnly.id));
    expect(cxl.nodes.find((n) => String(n.id) === ctx.nodeAffinity)!.cpus.length).toBeGreaterThan(0);
    expect(checkLayout(moved, { host: cxl }).filter((d) => d.code === "NUMA011")).toEqual([]);
    // without the host the edit cannot know, and keeps the context on the node itself
    expect(bindBackend(l, "ram-node0", memOnly.id).threadContexts.map((t) => t.nodeAffinity)).toEqual([String(memOnly.id)]);
  });
});
