import { describe, expect, it } from "vitest";
import { elapsedText, gibPerSecond, runPhase } from "./phase";

describe("run phase", () => {
  it("names what a run is doing", () => {
    expect(runPhase("idle", undefined)).toBeUndefined();
    expect(runPhase("starting", undefined)).toBe("starting");
    expect(runPhase("running", undefined)).toBe("preallocating");
    expect(runPhase("running", 420)).toBe("preallocated");
    // a lab run preparing or booting its guest is not preallocating yet (the app said so for 25 s)
    expect(runPhase("running", undefined, true)).toBe("booting the lab");
    expect(runPhase("cancelled", undefined)).toBe("cancelled");
    expect(runPhase("done", 420)).toBe("done");
  });
  it("writes elapsed times", () => {
    expect(elapsedText(430)).toBe("0.4 s");
    expect(elapsedText(125_000)).toBe("2 min 05 s");
  });
  it("gives no rate to a run that did not finish", () => {
    expect(gibPerSecond(2 ** 30, 500, "ok")).toBe(2);
    expect(gibPerSecond(2 ** 30, 500, "cancelled")).toBeUndefined();
    expect(gibPerSecond(2 ** 30, undefined, "ok")).toBeUndefined();
  });
});
