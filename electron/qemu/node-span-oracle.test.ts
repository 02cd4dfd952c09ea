// A guest node spanning two host nodes, as the canvas writes it (shared/layout/node-span.ts), run
// by the installed QEMU on this host. This host has one NUMA node, so the line can only say that
// QEMU reads host-nodes=0-1 and node-affinity=0-1 and starts: mbind takes a node set that holds
// an online node (node 0). Binding memory to node 1 itself cannot be checked on this machine;
// a set of absent nodes alone is refused ("cannot bind memory to host NUMA nodes").

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema } from "../../shared/topology/schema";
import { emptyLayout } from "../../shared/layout/schema";
import { addGuestNode, applyThreadBudget } from "../../shared/layout/edits";
import { spanGuestNode } from "../../shared/layout/node-span";
import { generateArgs } from "../../shared/qemu/generate";
import { runOracle } from "../oracle/verdict";
import { findQemu } from "./discover";

const qemu = findQemu();
const seed = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/bm-standard2-52.json"), "utf8")));

describe("a spanned guest node's line, run by QEMU here", () => {
  it("host-nodes=0-1 with a thread-context on nodes 0-1 starts and preallocates (node 0 is online here)", async () => {
    let l = addGuestNode({ ...emptyLayout("256M"), machine: { type: "q35" }, smp: { cpus: 2 } }, 0, "256M", 2);
    l = spanGuestNode(applyThreadBudget(l, 0, 2, seed), 0, 1, seed);
    const args = generateArgs(l);
    expect(args).toContain("memory-backend-ram,id=ram-node0,size=256M,host-nodes=0-1,policy=bind,prealloc=on,prealloc-context=tc0-1,prealloc-threads=2");
    expect(args).toContain("thread-context,id=tc0-1,node-affinity=0-1");
    const run = await runOracle(qemu, args, 60_000);
    expect(run.verdict, run.stderr).toBe("accepted");
  }, 120_000);

  it("the same line bound to nodes 1-2 alone, none of them here, is refused", async () => {
    let l = addGuestNode({ ...emptyLayout("256M"), machine: { type: "q35" }, smp: { cpus: 2 } }, 1, "256M", 2);
    l = spanGuestNode(l, 0, 2);
    expect(generateArgs(l).join(" ")).toContain("host-nodes=1-2,policy=bind");
    const run = await runOracle(qemu, generateArgs(l), 60_000);
    expect(run.verdict).toBe("refused");
    expect(run.stderr).toContain("cannot bind memory to host NUMA nodes");
  }, 120_000);
});
