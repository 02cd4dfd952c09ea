// What a size or count typed into a field means, checked as it is typed: the value to apply,
// or the error to show next to the field. An invalid entry is never applied and never dropped
// in silence; the field keeps it and says what is wrong.

import { parseSize, formatSize, type SizeUnit } from "../size/size";
import type { Layout, SmpOpt } from "./schema";

export type FieldResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** A QEMU size: `-m` takes a bare number as MiB (defaultUnit "M"), -object size= as bytes. */
export function sizeField(text: string, defaultUnit: SizeUnit = "B"): FieldResult<{ text: string; bytes: number }> {
  const t = text.trim();
  if (t === "") return { ok: false, error: "give a size, e.g. 4G or 512M" };
  const r = parseSize(t, defaultUnit);
  if (!r.ok) return { ok: false, error: r.error };
  if (r.bytes === 0) return { ok: false, error: "a size of 0 is not a memory size" };
  return { ok: true, value: { text: t, bytes: r.bytes } };
}

/** A whole number in [min, max]; empty means "not set" when `optional`. */
export function countField(text: string, opts: { min: number; max: number; optional?: boolean; what: string }): FieldResult<number | undefined> {
  const t = text.trim();
  // one sentence shape for every count ("-smp cpus", "vCPUs", "threads"): the name, then what it takes
  const takes = `a whole number from ${opts.min} to ${opts.max}`;
  if (t === "") return opts.optional ? { ok: true, value: undefined } : { ok: false, error: `${opts.what}: give ${takes}` };
  if (!/^\d+$/.test(t)) return { ok: false, error: `${opts.what}: '${t}' is not ${takes}` };
  const n = Number(t);
  if (n < opts.min || n > opts.max) return { ok: false, error: `${opts.what}: ${t} is not ${takes}` };
  return { ok: true, value: n };
}

/** -m SIZE, as typed (a bare number is MiB, as with QEMU). */
export function setMemorySize(layout: Layout, text: string): FieldResult<Layout> {
  const r = sizeField(text, "M");
  if (!r.ok) return r;
  return { ok: true, value: { ...layout, memory: { ...(layout.memory ?? {}), size: r.value.text } } };
}

export const SMP_FIELDS = ["cpus", "sockets", "cores", "threads", "maxcpus"] as const;
export type SmpField = (typeof SMP_FIELDS)[number];

/** One -smp property, as typed; empty removes it (QEMU then derives it from the others). */
export function setSmpField(layout: Layout, field: SmpField, text: string): FieldResult<Layout> {
  // QEMU 7.2 accepts counts up to its machine's max_cpus; 65536 is the schema's bound
  const r = countField(text, { min: 1, max: 65536, optional: field !== "cpus", what: `-smp ${field}` });
  if (!r.ok) return r;
  const smp: SmpOpt = { ...(layout.smp ?? {}) };
  if (r.value === undefined) delete smp[field];
  else smp[field] = r.value;
  return { ok: true, value: { ...layout, smp } };
}

/** The memory a text field shows for -m: as written, or QEMU's default. */
export function memoryText(layout: Layout): string {
  return layout.memory?.size ?? formatSize(128 * 2 ** 20, "M");
}
