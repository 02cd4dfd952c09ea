import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatSize, humanSize, parseSize } from "./size";

const bytes = (t: string, unit: "B" | "M" = "B") => {
  const r = parseSize(t, unit);
  if (!r.ok) throw new Error(r.error);
  return r.bytes;
};

describe("QEMU sizes", () => {
  it("reads the seed's spellings 256G and 128g as the same unit", () => {
    expect(bytes("256G")).toBe(256 * 2 ** 30);
    expect(bytes("128g")).toBe(128 * 2 ** 30);
  });

  it("reads libvirt's kibibyte form of -m exactly", () => {
    expect(bytes("24683520k", "M")).toBe(24683520 * 1024);
  });

  it("reads a bare number as bytes for objects and as MiB for -m", () => {
    expect(bytes("1073741824")).toBe(2 ** 30);
    expect(bytes("4096", "M")).toBe(4096 * 2 ** 20);
  });

  it("reads fractions that are whole bytes and refuses those that are not", () => {
    expect(bytes("1.5G")).toBe(1.5 * 2 ** 30);
    const r = parseSize("1.1k");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/whole number of bytes/);
  });

  it("reads hexadecimal byte counts", () => {
    expect(bytes("0x80000000")).toBe(2 ** 31);
  });

  it("refuses sizes beyond what it can hold exactly, instead of rounding", () => {
    for (const t of ["16E", "99999999999999999999", "8P"]) {
      const r = parseSize(t);
      expect(r.ok, t).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/larger than/);
    }
    expect(bytes("7P")).toBe(7 * 2 ** 50);
  });

  it("refuses garbage with a message that shows how to write a size", () => {
    for (const t of ["", "G", "-1G", "4 G", "4GB", "4X", "1e9"]) {
      const r = parseSize(t);
      expect(r.ok, t).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
    }
  });

  it("writes the shortest exact spelling", () => {
    expect(formatSize(128 * 2 ** 30)).toBe("128G");
    expect(formatSize(1536 * 2 ** 20)).toBe("1536M");
    expect(formatSize(1000)).toBe("1000");
    expect(formatSize(1000, "M")).toBe("1000B");
  });

  it("prints sizes for people without losing digits", () => {
    expect(humanSize(20 * 2 ** 20)).toBe("20 MiB");
    expect(humanSize(1.5 * 2 ** 30)).toBe("1.5 GiB");
    expect(humanSize(100 * 2 ** 30)).toBe("100 GiB");
  });

  it("property: every byte count written can be read back to the same bytes, in both contexts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(bytes(formatSize(n))).toBe(n);
        expect(bytes(formatSize(n, "M"), "M")).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it("property: any string gives a size or a message, never an exception or a non-integer", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9.xa-fA-FkKmMgGtTpPeEbB]{0,24}$/)), (s) => {
        const r = parseSize(s);
        if (r.ok) expect(Number.isSafeInteger(r.bytes) && r.bytes >= 0).toBe(true);
        else expect(typeof r.error).toBe("string");
      }),
      { numRuns: 3000 },
    );
  });
});
