import { describe, expect, it } from "vitest";
import { runsOnTarget } from "./history";

const rows = [
  { id: "a", hostName: "lab: 2 nodes", fingerprint: "f1" },
  { id: "b", hostName: "box", fingerprint: "f2" },
  { id: "c", hostName: "box", fingerprint: "f3" },
];

describe("runs on a target", () => {
  it("keeps the runs that ran on the target", () => {
    expect(runsOnTarget(rows, { name: "box" }).map((r) => r.id)).toEqual(["b", "c"]);
    expect(runsOnTarget(rows, { name: "box", fingerprint: "f3" }).map((r) => r.id)).toEqual(["c"]);
    expect(runsOnTarget(rows, { name: "bm-standard2-52" })).toEqual([]);
    expect(runsOnTarget(rows, undefined)).toHaveLength(3);
  });
});
