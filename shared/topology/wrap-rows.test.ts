import { describe, expect, it } from "vitest";
import { wrapRows } from "./wrap-rows";

describe("wrapRows", () => {
  it("wraps before the item that would pass the row's width, the next row under the tallest of the last", () => {
    const r = wrapRows(
      [
        { w: 40, h: 10 },
        { w: 40, h: 20 },
        { w: 40, h: 10 },
      ],
      90,
      5,
    );
    expect(r.placed.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [45, 0],
      [0, 25],
    ]);
    expect([r.w, r.h]).toEqual([85, 35]);
  });

  it("an item wider than the row still gets a row of its own, and nothing takes no room", () => {
    expect(wrapRows([{ w: 200, h: 5 }], 50, 3).placed[0]).toMatchObject({ x: 0, y: 0 });
    expect(wrapRows([], 50, 3)).toEqual({ placed: [], w: 0, h: 0 });
  });
});
