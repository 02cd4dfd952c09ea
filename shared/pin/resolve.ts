// What a layout's pinning means thread by thread: the host CPU set of each vCPU, of the
// emulator threads and of each I/O thread. A per-vCPU pin wins over its guest node's pin,
// which wins over a leading taskset (every thread inherits the process's affinity).

import type { Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { smpMaxCpus } from "../qemu/prealloc";

/** Each vCPU's guest node id (the first node that names it). */
export function vcpuGuestNodes(layout: Layout): Map<number, number> {
  const out = new Map<number, number>();
  layout.nodes.forEach((n, i) => {
    for (const v of idList(n.cpus)) if (!out.has(v)) out.set(v, n.nodeid ?? i);
  });
  return out;
}

/** the last sets made, by what they were made from: a drop and the checks after it ask for the same ones several times */
let lastSets: { key: string; sets: ReadonlyMap<number, readonly number[]> } | undefined;

/**
 * The host CPUs each vCPU may run on, for vCPUs the pinning names (directly, by node, or by taskset).
 * Shared between callers that ask with the same pinning: read-only. Every vCPU of one pin gets the same array.
 */
export function vcpuHostSets(layout: Layout): ReadonlyMap<number, readonly number[]> {
  const p = layout.pinning;
  if (!p) return new Map();
  // what the answer depends on, as text (pins, guest nodes' vCPU lists, -smp): cheaper than parsing it again
  const max = smpMaxCpus(layout.smp);
  let key = `${max}|${p.process?.hostCpus ?? ""}|`;
  for (const pin of p.vcpus ?? []) key += `${pin.node ?? ""}:${pin.vcpus ?? ""}:${pin.hostCpus};`;
  key += "|";
  for (let i = 0; i < layout.nodes.length; i++) key += `${layout.nodes[i]!.nodeid ?? i}:${layout.nodes[i]!.cpus ?? ""};`;
  if (lastSets?.key === key) return lastSets.sets;
  const sets = makeHostSets(layout, p, max);
  lastSets = { key, sets };
  return sets;
}

function makeHostSets(layout: Layout, p: NonNullable<Layout["pinning"]>, max: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (p.process) {
    const all = idList(p.process.hostCpus);
    for (let v = 0; v < max; v++) out.set(v, all);
  }
  const nodeOf = vcpuGuestNodes(layout);
  for (const pin of p.vcpus ?? []) {
    if (pin.node === undefined) continue;
    const cpus = idList(pin.hostCpus);
    for (const [v, g] of nodeOf) if (g === pin.node && v < max) out.set(v, cpus);
  }
  for (const pin of p.vcpus ?? []) {
    if (pin.vcpus === undefined) continue;
    const cpus = idList(pin.hostCpus);
    for (const v of idList(pin.vcpus)) if (v < max) out.set(v, cpus);
  }
  return out;
}

export function emulatorHostSet(layout: Layout): number[] | undefined {
  const p = layout.pinning;
  if (p?.emulator !== undefined) return idList(p.emulator);
  return p?.process ? idList(p.process.hostCpus) : undefined;
}

export function iothreadHostSet(layout: Layout, id: string): number[] | undefined {
  const t = layout.iothreads?.find((x) => x.id === id);
  if (t?.hostCpus !== undefined) return idList(t.hostCpus);
  return layout.pinning?.process ? idList(layout.pinning.process.hostCpus) : undefined;
}

/** QEMU's vCPU numbering (x86, QEMU 7.2 x86_topo_ids_from_idx): threads innermost, then cores, dies, sockets. */
export function vcpuCoreKey(layout: Layout, vcpu: number): { threads: number; core: number } {
  const threads = layout.smp?.threads ?? 1;
  return { threads, core: Math.floor(vcpu / threads) };
}

/** The host node of each host CPU. */
export function hostNodeOfCpu(host: HostTopology): Map<number, number> {
  return new Map(host.cpus.map((c) => [c.id, c.node]));
}

/** A host CPU's core, as a key unique across packages. */
export function hostCoreKey(host: HostTopology, cpu: number): string | undefined {
  const c = host.cpus.find((x) => x.id === cpu);
  return c ? `${c.socket}/${c.die ?? 0}/${c.core}` : undefined;
}
