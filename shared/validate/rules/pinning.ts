// Pinning: where vCPU, emulator and I/O threads may run. QEMU takes no pinning option, so
// QEMU never refuses these; sched_setaffinity does (EINVAL for a set with no online CPU the
// kernel knows), and the rest is about speed: a vCPU far from its memory, two vCPUs on one PU
// in a design that promised each its own, split SMT pairs, helpers on the vCPUs' PUs.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import type { Layout } from "../../layout/schema";
import type { HostTopology } from "../../topology/schema";
import { formatIdList, idList } from "../../cpulist/cpulist";
import { POLICY_PHRASE } from "../policy";
import { emulatorHostSet, hostCoreKey, iothreadHostSet, vcpuGuestNodes, vcpuHostSets } from "../../pin/resolve";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const PIN001: RuleMeta = { code: "PIN001", severity: "warning", title: "a vCPU pinned to host CPUs off the node its guest node's memory is bound to", concern: "cpus", policy: false };
const PIN002: RuleMeta = { code: "PIN002", severity: "warning", title: "two vCPUs may share a PU in a dedicated design", concern: "cpus", policy: false };
const PIN003: RuleMeta = { code: "PIN003", severity: "error", title: "a pin names host CPUs the target lacks or has offline", concern: "host fit", policy: true };
const PIN004: RuleMeta = { code: "PIN004", severity: "warning", title: "a guest SMT pair (`-smp threads=2`) pinned to PUs of different host cores", concern: "cpus", policy: false };
const PIN005: RuleMeta = { code: "PIN005", severity: "warning", title: "the emulator or an I/O thread may run on the vCPUs' PUs in a dedicated design", concern: "cpus", policy: false };
const PIN006: RuleMeta = { code: "PIN006", severity: "warning", title: "a preallocation thread-context on a node other than its guest node's vCPUs", concern: "preallocation", policy: false };
const PIN007: RuleMeta = { code: "PIN007", severity: "warning", title: "a pin uses a host CPU reserved for the host", concern: "cpus", policy: false };

/** Where a vCPU's pin is written: its own entry, else its node's, else the taskset. */
export function vcpuPinPath(layout: Layout, vcpu: number): string {
  const pins = layout.pinning?.vcpus ?? [];
  const own = pins.findIndex((p) => p.vcpus !== undefined && idList(p.vcpus).includes(vcpu));
  if (own >= 0) return `pinning.vcpus[${own}]`;
  const node = vcpuGuestNodes(layout).get(vcpu);
  const byNode = pins.findIndex((p) => p.node !== undefined && p.node === node);
  return byNode >= 0 ? `pinning.vcpus[${byNode}]` : "pinning.process";
}

/** The host nodes a guest node's memory is bound (or preferred) to. */
export function memoryNodesOf(layout: Layout, guestNode: number): number[] | undefined {
  const n = layout.nodes.find((x, i) => (x.nodeid ?? i) === guestNode);
  const b = n?.memdev ? layout.backends.find((x) => x.id === n.memdev) : undefined;
  if (!b || !b.hostNodes || b.policy === undefined || b.policy === "default" || b.policy === "interleave") return undefined;
  return idList(b.hostNodes);
}

function nodeOfCpu(host: HostTopology): Map<number, number> {
  return new Map(host.cpus.map((c) => [c.id, c.node]));
}

// PIN001: a vCPU whose pinned CPUs lie outside its memory's node reads remote memory.
const remoteVcpus: RuleDef = {
  name: "remoteVcpus",
  codes: [PIN001],
  check: (layout, { host }) => {
    if (!host || !layout.pinning) return [];
    const nodeOf = nodeOfCpu(host);
    const guestOf = vcpuGuestNodes(layout);
    const off = new Map<number, { vcpus: number[]; nodes: Set<number>; mem: number[] }>();
    for (const [v, cpus] of vcpuHostSets(layout)) {
      const g = guestOf.get(v);
      const mem = g === undefined ? undefined : memoryNodesOf(layout, g);
      if (g === undefined || !mem) continue;
      const away = cpus.map((c) => nodeOf.get(c)).filter((n): n is number => n !== undefined && !mem.includes(n));
      if (away.length === 0) continue;
      const e = off.get(g) ?? { vcpus: [], nodes: new Set<number>(), mem };
      e.vcpus.push(v);
      for (const n of away) e.nodes.add(n);
      off.set(g, e);
    }
    return [...off].map(([g, e]) =>
      emit(
        PIN001,
        `guest node ${g}'s vCPUs ${formatIdList(e.vcpus)} may run on host node ${formatIdList([...e.nodes])}, but the node's memory is bound to host node ${formatIdList(e.mem)}: every access from there is remote`,
        `pin guest node ${g}'s vCPUs to host node ${formatIdList(e.mem)}'s CPUs`,
        { path: vcpuPinPath(layout, e.vcpus[0]!) },
      ),
    );
  },
};

// PIN002: a dedicated design gives each vCPU PUs no other vCPU may use.
const sharedPus: RuleDef = {
  name: "sharedPus",
  codes: [PIN002],
  check: (layout) => {
    if (!layout.pinning?.dedicated) return [];
    const owner = new Map<number, number>();
    const clashes = new Map<number, Set<number>>();
    for (const [v, cpus] of [...vcpuHostSets(layout)].sort((a, b) => a[0] - b[0])) {
      for (const c of cpus) {
        const o = owner.get(c);
        if (o === undefined) owner.set(c, v);
        else clashes.set(c, new Set([...(clashes.get(c) ?? [o]), v]));
      }
    }
    if (clashes.size === 0) return [];
    const pus = [...clashes.keys()].sort((a, b) => a - b);
    const vcpus = [...new Set([...clashes.values()].flatMap((s) => [...s]))].sort((a, b) => a - b);
    return [
      emit(
        PIN002,
        `the design is dedicated, but vCPUs ${formatIdList(vcpus)} may share host CPU${pus.length > 1 ? "s" : ""} ${formatIdList(pus)}: one waits while the other runs`,
        "give each vCPU its own PU (numadesk plan --pin cpu), or drop dedicated",
        { path: vcpuPinPath(layout, vcpus[0]!) },
      ),
    ];
  },
};

// PIN003: sched_setaffinity refuses a set with no CPU the kernel has online (EINVAL); taskset
// and libvirt fail there. Absent or offline CPUs in a larger set are dropped silently.
const absentCpus: RuleDef = {
  name: "absentCpus",
  codes: [PIN003],
  check: (layout, { host }) => {
    if (!host || (!layout.pinning && !(layout.iothreads ?? []).some((t) => t.hostCpus))) return [];
    const online = new Set(host.cpus.filter((c) => c.online).map((c) => c.id));
    const known = new Set(host.cpus.map((c) => c.id));
    const out: Diagnostic[] = [];
    const look = (what: string, text: string | undefined, path: string) => {
      const bad = idList(text).filter((c) => !online.has(c));
      if (bad.length === 0) return;
      const absent = bad.filter((c) => !known.has(c));
      const offline = bad.filter((c) => known.has(c));
      const words = [
        absent.length ? `absent CPU${absent.length > 1 ? "s" : ""} ${formatIdList(absent)}` : "",
        offline.length ? `offline CPU${offline.length > 1 ? "s" : ""} ${formatIdList(offline)}` : "",
      ]
        .filter(Boolean)
        .join(" and ");
      out.push(emit(PIN003, `${what} is pinned to ${words} of ${host.name} ${POLICY_PHRASE.host}`, `pin it to online CPUs (${formatIdList([...online])})`, { path }));
    };
    const p = layout.pinning;
    (p?.vcpus ?? []).forEach((pin, i) => look(pin.node !== undefined ? `guest node ${pin.node}'s vCPUs` : `vCPU ${pin.vcpus}`, pin.hostCpus, `pinning.vcpus[${i}].hostCpus`));
    look("the emulator", p?.emulator, "pinning.emulator");
    look("QEMU (taskset)", p?.process?.hostCpus, "pinning.process.hostCpus");
    (layout.iothreads ?? []).forEach((t, i) => look(`I/O thread ${t.id}`, t.hostCpus, `iothreads[${i}].hostCpus`));
    return out;
  },
};

// PIN004: QEMU numbers vCPUs threads-innermost (x86, 7.2): with threads=2, vCPUs 2k and 2k+1
// are one core's threads to the guest, which schedules as if they shared a core's caches.
const splitSmtPairs: RuleDef = {
  name: "splitSmtPairs",
  codes: [PIN004],
  check: (layout, { host }) => {
    const threads = layout.smp?.threads ?? 1;
    if (!host || threads < 2 || !layout.pinning) return [];
    const sets = vcpuHostSets(layout);
    const split: number[] = [];
    const cores = new Map<number, number[]>();
    for (const v of sets.keys()) cores.set(Math.floor(v / threads), [...(cores.get(Math.floor(v / threads)) ?? []), v]);
    for (const vs of cores.values()) {
      const exact = vs.map((v) => sets.get(v)!).filter((s) => s.length === 1);
      if (exact.length < 2) continue;
      const keys = new Set(exact.map((s) => hostCoreKey(host, s[0]!)));
      if (keys.size > 1) split.push(...vs);
    }
    if (split.length === 0) return [];
    split.sort((a, b) => a - b);
    return [
      emit(
        PIN004,
        `-smp threads=${threads} makes vCPUs ${formatIdList(split)} SMT siblings in the guest, but they are pinned to PUs of different host cores: the guest's scheduler assumes shared caches that are not there`,
        "pin each guest core's vCPUs to one host core's siblings (numadesk plan --pin cpu --mirror-smp)",
        { path: vcpuPinPath(layout, split[0]!) },
      ),
    ];
  },
};

// PIN005: in a dedicated design the vCPUs' PUs are theirs alone.
const helpersOnVcpus: RuleDef = {
  name: "helpersOnVcpus",
  codes: [PIN005],
  check: (layout) => {
    if (!layout.pinning?.dedicated) return [];
    const vcpuPus = new Set([...vcpuHostSets(layout).values()].flat());
    if (vcpuPus.size === 0) return [];
    const out: Diagnostic[] = [];
    const emulator = emulatorHostSet(layout);
    const overlap = (set: number[]) => set.filter((c) => vcpuPus.has(c));
    if (!emulator) {
      out.push(
        emit(PIN005, "the design is dedicated, but the emulator thread is not pinned: QEMU's main thread may run on the vCPUs' PUs", "pin the emulator to host CPUs the vCPUs do not use", {
          path: "pinning.emulator",
        }),
      );
    } else if (overlap(emulator).length > 0) {
      out.push(
        emit(PIN005, `the design is dedicated, but the emulator may run on host CPU ${formatIdList(overlap(emulator))}, which vCPUs use`, "pin the emulator to host CPUs the vCPUs do not use", {
          path: "pinning.emulator",
        }),
      );
    }
    (layout.iothreads ?? []).forEach((t, i) => {
      const set = iothreadHostSet(layout, t.id);
      if (!set)
        out.push(
          emit(PIN005, `the design is dedicated, but I/O thread ${t.id} is not pinned: it may run on the vCPUs' PUs`, `pin ${t.id} to host CPUs the vCPUs do not use`, {
            path: `iothreads[${i}].hostCpus`,
            element: { kind: "iothread", id: t.id, index: i },
          }),
        );
      else if (overlap(set).length > 0)
        out.push(
          emit(PIN005, `the design is dedicated, but I/O thread ${t.id} may run on host CPU ${formatIdList(overlap(set))}, which vCPUs use`, `pin ${t.id} to host CPUs the vCPUs do not use`, {
            path: `iothreads[${i}].hostCpus`,
            element: { kind: "iothread", id: t.id, index: i },
          }),
        );
    });
    return out;
  },
};

// PIN006: the guest node's memory is touched by threads on one node while its vCPUs run on another.
const contextAwayFromVcpus: RuleDef = {
  name: "contextAwayFromVcpus",
  codes: [PIN006],
  check: (layout, { host }) => {
    if (!host || !layout.pinning) return [];
    const nodeOf = nodeOfCpu(host);
    const sets = vcpuHostSets(layout);
    const out: Diagnostic[] = [];
    layout.nodes.forEach((n, i) => {
      const b = n.memdev ? layout.backends.find((x) => x.id === n.memdev) : undefined;
      const tc = b?.preallocContext ? layout.threadContexts.find((t) => t.id === b.preallocContext) : undefined;
      if (!tc?.nodeAffinity) return;
      const vcpuNodes = new Set(idList(n.cpus).flatMap((v) => (sets.get(v) ?? []).map((c) => nodeOf.get(c)).filter((x): x is number => x !== undefined)));
      if (vcpuNodes.size === 0) return;
      const tcNodes = idList(tc.nodeAffinity);
      if (tcNodes.some((x) => vcpuNodes.has(x))) return;
      out.push(
        emit(
          PIN006,
          `${b!.id} is preallocated by ${tc.id} on host node ${tc.nodeAffinity}, but guest node ${n.nodeid ?? i}'s vCPUs are pinned to host node ${formatIdList([...vcpuNodes])}: memory and vCPUs end up apart`,
          `bind the memory and its thread-context where the vCPUs run (node ${formatIdList([...vcpuNodes])}), or pin the vCPUs to node ${tc.nodeAffinity}`,
          { path: `threadContexts[${layout.threadContexts.indexOf(tc)}]`, element: { kind: "threadContext", id: tc.id, index: layout.threadContexts.indexOf(tc) } },
        ),
      );
    });
    return out;
  },
};

// PIN007: reserved CPUs are the host's; a pin there takes them back.
const reservedUsed: RuleDef = {
  name: "reservedUsed",
  codes: [PIN007],
  check: (layout) => {
    const reserved = new Set(idList(layout.pinning?.reserved));
    if (reserved.size === 0) return [];
    const out: Diagnostic[] = [];
    const look = (what: string, set: number[] | undefined, path: string) => {
      const bad = (set ?? []).filter((c) => reserved.has(c));
      if (bad.length > 0)
        out.push(emit(PIN007, `${what} is pinned to host CPU ${formatIdList(bad)}, reserved for the host`, "take the reserved CPUs out of the pin, or out of the reserved list", { path }));
    };
    const p = layout.pinning!;
    (p.vcpus ?? []).forEach((pin, i) => look(pin.node !== undefined ? `guest node ${pin.node}'s vCPUs` : `vCPU ${pin.vcpus}`, idList(pin.hostCpus), `pinning.vcpus[${i}].hostCpus`));
    look("the emulator", p.emulator !== undefined ? idList(p.emulator) : undefined, "pinning.emulator");
    (layout.iothreads ?? []).forEach((t, i) => look(`I/O thread ${t.id}`, t.hostCpus !== undefined ? idList(t.hostCpus) : undefined, `iothreads[${i}].hostCpus`));
    return out;
  },
};

export const PINNING_RULES: readonly RuleDef[] = [remoteVcpus, sharedPus, absentCpus, splitSmtPairs, helpersOnVcpus, contextAwayFromVcpus, reservedUsed];
