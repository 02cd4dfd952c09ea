// What a PIN diagnostic is about, to select on the canvas when it is clicked: the vCPUs and the
// host CPUs (PUs) of the pin its path points at, narrowed for the rules whose trouble is a few
// PUs (PIN002: the shared ones and their vCPUs; PIN007: the reserved ones in use).

import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Layout } from "../layout/schema";
import { idList } from "../cpulist/cpulist";
import { emulatorHostSet, iothreadHostSet, vcpuGuestNodes, vcpuHostSets } from "./resolve";

export interface PinFocus {
  vcpus: number[];
  pus: number[];
}

const sorted = (xs: Iterable<number>) => [...new Set(xs)].sort((a, b) => a - b);

/** The vCPUs and PUs a PIN diagnostic points at; undefined for other diagnostics. */
export function pinFocusOf(d: Diagnostic, layout: Layout): PinFocus | undefined {
  if (!d.code.startsWith("PIN")) return undefined;
  const path = d.at?.path ?? "";
  const sets = vcpuHostSets(layout);
  if (d.code === "PIN002") {
    const owners = new Map<number, number[]>();
    for (const [v, cpus] of sets) for (const c of cpus) owners.set(c, [...(owners.get(c) ?? []), v]);
    const shared = [...owners].filter(([, vs]) => vs.length > 1);
    return { vcpus: sorted(shared.flatMap(([, vs]) => vs)), pus: sorted(shared.map(([c]) => c)) };
  }
  const reserved = new Set(idList(layout.pinning?.reserved));
  const narrow = (f: PinFocus): PinFocus => (d.code === "PIN007" ? { vcpus: f.vcpus.filter((v) => (sets.get(v) ?? []).some((c) => reserved.has(c))), pus: f.pus.filter((c) => reserved.has(c)) } : f);
  const pin = /^pinning\.vcpus\[(\d+)\]/.exec(path);
  if (pin) {
    const p = layout.pinning?.vcpus?.[Number(pin[1])];
    if (!p) return undefined;
    const guestOf = vcpuGuestNodes(layout);
    const vcpus = p.node !== undefined ? [...guestOf].filter(([, g]) => g === p.node).map(([v]) => v) : idList(p.vcpus);
    return narrow({ vcpus: sorted(vcpus), pus: idList(p.hostCpus) });
  }
  if (path.startsWith("pinning.emulator")) return narrow({ vcpus: [], pus: emulatorHostSet(layout) ?? [] });
  const io = /^iothreads\[(\d+)\]/.exec(path);
  const t = io ? layout.iothreads?.[Number(io[1])] : undefined;
  if (t) return narrow({ vcpus: [], pus: iothreadHostSet(layout, t.id) ?? [] });
  if (path.startsWith("pinning.process")) return narrow({ vcpus: sorted(sets.keys()), pus: idList(layout.pinning?.process?.hostCpus) });
  // PIN006 points at a thread-context: its node's vCPUs
  const el = d.at?.element;
  if (el?.kind === "threadContext") {
    const b = layout.backends.find((x) => x.preallocContext === el.id);
    const node = b ? layout.nodes.find((n) => n.memdev === b.id) : undefined;
    const vcpus = idList(node?.cpus);
    return { vcpus, pus: sorted(vcpus.flatMap((v) => sets.get(v) ?? [])) };
  }
  return undefined;
}
