// What the machine type takes for guest NUMA and vCPUs, as QEMU 7.2 checks it (each quoted
// message is what it printed for the oracle corpus, shared/validate/oracle/corpus.json):
//   NUMA036  guest node memory: mem= on machine types after 5.0 ("Parameter -numa node,mem is
//            not supported by this machine type"); nodes of which none has memory ("total
//            memory for NUMA nodes (0x0) should equal RAM size")
//   NUMA037  the -numa dist table (hw/core/numa.c validate_numa_distance): every pair needs a
//            distance in at least one direction ("The distance between node 0 and 2 is
//            missing"), an asymmetric table needs both directions of every pair ("At least one
//            asymmetrical pair of distances is given"), and a dist may only name nodes
//            declared before it ("Source/Destination NUMA node is missing")
//   NUMA038  HMAT: initiator= and -numa hmat-* need -machine hmat=on; an initiator must be a
//            declared node with CPUs ("NUMA node 5 is missing", "The initiator of NUMA node 1
//            is invalid"); hmat-cache needs the node's latency and bandwidth first
//   NUMA039  -smp for the machine: clusters on x86 ("clusters not supported by this machine's
//            CPU topology"; 10.0 too, as "clusters > 1 not supported …"), modules before 9.1
//            ("Parameter 'smp.modules' is unexpected"), more vCPUs than the machine type takes ("Invalid
//            SMP CPUs 300. The max CPUs supported by machine 'pc-i440fx-7.2' is 255")

import type { At, Diagnostic } from "../../diagnostics/diagnostic";
import { atAllNodes, atArg, atDistance, atNode, atSmp } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";
import type { Layout } from "../../layout/schema";
import { splitValue } from "../../qemu/codec";
import { optionName } from "../../qemu/options";
import { smpMaxCpus } from "../../qemu/prealloc";
import { ASSUMING_72, modulesKnown } from "../../qemu/smp-topology";
import { parseIdList } from "../../cpulist/cpulist";
import { versionBelow, type Rule } from "../context";

const NUMA036: RuleMeta = {
  code: "NUMA036",
  severity: "error",
  title: "guest node memory the machine type refuses: `mem=` after 5.0 machine types, or no node with memory",
  concern: "memory",
  policy: false,
};
const NUMA037: RuleMeta = {
  code: "NUMA037",
  severity: "error",
  title: "a `-numa dist` table with a missing pair, an asymmetric pair without both directions, or a node named before it is declared",
  concern: "cpus",
  policy: false,
};
const NUMA038: RuleMeta = {
  code: "NUMA038",
  severity: "error",
  title: "HMAT: `initiator=`/`-numa hmat-*` without `hmat=on`, an initiator that is missing or has no CPUs, hmat-cache before its latency and bandwidth",
  concern: "machine",
  policy: false,
};
const NUMA039: RuleMeta = {
  code: "NUMA039",
  severity: "error",
  title: "`-smp` the machine type or QEMU version refuses: clusters on x86, modules before QEMU 9.1, more vCPUs than the type takes",
  concern: "cpus",
  policy: false,
};
const META: Record<string, RuleMeta> = { NUMA036, NUMA037, NUMA038, NUMA039 };

const d = (code: string, message: string, fix: string, at: At): Diagnostic => emit(META[code]!, message, fix, at);

interface MachineKind {
  family: "pc" | "q35" | "other";
  /** [major, minor] of a versioned type (pc-i440fx-5.0); undefined for the current one */
  version?: [number, number];
}

/** x86_64's default machine is pc (pc-i440fx-<this QEMU's version>). */
export function machineKind(layout: Layout): MachineKind {
  const t = layout.machine?.type ?? "pc";
  const v = /^pc-(i440fx|q35)-(\d+)\.(\d+)/.exec(t);
  if (v) return { family: v[1] === "q35" ? "q35" : "pc", version: [Number(v[2]), Number(v[3])] };
  if (t === "pc") return { family: "pc" };
  if (t === "q35") return { family: "q35" };
  return { family: "other" };
}

const olderThan51 = (m: MachineKind) => m.version !== undefined && (m.version[0] < 5 || (m.version[0] === 5 && m.version[1] === 0));

/** Guest node ids as QEMU assigns them. */
const gid = (layout: Layout, i: number) => layout.nodes[i]?.nodeid ?? i;

// NUMA036
export const nodeMemoryForMachine: Rule = (layout) => {
  const m = machineKind(layout);
  if (m.family === "other" || layout.nodes.length === 0) return [];
  const out: Diagnostic[] = [];
  if (!olderThan51(m)) {
    const i = layout.nodes.findIndex((n) => n.mem !== undefined);
    if (i >= 0) {
      out.push(
        d(
          "NUMA036",
          `-numa node,mem= is not taken by ${layout.machine?.type ?? "the default pc"} machine types after 5.0; QEMU says "Parameter -numa node,mem is not supported by this machine type"`,
          "give each node a backend: -object memory-backend-ram,id=mN,size=… and memdev=mN",
          atNode(layout, i, "mem"),
        ),
      );
    }
  }
  // QEMU 7.2 does not split -m among memory-less nodes, on legacy machine types either and
  // with -machine memory-backend= too (both recorded in the corpus)
  if (layout.nodes.every((n) => n.mem === undefined && n.memdev === undefined)) {
    out.push(
      d("NUMA036", `no guest node has memory (memdev=); QEMU says "total memory for NUMA nodes (0x0) should equal RAM size"`, "give the nodes memdev= backends that add up to -m", atAllNodes()),
    );
  }
  return out;
};

// NUMA037
export const distanceTable: Rule = (layout) => {
  if (layout.distances.length === 0) return [];
  const out: Diagnostic[] = [];
  const ids = layout.nodes.map((_, i) => gid(layout, i));
  // a dist may only name nodes declared before it on the command line
  layout.distances.forEach((x, i) => {
    const at = x.origin?.at;
    if (at === undefined) return;
    const late = [x.src, x.dst].filter((g) => {
      const k = ids.indexOf(g);
      const declared = k >= 0 ? layout.nodes[k]!.origin?.at : undefined;
      return declared !== undefined && declared > at;
    });
    if (late.length > 0) {
      out.push(
        d(
          "NUMA037",
          `-numa dist src=${x.src},dst=${x.dst} comes before -numa node ${late.join(", ")} is declared; QEMU says "Source/Destination NUMA node is missing"`,
          "write the -numa dist options after the -numa node options",
          atDistance(i),
        ),
      );
    }
  });
  // QEMU stops at a dist naming a node that does not exist (NUMA028) before it checks the table
  if (layout.distances.some((x) => !ids.includes(x.src) || !ids.includes(x.dst))) return out;
  const dist = new Map<string, number>();
  for (const x of layout.distances) dist.set(`${x.src}-${x.dst}`, x.val);
  const get = (a: number, b: number) => dist.get(`${a}-${b}`) ?? 0;
  const known = [...new Set(ids)].sort((a, b) => a - b);
  let asymmetric = false;
  for (const a of known) {
    for (const b of known) {
      if (b <= a) continue;
      if (get(a, b) === 0 && get(b, a) === 0) {
        out.push(
          d("NUMA037", `-numa dist gives no distance between guest nodes ${a} and ${b}; QEMU says "The distance between node ${a} and ${b} is missing"`, `add -numa dist,src=${a},dst=${b},val=N`, {
            path: "distances",
          }),
        );
        return out;
      }
      if (get(a, b) !== 0 && get(b, a) !== 0 && get(a, b) !== get(b, a)) asymmetric = true;
    }
  }
  if (asymmetric) {
    const missing = known.flatMap((a) => known.filter((b) => a !== b && get(a, b) === 0).map((b) => `${a}→${b}`));
    if (missing.length > 0) {
      out.push(
        d(
          "NUMA037",
          `the -numa dist table is asymmetric, so QEMU wants both directions of every pair; missing: ${missing.join(", ")} ("At least one asymmetrical pair of distances is given")`,
          "give every pair in both directions, or make the table symmetric",
          { path: "distances" },
        ),
      );
    }
  }
  return out;
};

function hmatArgs(layout: Layout): Array<{ arg: number; at: number; type: string; get: (k: string) => string | undefined }> {
  const out: Array<{ arg: number; at: number; type: string; get: (k: string) => string | undefined }> = [];
  layout.args.forEach((a, arg) => {
    if (optionName(a.tokens[0] ?? "") !== "numa" || a.tokens[1] === undefined) return;
    const split = splitValue({ option: "-numa", impliedKey: "type" }, a.tokens[1]);
    const get = (k: string) => {
      const v = split.entries.find((e) => e.key === k)?.value;
      return typeof v === "string" ? v : undefined;
    };
    const type = get("type");
    if (type === "hmat-lb" || type === "hmat-cache") out.push({ arg, at: a.at ?? Number.MAX_SAFE_INTEGER, type, get });
  });
  return out;
}

const isOn = (v: unknown) => v === true || (typeof v === "string" && /^(on|yes|true|y)$/i.test(v));

// NUMA038
export const hmat: Rule = (layout) => {
  const out: Diagnostic[] = [];
  const args = hmatArgs(layout);
  const withInitiator = layout.nodes.findIndex((n) => n.initiator !== undefined);
  if ((withInitiator >= 0 || args.length > 0) && !isOn(layout.machine?.extra?.hmat)) {
    out.push(
      d(
        "NUMA038",
        `${withInitiator >= 0 ? "initiator=" : "-numa hmat-*"} needs -machine hmat=on; QEMU says "ACPI Heterogeneous Memory Attribute Table (HMAT) is disabled, enable it with -machine hmat=on"`,
        "add hmat=on to -machine (q35 or pc)",
        withInitiator >= 0 ? atNode(layout, withInitiator, "initiator") : atArg(args[0]!.arg),
      ),
    );
    return out;
  }
  const ids = layout.nodes.map((_, i) => gid(layout, i));
  layout.nodes.forEach((n, i) => {
    if (n.initiator === undefined) return;
    const k = ids.indexOf(n.initiator);
    if (k < 0) {
      out.push(
        d(
          "NUMA038",
          `guest node ${gid(layout, i)}'s initiator=${n.initiator} names no guest node; QEMU says "NUMA node ${n.initiator} is missing"`,
          "name a -numa node with CPUs",
          atNode(layout, i, "initiator"),
        ),
      );
      return;
    }
    const cpus = layout.nodes[k]!.cpus;
    const r = cpus === undefined ? undefined : parseIdList(cpus);
    if (!r || !r.ok || r.ids.length === 0) {
      out.push(
        d(
          "NUMA038",
          `guest node ${gid(layout, i)}'s initiator=${n.initiator} is a node without vCPUs; QEMU says "The initiator of NUMA node ${gid(layout, i)} is invalid"`,
          "name a guest node that has cpus=",
          atNode(layout, i, "initiator"),
        ),
      );
    }
  });
  for (const c of args.filter((x) => x.type === "hmat-cache")) {
    const node = c.get("node-id");
    const before = args.filter((x) => x.type === "hmat-lb" && x.at < c.at && x.get("target") === node);
    const has = (kind: string) => before.some((x) => x.get("data-type")?.endsWith(kind));
    if (!has("latency") || !has("bandwidth")) {
      out.push(
        d(
          "NUMA038",
          `-numa hmat-cache for node ${node} comes before that node's ${!has("latency") ? "latency" : "bandwidth"} (-numa hmat-lb); QEMU says "The latency and bandwidth information of node-id=${node} should be provided before memory side cache attributes"`,
          "give -numa hmat-lb with both a latency and a bandwidth for the node first",
          atArg(c.arg),
        ),
      );
    }
  }
  return out;
};

// QEMU 7.2's limits: pc (i440fx) 255 vCPUs, q35 288 (mc->max_cpus); QEMU 9.0 raised q35's.
// Above 255 also needs KVM's irqchip with the X2APIC API: under TCG (the oracle's and
// Numadesk's runs) q35 with 256-288 is refused: "current -smp configuration requires kernel
// irqchip and X2APIC API support".
const MAX_CPUS: Record<string, number> = { pc: 255, q35: 288 };
const MAX_CPUS_TCG = 255;

// NUMA039
export const smpForMachine: Rule = (layout, { qemu }) => {
  const s = layout.smp;
  if (!s) return [];
  const out: Diagnostic[] = [];
  const m = machineKind(layout);
  const v = qemu?.version;
  const before9 = v === undefined || versionBelow(v, 9, 0);
  // x86 has no clusters in 7.2 nor in 10.0 (both measured): clusters=1 passes, more is refused.
  if ((s.clusters ?? 1) > 1 && (m.family === "pc" || m.family === "q35")) {
    const says = before9 ? `QEMU 7.2 says "clusters not supported by this machine's CPU topology"` : `QEMU ${v} says "clusters > 1 not supported by this machine's CPU topology"`;
    out.push(d("NUMA039", `-smp clusters=${s.clusters}: x86 machines have no clusters; ${says}`, "remove clusters= (use sockets, dies, cores, threads)", atSmp()));
  }
  // modules= is in QEMU's -smp from 9.1; 7.2 refuses it whatever the machine
  if (s.extra?.modules !== undefined && !modulesKnown(v)) {
    const version = v ? ` (this QEMU is ${v})` : ` (${ASSUMING_72})`;
    out.push(
      d(
        "NUMA039",
        `-smp modules=${String(s.extra.modules)}: QEMU has modules from 9.1${version}; QEMU 7.2 says "Parameter 'smp.modules' is unexpected"`,
        "remove modules= (or use QEMU 9.1 or later)",
        atSmp(),
      ),
    );
  }
  const limit = m.family === "pc" ? MAX_CPUS.pc : m.family === "q35" && before9 ? MAX_CPUS.q35 : undefined;
  const max = smpMaxCpus(s);
  if (m.family === "q35" && max > MAX_CPUS_TCG && (limit === undefined || max <= limit)) {
    out.push(
      d(
        "NUMA039",
        `-smp ${max}: more than ${MAX_CPUS_TCG} vCPUs need KVM's kernel irqchip with the X2APIC API; under TCG (how Numadesk runs layouts) QEMU says "current -smp configuration requires kernel irqchip and X2APIC API support"`,
        `use at most ${MAX_CPUS_TCG} vCPUs to run it here; with KVM (-accel kvm, x2apic) q35 takes up to ${limit ?? "1024"}`,
        atSmp(),
      ),
    );
  }
  if (limit !== undefined && max > limit) {
    const type = layout.machine?.type ?? "pc";
    out.push(
      d(
        "NUMA039",
        `-smp ${max}: machine ${type} takes at most ${limit} vCPUs${v === undefined && m.family === "q35" ? ` (${ASSUMING_72}; QEMU 9.0 and later take more)` : ""}; QEMU says "Invalid SMP CPUs ${max}. The max CPUs supported by machine … is ${limit}"`,
        `use at most ${limit} vCPUs${m.family === "pc" ? ", or -machine q35" : ""}`,
        atSmp(),
      ),
    );
  }
  return out;
};

export const MACHINE_NUMA_RULES: RuleDef[] = [
  { name: "nodeMemoryForMachine", codes: [NUMA036], check: nodeMemoryForMachine },
  { name: "distanceTable", codes: [NUMA037], check: distanceTable },
  { name: "hmat", codes: [NUMA038], check: hmat },
  { name: "smpForMachine", codes: [NUMA039], check: smpForMachine },
];
