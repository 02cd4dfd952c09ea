// Memory: the guest's memory adds up to -m, nodes get their memory one way, and each backend
// type takes the properties QEMU gives it.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import type { Backend, Layout } from "../../layout/schema";
import { formatSize, humanSize, parseSize } from "../../size/size";
import { backendBytes } from "../../qemu/prealloc";
import { ids } from "./layout-facts";
import { atAllNodes, atBackend, atMachine, atMemory } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

// What QEMU gives a guest without -m.
const QEMU_DEFAULT_RAM = 128 * 1024 * 1024;

const NUMA001: RuleMeta = { code: "NUMA001", severity: "error", title: "guest nodes' backends (or `-machine memory-backend=`) don't add up to `-m`", concern: "memory", policy: false };
const NUMA012: RuleMeta = { code: "NUMA012", severity: "error", title: "a policy without `host-nodes`, or `host-nodes` without a policy", concern: "memory", policy: false };
// Measured on QEMU 7.2 (oracle corpus): mixing mem= and memdev= is refused ("numa
// configuration should use either mem= or memdev=,mixing both is not allowed"); a node with
// neither beside memdev nodes runs (a memory-less guest node), so that is no error.
const NUMA025: RuleMeta = { code: "NUMA025", severity: "error", title: "guest nodes mixing `memdev=` and `mem=`", concern: "memory", policy: false };
// Measured on QEMU 7.2 (oracle corpus): memory-backend-memfd with hugetlbsize= and hugetlb off
// runs (the size is ignored), so that is no error.
const NUMA029: RuleMeta = {
  code: "NUMA029",
  severity: "error",
  title: "a property the backend type does not take (`mem-path` on ram, `hugetlb` on file, …)",
  concern: "memory",
  policy: false,
};

function memoryBytes(layout: Layout): number {
  if (!layout.memory) return QEMU_DEFAULT_RAM;
  const r = parseSize(layout.memory.size, "M");
  return r.ok ? r.bytes : 0;
}

function memoryText(layout: Layout): string {
  return layout.memory ? `-m ${layout.memory.size}` : "QEMU's default -m 128M";
}

// NUMA001: the memory of the guest nodes (or the boot backend) must add up to -m.
export const memorySum: RuleDef = {
  name: "memorySum",
  codes: [NUMA001],
  check: (layout) => {
    const out: Diagnostic[] = [];
    const want = memoryBytes(layout);
    const byId = new Map(layout.backends.map((b) => [b.id, b]));
    if (layout.nodes.length > 0 && layout.nodes.every((n) => n.memdev !== undefined)) {
      // QEMU adds up each node's backend, so a backend used by two nodes counts twice (QEMU
      // 7.2, oracle corpus numa-memdev-twice: "total memory for NUMA nodes (0x20000000) should
      // equal RAM size (0x10000000)" before it says the backend is used twice)
      const used = layout.nodes.map((n) => byId.get(n.memdev!)).filter((b): b is Backend => !!b);
      if (used.length === layout.nodes.length) {
        const sum = used.reduce((a, b) => a + backendBytes(b), 0);
        if (sum !== want) {
          const parts = used.map((b) => `${b.id} ${humanSize(backendBytes(b))}`).join(" + ");
          out.push(
            emit(
              NUMA001,
              `the guest nodes' memory adds up to ${humanSize(sum)} (${parts}), but ${memoryText(layout)} is ${humanSize(want)}; QEMU refuses to start`,
              `set -m to ${formatSize(sum, "M")} or resize the backends so they add up to ${humanSize(want)}`,
              atMemory(),
            ),
          );
        }
      }
    } else if (layout.nodes.length > 0 && layout.nodes.every((n) => n.mem !== undefined)) {
      const sum = layout.nodes.reduce((a, n) => {
        const r = parseSize(n.mem!, "M");
        return a + (r.ok ? r.bytes : 0);
      }, 0);
      if (sum !== want) {
        out.push(emit(NUMA001, `the guest nodes' mem= adds up to ${humanSize(sum)}, but ${memoryText(layout)} is ${humanSize(want)}`, "make the node sizes add up to -m", atMemory()));
      }
    }
    const boot = layout.machine?.memoryBackend;
    const bootBackend = boot ? byId.get(boot) : undefined;
    // without -m, QEMU 7.2 takes the boot backend's size as the RAM size (oracle corpus)
    if (bootBackend && layout.memory && layout.nodes.length === 0 && backendBytes(bootBackend) !== want) {
      out.push(
        emit(
          NUMA001,
          `-machine memory-backend=${boot} is ${humanSize(backendBytes(bootBackend))}, but ${memoryText(layout)} is ${humanSize(want)}; QEMU refuses to start`,
          `make the backend's size equal to -m`,
          atMachine("memoryBackend"),
        ),
      );
    }
    return out;
  },
};

// NUMA012: a policy other than default needs host-nodes, and host-nodes needs a policy.
export const policyNeedsNodes: RuleDef = {
  name: "policyNeedsNodes",
  codes: [NUMA012],
  check: (layout) => {
    const out: Diagnostic[] = [];
    layout.backends.forEach((b, i) => {
      const policy = b.policy ?? "default";
      const nodes = ids(b.hostNodes);
      if (policy !== "default" && nodes.length === 0) {
        out.push(emit(NUMA012, `policy=${policy} without host-nodes; QEMU refuses it`, `add host-nodes=N, or remove policy=${policy}`, atBackend(b, i, "policy")));
      }
      if (policy === "default" && nodes.length > 0) {
        out.push(
          emit(NUMA012, `host-nodes=${b.hostNodes} with the default policy; QEMU refuses host-nodes without a policy`, `add policy=bind (or preferred, interleave)`, atBackend(b, i, "hostNodes")),
        );
      }
    });
    return out;
  },
};

// NUMA025: guest nodes use memdev= or mem=, not both (a node with neither is memory-less).
export const memdevAllOrNone: RuleDef = {
  name: "memdevAllOrNone",
  codes: [NUMA025],
  check: (layout) => {
    const withDev = layout.nodes.filter((n) => n.memdev !== undefined).length;
    const withMem = layout.nodes.filter((n) => n.mem !== undefined).length;
    if (withDev > 0 && withMem > 0) {
      return [emit(NUMA025, "some guest nodes use memdev= and others mem=; QEMU wants one kind for all", "use memdev= on every node", atAllNodes())];
    }
    return [];
  },
};

// NUMA029: properties each backend type takes; file backends need mem-path.
export const backendTypeProps: RuleDef = {
  name: "backendTypeProps",
  codes: [NUMA029],
  check: (layout) => {
    const out: Diagnostic[] = [];
    layout.backends.forEach((b, i) => {
      const wrong: string[] = [];
      if (b.memPath !== undefined && b.type !== "file") wrong.push("mem-path");
      if ((b.hugetlb !== undefined || b.hugetlbsize !== undefined) && b.type !== "memfd") wrong.push("hugetlb");
      if (wrong.length > 0) {
        const want = wrong[0] === "mem-path" ? "file" : "memfd";
        out.push(emit(NUMA029, `memory-backend-${b.type} does not take ${wrong.join(", ")}`, `use memory-backend-${want}`, atBackend(b, i, "type")));
      }
      if (b.type === "file" && b.memPath === undefined) {
        out.push(emit(NUMA029, `memory-backend-file needs mem-path=`, "add mem-path=/dev/hugepages (or another file or folder)", atBackend(b, i)));
      }
    });
    return out;
  },
};

export const MEMORY_RULES: readonly RuleDef[] = [memorySum, policyNeedsNodes, memdevAllOrNone, backendTypeProps];
