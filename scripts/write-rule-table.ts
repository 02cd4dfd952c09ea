// Writes README.md's table of validation codes from the rules' metadata (the single source),
// between the README's rule-table marker comments.
//   npm run rules:table
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RULE_CODES } from "../shared/validate/rules/registry";
import { replaceRuleTable, ruleTable, TABLE_END, TABLE_START } from "../shared/validate/rules/code-table";

const readme = join(import.meta.dirname, "../README.md");
const text = replaceRuleTable(readFileSync(readme, "utf8"), ruleTable(RULE_CODES));
if (text === undefined) {
  console.error(`README.md has no place for the table: put ${TABLE_START} and ${TABLE_END} on lines of their own where it goes`);
  process.exit(1);
}
writeFileSync(readme, text);
