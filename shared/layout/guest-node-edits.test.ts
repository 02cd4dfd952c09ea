import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema, type HostTopology } from "../topology/schema";
import { emptyLayout, type Layout } from "./schema";
import { addGuestNode, applyThreadBudget, unassignedVcpus } from "./edits";
import { renameBackend, setGuestNodeVcpus } from "./guest-node-edits";
import { guestNodePinMode, pinGuestNode } from "../pin/guest-node-pins";
import { generateShellLine } from "../qemu/generate";
import { spanGuestNode } from "./node-span";
import { idList } from "../cpulist/cpulist";

const root = join(import.meta.dirname, "../..");
const seed: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/bm-standard2-52.json"), "utf8")));
const two = (): Layout => addGuestNode(addGuestNode({ ...emptyLayout("2G"), smp: { cpus: 8 } }, 0, "1G", 4), 1, "1G", 4);
const ok = (r: { ok: true; layout: Layout } | { ok: false; error: string }): Layout => {
  if (!r.ok) throw new Error(r.error);
  return r.layout;
};

describe("a guest node's title menu edits", () => {
  it("rename its backend: memdev= and -machine memory-backend= follow; a taken or ill-formed id is refused", () => {
    const l = ok(renameBackend({ ...two(), machine: { memoryBackend: "ram-node0" } }, 0, " fast0 "));
    expect(generateShellLine(l)).toContain("-numa node,nodeid=0,cpus=0-3,memdev=fast0");
    expect(generateShellLine(l)).toContain("-object memory-backend-ram,id=fast0,size=1G");
    expect(l.machine?.memoryBackend).toBe("fast0");
    expect(renameBackend(l, 0, "ram-node1")).toEqual({ ok: false, error: "the id 'ram-node1' is taken; QEMU refuses duplicate ids" });
    expect(renameBackend(l, 0, "0bad")).toEqual({ ok: false, error: "'0bad' is not a QEMU id: a letter first, then letters, digits, '-', '.' or '_'" });
    // a thread-context's id is taken too
    expect(renameBackend(applyThreadBudget(two(), 0, 2, seed), 0, "tc0").ok).toBe(false);
  });

  it("more vCPUs: the unassigned ones first, then new ones past -smp; fewer: the highest go, and a plain -smp shrinks with them", () => {
    const base = { ...two(), smp: { cpus: 10 } }; // 8 and 9 unassigned
    const more = ok(setGuestNodeVcpus(base, 0, 7));
    expect(more.nodes[0]!.cpus).toBe("0-3,8-10");
    expect(more.smp?.cpus).toBe(11);
    const fewer = ok(setGuestNodeVcpus(more, 0, 4));
    expect(fewer.nodes[0]!.cpus).toBe("0-3");
    // 8-10 were the top of -smp: they leave the VM with it
    expect(fewer.smp?.cpus).toBe(8);
    expect(unassignedVcpus(fewer)).toEqual([]);
    // vCPUs below another node's are not at the top: they wait unassigned
    const mid = ok(setGuestNodeVcpus(two(), 0, 2));
    expect(mid.smp?.cpus).toBe(8);
    expect(unassignedVcpus(mid)).toEqual([2, 3]);
    // with a topology -smp stays, and the vCPUs wait unassigned (QEMU puts them on guest node 0)
    const topo = ok(setGuestNodeVcpus({ ...two(), smp: { cpus: 8, sockets: 2, cores: 4 } }, 1, 2));
    expect(topo.smp).toEqual({ cpus: 8, sockets: 2, cores: 4 });
    expect(unassignedVcpus(topo)).toEqual([6, 7]);
    expect(setGuestNodeVcpus(two(), 0, -1).ok).toBe(false);
  });

  it("pin policy per guest node: node-wide, one PU each, none; the other guest node's pins stay", () => {
    const wide = ok(pinGuestNode(two(), seed, 0, "node"));
    expect(wide.pinning?.vcpus).toEqual([{ node: 0, hostCpus: "0-25,52-77" }]);
    expect(guestNodePinMode(wide, 0)).toBe("node");
    expect(guestNodePinMode(wide, 1)).toBe("none");
    const both = ok(pinGuestNode(wide, seed, 1, "cpu"));
    expect(guestNodePinMode(both, 1)).toBe("cpu");
    expect(both.pinning?.vcpus?.filter((p) => p.vcpus !== undefined).map((p) => idList(p.hostCpus)[0]! >= 26)).toEqual([true, true, true, true]);
    expect(both.pinning?.vcpus?.[0]).toEqual({ node: 0, hostCpus: "0-25,52-77" });
    const none = ok(pinGuestNode(both, seed, 0, "none"));
    expect(guestNodePinMode(none, 0)).toBe("none");
    expect(guestNodePinMode(none, 1)).toBe("cpu");
    // spanning: across both host nodes
    const spanned = ok(pinGuestNode(spanGuestNode(two(), 0, 1, seed), seed, 0, "node"));
    expect(spanned.pinning?.vcpus).toEqual([{ node: 0, hostCpus: "0-103" }]);
  });
});
