import { describe, expect, it } from "vitest";
import { cellFont, digitsOf, READABLE_PX } from "./label-size";

describe("numbers in cells", () => {
  it("keep their base size when the fit draws them readable anyway", () => {
    expect(cellFont(10, 1.2, 24, 17, 3)).toEqual({ font: 10, px: 12 });
  });

  it("grow so the fit draws them at READABLE_PX when the cell has room (the EPYC sample at 1280×800: k 0.79, two digits)", () => {
    const f = cellFont(10, 0.79, 24, 17, 2);
    expect(f.px).toBeGreaterThanOrEqual(READABLE_PX);
    expect(f.font).toBeLessThanOrEqual(17 * 0.88);
  });

  it("stop at what the cell holds: three digits in a 24-unit cell at a small zoom stay inside it", () => {
    const f = cellFont(10, 0.5, 24, 17, 3);
    expect(f.font * 3 * 0.62).toBeLessThanOrEqual(21);
    expect(f.px).toBeLessThan(READABLE_PX);
  });

  it("counts digits", () => {
    expect([0, 9, 10, 103, 1023].map(digitsOf)).toEqual([1, 1, 2, 3, 4]);
  });
});
