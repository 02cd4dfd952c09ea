import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkLayout } from "../validate/check";
import { parseCommandLine } from "../qemu/parse";
import { topologySchema } from "../topology/schema";
import { blocksRun, runBlockers } from "./gate";

const root = join(import.meta.dirname, "../..");
const seedHost = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/bm-standard2-52.json"), "utf8")));
const check = (line: string, ctx: Parameters<typeof checkLayout>[1]) => checkLayout(parseCommandLine(line).layout, ctx);
const fast = readFileSync(join(root, "shared/qemu/fixtures/seed-fast.sh"), "utf8");

describe("what stops a run", () => {
  it("the console's stdio clash (NUMA045) does not: a run has no console; the missing -smp does", () => {
    const withSmp = check(fast.replace("-m 256G", "-m 256G -smp 104"), { host: seedHost });
    expect(withSmp.map((d) => d.code)).toEqual(["NUMA045"]);
    expect(blocksRun(withSmp)).toBe(false);
    const published = check(fast, { host: seedHost });
    expect(runBlockers(published).map((d) => d.code)).toEqual(["NUMA002"]);
    expect(blocksRun(published)).toBe(true);
  });
});
