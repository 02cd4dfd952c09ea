// The pins of a lab job, as the lab sampler reads them (electron/lab/labsampler.c): one
// "<cpulist> <thread name>" per line, "-" for a thread the design leaves alone, "*" for the
// emulator's set. The inner QEMU runs with TCG and -name debug-threads=on, so QEMU 7.2 names
// vCPU threads "CPU N/TCG" and I/O threads "IO <id>" cut to 15 bytes (pin-report.ts).

import type { Layout } from "../layout/schema";
import { formatIdList } from "../cpulist/cpulist";
import { smpMaxCpus } from "../qemu/prealloc";
import { designedSet, hasPinning } from "../run/pin-report";

/** The lab sampler's pin file for a layout; undefined when the layout pins nothing. */
export function labPinLines(layout: Layout): string | undefined {
  if (!hasPinning(layout)) return undefined;
  const line = (set: readonly number[] | undefined, name: string) => `${set && set.length > 0 ? formatIdList(set) : "-"} ${name}`;
  const lines: string[] = [];
  for (let v = 0; v < smpMaxCpus(layout.smp); v++) lines.push(line(designedSet(layout, "vcpu", v), `CPU ${v}/TCG`));
  for (const t of layout.iothreads ?? []) {
    // designedSet looks I/O threads up by the name the kernel keeps (15 bytes), as read back
    const name = `IO ${t.id}`.slice(0, 15);
    lines.push(line(designedSet(layout, "iothread", name.slice(3)), name));
  }
  lines.push(line(designedSet(layout, "emulator", undefined), "*"));
  return lines.join("\n") + "\n";
}
