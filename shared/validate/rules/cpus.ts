// CPUs and topology: guest nodes name vCPUs -smp creates, each vCPU in one node, and an -smp
// topology that multiplies out.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import { formatIdList } from "../../cpulist/cpulist";
import { smpMaxCpus } from "../../qemu/prealloc";
import { guestNodeIds, ids } from "./layout-facts";
import { atAllNodes, atNode, atSmp } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const NUMA002: RuleMeta = { code: "NUMA002", severity: "error", title: "a guest node names a vCPU at or above `-smp`'s maximum, or there is no `-smp`", concern: "cpus", policy: false };
const NUMA003: RuleMeta = { code: "NUMA003", severity: "error", title: "a vCPU in two guest nodes", concern: "cpus", policy: false };
const NUMA004: RuleMeta = { code: "NUMA004", severity: "warning", title: "a vCPU in no guest node", concern: "cpus", policy: false };
const NUMA026: RuleMeta = { code: "NUMA026", severity: "error", title: "an `-smp` topology that does not multiply to maxcpus", concern: "cpus", policy: false };

// NUMA002: guest nodes may only name vCPUs below -smp's maximum.
export const vcpuRange: RuleDef = {
  name: "vcpuRange",
  codes: [NUMA002],
  check: (layout) => {
    const max = smpMaxCpus(layout.smp);
    const named = layout.nodes.flatMap((n) => ids(n.cpus));
    if (named.length === 0) return [];
    const highest = Math.max(...named);
    if (!layout.smp) {
      if (highest < 1) return [];
      return [
        emit(NUMA002, `the guest nodes name vCPUs ${formatIdList(named)}, but there is no -smp, so QEMU creates 1 vCPU and refuses CPU indexes of 1 and above`, `add -smp ${highest + 1}`, atSmp()),
      ];
    }
    const out: Diagnostic[] = [];
    layout.nodes.forEach((n, i) => {
      const bad = ids(n.cpus).filter((c) => c >= max);
      if (bad.length > 0) {
        out.push(
          emit(
            NUMA002,
            `guest node ${n.nodeid ?? i} names vCPUs ${formatIdList(bad)}, but -smp allows vCPU indexes 0-${max - 1}`,
            `raise -smp to ${highest + 1} (or maxcpus=${highest + 1}), or remove those vCPUs from the node`,
            atNode(layout, i, "cpus"),
          ),
        );
      }
    });
    return out;
  },
};

// NUMA003 / NUMA004: every vCPU in exactly one guest node.
export const vcpuMembership: RuleDef = {
  name: "vcpuMembership",
  codes: [NUMA003, NUMA004],
  check: (layout) => {
    const out: Diagnostic[] = [];
    const owner = new Map<number, number>();
    const gids = guestNodeIds(layout);
    layout.nodes.forEach((n, i) => {
      const twice: number[] = [];
      let other = -1;
      for (const c of ids(n.cpus)) {
        const prev = owner.get(c);
        if (prev !== undefined) {
          twice.push(c);
          other = prev;
        } else owner.set(c, i);
      }
      if (twice.length > 0) {
        out.push(emit(NUMA003, `vCPUs ${formatIdList(twice)} are in guest node ${gids[other]} and in guest node ${gids[i]}`, "give each vCPU to one guest node only", atNode(layout, i, "cpus")));
      }
    });
    if (owner.size > 0) {
      const max = smpMaxCpus(layout.smp);
      const missing: number[] = [];
      for (let c = 0; c < Math.min(max, 65536); c++) if (!owner.has(c)) missing.push(c);
      if (missing.length > 0) {
        out.push(
          emit(NUMA004, `vCPUs ${formatIdList(missing)} are in no guest node; QEMU puts them on node 0 and warns that this will stop working`, "add them to a guest node's cpus=", atAllNodes()),
        );
      }
    }
    return out;
  },
};

// NUMA026: -smp topology must multiply to maxcpus; cpus ≤ maxcpus.
export const smpTopology: RuleDef = {
  name: "smpTopology",
  codes: [NUMA026],
  check: (layout) => {
    const s = layout.smp;
    if (!s) return [];
    const out: Diagnostic[] = [];
    const parts = [s.sockets, s.dies, s.clusters, s.cores, s.threads];
    if (s.sockets !== undefined && s.cores !== undefined && s.threads !== undefined) {
      const product = parts.reduce<number>((a, p) => a * (p ?? 1), 1);
      const max = smpMaxCpus(s);
      if (product !== max) {
        out.push(
          emit(
            NUMA026,
            `-smp: sockets × dies × clusters × cores × threads is ${product}, but maxcpus is ${max}; QEMU refuses the topology`,
            `make the product ${max}, or set maxcpus=${product}`,
            atSmp(),
          ),
        );
      }
    }
    if (s.cpus !== undefined && s.maxcpus !== undefined && s.cpus > s.maxcpus) {
      out.push(emit(NUMA026, `-smp cpus=${s.cpus} is more than maxcpus=${s.maxcpus}`, "raise maxcpus or lower cpus", atSmp()));
    }
    return out;
  },
};

export const CPU_RULES: readonly RuleDef[] = [vcpuRange, vcpuMembership, smpTopology];
