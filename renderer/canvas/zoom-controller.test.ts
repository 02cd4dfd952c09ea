// Fitting the host into the canvas: whole, centred, never blown up past the fit limit.

import { describe, expect, it } from "vitest";
import { fitTransform, MAX_FIT_SCALE } from "./zoom-controller";

describe("fitTransform", () => {
  it("scales wide content to the width and centres it vertically", () => {
    const t = fitTransform({ width: 1000, height: 200 }, { width: 516, height: 400 }, 8);
    expect(t.k).toBeCloseTo(0.5);
    expect(t.x).toBeCloseTo(8);
    expect(t.y).toBeCloseTo((400 - 100) / 2);
  });
  it("scales tall content to the height", () => {
    const t = fitTransform({ width: 100, height: 1000 }, { width: 800, height: 516 }, 8);
    expect(t.k).toBeCloseTo(0.5);
    expect(t.x).toBeCloseTo((800 - 50) / 2);
  });
  it("does not blow a tiny host up beyond the limit", () => {
    expect(fitTransform({ width: 10, height: 10 }, { width: 800, height: 600 }).k).toBe(MAX_FIT_SCALE);
  });
});
