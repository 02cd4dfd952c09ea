import { describe, expect, it } from "vitest";
import { spreadOf } from "./stats";

describe("benchmark statistics", () => {
  it("takes the median of odd and even counts and the relative spread", () => {
    expect(spreadOf([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3, spread: 1 });
    expect(spreadOf([4, 1, 2, 3])?.median).toBe(2.5);
    expect(spreadOf([])).toBeUndefined();
  });
});
