// Sizes and counts typed into fields: each entry is either a value to apply or an error to
// show next to the field, never dropped in silence.

import { describe, expect, it } from "vitest";
import { countField, setMemorySize, setSmpField, sizeField } from "./fields";
import { emptyLayout } from "./schema";

describe("fields", () => {
  it("a size takes QEMU's suffixes; -m reads a bare number as MiB", () => {
    expect(sizeField("128G")).toEqual({ ok: true, value: { text: "128G", bytes: 128 * 2 ** 30 } });
    expect(sizeField("512", "M")).toEqual({ ok: true, value: { text: "512", bytes: 512 * 2 ** 20 } });
  });
  it("an empty, zero or misspelt size is an error with words, not a no-op", () => {
    expect(sizeField("  ").ok).toBe(false);
    expect(sizeField("0G")).toEqual({ ok: false, error: "a size of 0 is not a memory size" });
    const r = sizeField("12 gigs");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
  });
  it("a count is a whole number in range; empty unsets an optional one", () => {
    expect(countField("4", { min: 1, max: 8, what: "n" })).toEqual({ ok: true, value: 4 });
    expect(countField("", { min: 1, max: 8, optional: true, what: "n" })).toEqual({ ok: true, value: undefined });
    expect(countField("9", { min: 1, max: 8, what: "n" })).toEqual({ ok: false, error: "n: 9 is not a whole number from 1 to 8" });
    expect(countField("2.5", { min: 1, max: 8, what: "n" })).toEqual({ ok: false, error: "n: '2.5' is not a whole number from 1 to 8" });
    expect(countField(" ", { min: 1, max: 8, what: "vCPUs" })).toEqual({ ok: false, error: "vCPUs: give a whole number from 1 to 8" });
  });
  it("-m and -smp edits change only their property", () => {
    const l = emptyLayout("1G");
    const m = setMemorySize(l, "4G");
    expect(m.ok && m.value.memory?.size).toBe("4G");
    const s = setSmpField(l, "threads", "2");
    expect(s.ok && s.value.smp).toEqual({ threads: 2 });
    const cleared = s.ok ? setSmpField(s.value, "threads", "") : undefined;
    expect(cleared?.ok && cleared.value.smp).toEqual({});
    expect(setSmpField(l, "cpus", "").ok).toBe(false);
  });
});
