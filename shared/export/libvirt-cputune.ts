// The pinning part of the libvirt export: <vcpu cpuset>, <iothreads>/<iothreadids> and
// <cputune> (vcpupin, emulatorpin, iothreadpin), as in libvirt's formatdomain docs and its
// domaincommon.rng (checked with virt-xml-validate in the tests). libvirt numbers I/O threads
// 1..N and names them iothreadN in QEMU; it has no "reserved for the host" set and no SMT
// policy of its own (the pins say it), so those are listed as not expressed.

import type { Layout } from "../layout/schema";
import { formatIdList } from "../cpulist/cpulist";
import { emulatorHostSet, iothreadHostSet, vcpuHostSets } from "../pin/resolve";

export interface CputuneParts {
  /** the cpuset attribute of <vcpu>, or undefined */
  vcpuCpuset?: string;
  /** <iothreads>, <iothreadids> */
  iothreads: string[];
  /** <cputune>…</cputune> */
  cputune: string[];
  notes: string[];
}

export function cputuneParts(layout: Layout): CputuneParts {
  const notes: string[] = [];
  const iothreads: string[] = [];
  const cputune: string[] = [];
  const sets = vcpuHostSets(layout);
  const all = [...new Set([...sets.values()].flat())].sort((a, b) => a - b);
  const vcpuCpuset = all.length > 0 ? formatIdList(all) : undefined;

  const ios = layout.iothreads ?? [];
  if (ios.length > 0) {
    iothreads.push(`<iothreads>${ios.length}</iothreads>`, "<iothreadids>");
    ios.forEach((_, i) => iothreads.push(`  <iothread id='${i + 1}'/>`));
    iothreads.push("</iothreadids>");
    const renamed = ios.map((t, i) => ({ id: t.id, n: i + 1 })).filter((x) => x.id !== `iothread${x.n}`);
    if (renamed.length > 0)
      notes.push(`I/O thread ids (${renamed.map((x) => `${x.id} is libvirt's iothread ${x.n}`).join(", ")}): libvirt names them iothreadN; devices that name them need the new ids`);
    const extras = ios.filter((t) => t.extra && Object.keys(t.extra).length > 0);
    if (extras.length > 0)
      notes.push(`I/O thread properties (${extras.map((t) => `${t.id}: ${Object.keys(t.extra!).join(", ")}`).join("; ")}) go in <iothreadids><iothread><poll> in libvirt ≥ 8.x; not written`);
  }

  const pins: string[] = [];
  for (const [v, cpus] of [...sets].sort((a, b) => a[0] - b[0])) pins.push(`  <vcpupin vcpu='${v}' cpuset='${formatIdList(cpus)}'/>`);
  const emulator = emulatorHostSet(layout);
  if (emulator && emulator.length > 0) pins.push(`  <emulatorpin cpuset='${formatIdList(emulator)}'/>`);
  ios.forEach((t, i) => {
    const set = iothreadHostSet(layout, t.id);
    if (set && set.length > 0) pins.push(`  <iothreadpin iothread='${i + 1}' cpuset='${formatIdList(set)}'/>`);
  });
  if (pins.length > 0) cputune.push("<cputune>", ...pins, "</cputune>");

  const p = layout.pinning;
  if (p?.reserved) notes.push(`host CPUs reserved for the host (${p.reserved}) as such (libvirt leaves that to the host: isolcpus, systemd CPUAffinity=); the pins avoid them`);
  if (p?.dedicated) notes.push("a dedicated design as such (each vCPU alone on its PUs); only the pins say it, and libvirt does not check it");
  return { ...(vcpuCpuset ? { vcpuCpuset } : {}), iothreads, cputune, notes };
}
