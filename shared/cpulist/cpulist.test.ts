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

  it("property: format then parse gives the same sorted set", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }), (ids) => {
        const r = parseIdList(formatIdList(ids));
        expect(r.ok && r.ids).toEqual([...ids].sort((a, b) => a - b));
      }),
    );
  });
});
