import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RULE_CODES } from "./registry";
import { replaceRuleTable, ruleTable, TABLE_END, TABLE_START } from "./code-table";
import type { RuleMeta } from "./rule";

const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");

describe("the README's table of validation codes", () => {
  it("is what npm run rules:table writes from the registry (run it after changing a rule's metadata)", () => {
    expect(replaceRuleTable(readme, ruleTable(RULE_CODES))).toBe(readme);
  });

  it("has a row for every registered code", () => {
    const section = readme.slice(readme.indexOf(TABLE_START), readme.indexOf(TABLE_END));
    const rows = [...section.matchAll(/^\| ([A-Z]+\d{3}) \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(RULE_CODES.map((m) => m.code));
  });

  it("shows a code's QEMU range, varying severity, policy mark and a | in its title", () => {
    const meta: RuleMeta = { code: "NUMA999", severity: "warning", severityVaries: true, title: "a | b", concern: "memory", qemu: { min: "7.2", max: "9.0" }, policy: true };
    expect(ruleTable([meta]).split("\n")[2]).toBe("| NUMA999 | warning (varies) | a \\| b | memory | ≥ 7.2, < 9.0 | yes |");
  });

  it("cannot be placed in a README without its markers", () => {
    expect(replaceRuleTable("# no table here\n", "| x |")).toBeUndefined();
  });
});
