// What a QEMU command line cannot say about the layout's pins. QEMU 7.2 has no option that pins a
// vCPU, emulator or I/O thread (a leading `taskset` pins the whole process, every thread alike),
// so the line, its shell script and its argv leave per-thread pins out; the launch script
// (taskset on each thread after -S) and libvirt's <cputune> carry them.

import type { Layout } from "../layout/schema";
import { vcpuHostSets } from "../pin/resolve";
import { parseIdList } from "../cpulist/cpulist";

const idList = (text: string): number[] => {
  const r = parseIdList(text);
  return r.ok ? r.ids : [];
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A sentence saying which pins the command line leaves out and where to find them, or undefined when it leaves none out. */
export function pinsLeftOut(layout: Layout): string | undefined {
  const p = layout.pinning;
  if (!p) return undefined;
  const parts: string[] = [];
  // a leading taskset (pinning.process) is on the line, and is every vCPU's set unless a pin says otherwise
  const whole = p.process ? idList(p.process.hostCpus).join(",") : undefined;
  const vcpus = p.vcpus?.length ? [...vcpuHostSets(layout).values()].filter((s) => s.join(",") !== whole).length : 0;
  if (vcpus) parts.push(`${plural(vcpus, "vCPU")}`);
  if (p.emulator !== undefined) parts.push("the emulator thread");
  const io = (layout.iothreads ?? []).filter((t) => t.hostCpus !== undefined).length;
  if (io) parts.push(plural(io, "I/O thread"));
  if (!parts.length) return undefined;
  const what = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return `QEMU has no option that pins a thread: this line leaves out the pins of ${what}. The launch script (it pins each thread with taskset before the guest runs) and libvirt XML (<cputune>) keep them.`;
}
