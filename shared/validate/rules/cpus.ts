// CPUs and topology: guest nodes name vCPUs -smp creates, each vCPU in one node, and an -smp
// topology that multiplies out.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import { formatIdList } from "../../cpulist/cpulist";
import { smpMaxCpus } from "../../qemu/prealloc";
import { acceptedTopology, modulesKnown, prefersSockets, resolveSmp, type SmpGiven } from "../../qemu/smp-topology";
import type { SmpOpt } from "../../layout/schema";
import { guestNodeIds, ids } from "./layout-facts";
import { atAllNodes, atNode, atSmp } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const NUMA002: RuleMeta = { code: "NUMA002", severity: "error", title: "a guest node names a vCPU at or above `-smp`'s maximum, or there is no `-smp`", concern: "cpus", policy: false };
const NUMA003: RuleMeta = { code: "NUMA003", severity: "error", title: "a vCPU in two guest nodes", concern: "cpus", policy: false };
const NUMA004: RuleMeta = { code: "NUMA004", severity: "warning", title: "a vCPU in no guest node", concern: "cpus", policy: false };
const NUMA026: RuleMeta = {
  code: "NUMA026",
  severity: "error",
  title: "an `-smp` QEMU refuses once it fills in what is omitted: a topology that does not multiply to maxcpus, cpus above maxcpus, a 0 (QEMU 9.0+)",
  concern: "cpus",
  policy: false,
};

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

// NUMA026: the -smp QEMU refuses once it has filled in what was omitted (shared/qemu/smp-topology.ts):
// a product that is not maxcpus, cpus above maxcpus, and (QEMU 9.0+) a value of 0.
export const smpTopology: RuleDef = {
  name: "smpTopology",
  codes: [NUMA026],
  check: (layout, ctx) => {
    const s = layout.smp;
    if (!s) return [];
    const version = ctx.qemu?.version;
    const given = smpGiven(s);
    // before 9.1 QEMU refuses modules= as it reads -smp (NUMA039), before any filling in
    if (!modulesKnown(version)) delete given.modules;
    const r = resolveSmp(given, layout.machine?.type, version);
    if (r.ok) return [];
    const says = `QEMU${version ? ` ${version}` : ""} says "${r.qemuSays}"`;
    if (r.kind === "zero") {
      const zeros = Object.entries(given)
        .filter(([, v]) => v === 0)
        .map(([k]) => `${k}=0`);
      return [emit(NUMA026, `${zeros.join(", ")}: QEMU 9.0 and later refuse a 0 (7.2 only warned): ${says}`, `leave ${zeros.length > 1 ? "them" : "it"} out or give a number of 1 or more`, atSmp())];
    }
    const fix = smpText(given, acceptedTopology(given));
    const t = r.topology;
    const filled = (["sockets", "cores", "threads"] as const).filter((k) => !given[k]).map((k) => `${k}=${t[k]}`);
    const how =
      filled.length > 0
        ? `QEMU fills in ${filled.join(", ")} (maxcpus ${t.maxcpus} divided by the rest, rounded down${prefersSockets(layout.machine?.type) ? ", sockets first for machine types before 6.2" : ""}), so `
        : "";
    const what =
      r.kind === "product"
        ? `${how}sockets × dies × cores × threads is ${t.sockets * t.dies * t.clusters * t.modules * t.cores * t.threads}, not maxcpus ${t.maxcpus}`
        : `cpus=${t.cpus} is more than maxcpus=${t.maxcpus}`;
    return [emit(NUMA026, `${what}; ${says}`, `use -smp ${fix}`, atSmp())];
  },
};

/** The -smp values as written, a 0 kept as 0 (the layout keeps it among the unmodelled values). */
export function smpGiven(s: SmpOpt): SmpGiven {
  const out: SmpGiven = {};
  for (const k of ["cpus", "maxcpus", "sockets", "dies", "clusters", "cores", "threads"] as const) {
    const v = s[k] ?? (s.extra?.[k] !== undefined && /^0+$/.test(String(s.extra[k])) ? 0 : undefined);
    if (v !== undefined) out[k] = v;
  }
  // modules (QEMU 9.1+) stays among the unmodelled values; a non-number is left to QEMU
  const m = s.extra?.modules;
  if (m !== undefined && /^\d+$/.test(String(m))) out.modules = Number(m);
  return out;
}

/** An -smp string for `topo`, keeping the given cpus. */
export function smpText(given: SmpGiven, topo: ReturnType<typeof acceptedTopology>): string {
  const cpus = given.cpus || topo.maxcpus;
  const parts = [
    `${cpus}`,
    ...(cpus !== topo.maxcpus ? [`maxcpus=${topo.maxcpus}`] : []),
    `sockets=${topo.sockets}`,
    ...(topo.dies > 1 ? [`dies=${topo.dies}`] : []),
    `cores=${topo.cores}`,
    `threads=${topo.threads}`,
  ];
  return parts.join(",");
}

export const CPU_RULES: readonly RuleDef[] = [vcpuRange, vcpuMembership, smpTopology];
