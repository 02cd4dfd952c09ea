import { describe, expect, it } from "vitest";
import { copyData } from "./copy";
import { planLayout } from "../plan/planner";
import { labTopology } from "../lab/topology";

describe("copyData", () => {
  it("copies a planned layout deeply: equal, and no object shared with the original", () => {
    const planned = planLayout(labTopology(2), { mem: "256M", vcpus: 2, threads: 2, pin: "cpu" });
    if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
    const l = planned.layout;
    const c = copyData(l);
    expect(c).toEqual(l);
    const objects = (x: unknown, out: object[] = []): object[] => {
      if (typeof x === "object" && x !== null) {
        out.push(x);
        for (const v of Object.values(x)) objects(v, out);
      }
      return out;
    };
    const mine = new Set(objects(l));
    expect(objects(c).filter((o) => mine.has(o))).toEqual([]);
    c.nodes[0]!.cpus = "99";
    expect(l.nodes[0]!.cpus).not.toBe("99");
  });

  it("keeps a __proto__ key as data, never as the copy's prototype", () => {
    const hostile = JSON.parse('{"a": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>;
    const c = copyData(hostile);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect((c as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(c)).toEqual(["a", "__proto__"]);
  });

  it("refuses what is not plain data, and nesting deeper than a layout", () => {
    expect(() => copyData({ when: new Date(0) })).toThrow(/not plain data/);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(() => copyData(deep)).toThrow(/deeper/);
  });
});
