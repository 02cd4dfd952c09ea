import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatIdList, parseIdList } from "./cpulist";

describe("cpulists", () => {
  it("reads the seed host's node 0 list from lscpu", () => {
    const r = parseIdList("0-25,52-77");
    expect(r.ok && r.ids.length).toBe(52);
    expect(r.ok && r.ids[26]).toBe(52);
  });

  it("writes ranges back in the kernel's form", () => {
    expect(formatIdList([0, 1, 2, 3, 8, 10, 11])).toBe("0-3,8,10-11");
    expect(formatIdList([])).toBe("");
  });

  it("refuses backwards ranges and huge indexes instead of expanding them", () => {
    expect(parseIdList("5-3").ok).toBe(false);
    const r = parseIdList("0-1000000000");
    expect(r.ok).toBe(false);
  });

  it("calls a range too large a range too large, not 'not a number' (hostile's finding: cpus=0-4294967295), with the index as written, cut", () => {
    expect(parseIdList("0-4294967295", "cpus")).toEqual({ ok: false, error: "cpus '0-4294967295' names index 4294967295, above the limit 65535" });
    expect(parseIdList("0000070000")).toEqual({ ok: false, error: "list '0000070000' names index 70000, above the limit 65535" });
    const r = parseIdList(`1-${"9".repeat(40)}`);
    expect(!r.ok && r.error).toMatch(/names index 999999999999…, above the limit/);
    expect(parseIdList("1-x").ok).toBe(false);
    expect(!parseIdList("1-x").ok && (parseIdList("1-x") as { error: string }).error).toMatch(/is not a number or a range like 0-3/);
  });

  it("property: any list, in order or not, overlapping or not, parses to its sorted set of ids", () => {
    // the parser takes lists written in order without a set; one out of order must still come out sorted and once each
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 12 }), (parts) => {
        const text = parts.map(([a, n]) => (n === 0 ? String(a) : `${a}-${a + n}`)).join(",");
        const want = [...new Set(parts.flatMap(([a, n]) => Array.from({ length: n + 1 }, (_, k) => a + k)))].sort((x, y) => x - y);
        const r = parseIdList(text);
        expect(r.ok && r.ids).toEqual(want);
        expect(formatIdList(r.ok ? r.ids : [])).toBe(formatIdList([...want].reverse()));
      }),
    );
    expect(parseIdList("4,2,3-5,1").ok && (parseIdList("4,2,3-5,1") as { ids: number[] }).ids).toEqual([1, 2, 3, 4, 5]);
    expect(formatIdList([5, 3, 3, 4, 0])).toBe("0,3-5");
  });

  it("property: format then parse gives the same sorted set", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }), (ids) => {
        const r = parseIdList(formatIdList(ids));
        expect(r.ok && r.ids).toEqual([...ids].sort((a, b) => a - b));
      }),
    );
  });
});
