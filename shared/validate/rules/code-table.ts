// The README's table of validation codes, written from the rules' metadata so the two cannot
// drift. scripts/write-rule-table.ts puts it between the README's marker comments; a test
// checks the README holds what it would write.

import type { RuleMeta } from "./rule";

export const TABLE_START = "<!-- rule-table:start (written by `npm run rules:table` from shared/validate/rules/; do not edit) -->";
export const TABLE_END = "<!-- rule-table:end -->";

const cell = (text: string) => text.replaceAll("|", "\\|");

function qemuCell(m: RuleMeta): string {
  const parts = [m.qemu?.min !== undefined ? `≥ ${m.qemu.min}` : "", m.qemu?.max !== undefined ? `< ${m.qemu.max}` : ""].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "any";
}

export function ruleTable(codes: readonly RuleMeta[]): string {
  const rows = codes.map((m) => [m.code, m.severityVaries ? `${m.severity} (varies)` : m.severity, cell(m.title), m.concern, qemuCell(m), m.policy ? "yes" : ""].join(" | "));
  return ["| code | severity | what it finds | concern | QEMU | policy |", "|---|---|---|---|---|---|", ...rows.map((r) => `| ${r} |`)].join("\n");
}

/** `text` with the part between the markers replaced by `table`; undefined without markers. */
export function replaceRuleTable(text: string, table: string): string | undefined {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return `${text.slice(0, start + TABLE_START.length)}\n${table}\n${text.slice(end)}`;
}
