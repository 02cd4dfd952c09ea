// Measure the checker against the oracle corpus: for every recorded line, what QEMU did and
// what Numadesk's import and checker say on the recorded host with the recorded QEMU version,
// judged under the policy in policy.ts, and whether QEMU's error maps to the right element.

import { parseCommandLine } from "../../qemu/parse";
import { explainQemuError } from "../../qemu/errors";
import type { Diagnostic } from "../../diagnostics/diagnostic";
import type { Layout } from "../../layout/schema";
import { checkLayout } from "../check";
import { policyOf } from "../policy";
import { ruleMeta } from "../rules/registry";
import type { Corpus, CorpusEntry } from "./corpus";

export interface Judged {
  entry: CorpusEntry;
  verdict: "accepted" | "refused";
  /** errors from import and checker */
  errors: Diagnostic[];
  /** errors that are not labelled policy errors (a policy phrase in the text of a code whose metadata says policy) */
  plainErrors: Diagnostic[];
  agree: boolean;
  /** why not, in one line */
  why?: string;
  /** refusals: where Numadesk's mapping of QEMU's error points ("line" when nowhere) and where it should */
  mapped?: string;
  expected?: string;
}

/** Resolve "arg:TEXT" to the passthrough argument holding that token. */
export function resolveElement(element: string, layout: Layout): string {
  if (!element.startsWith("arg:")) return element;
  const text = element.slice(4);
  const i = layout.args.findIndex((a) => a.tokens.includes(text));
  return i >= 0 ? `args[${i}]` : `missing ${element}`;
}

export function judge(corpus: Corpus, entry: CorpusEntry): Judged {
  const record = entry.record!;
  const { layout, diagnostics } = parseCommandLine(entry.line);
  const ctx = { host: corpus.host, ...(corpus.memPaths ? { memPaths: corpus.memPaths } : {}), qemu: { version: record.qemuVersion, ...(corpus.qemuHelp ? { help: corpus.qemuHelp } : {}) } };
  const all = [...diagnostics, ...checkLayout(layout, ctx)];
  const errors = all.filter((d) => d.severity === "error");
  const plainErrors = errors.filter((d) => policyOf(d.message) === undefined || ruleMeta(d.code)?.policy !== true);
  const j: Judged = { entry, verdict: record.verdict, errors, plainErrors, agree: true };
  if (record.verdict === "accepted" && plainErrors.length > 0) {
    j.agree = false;
    j.why = `QEMU accepts it; Numadesk says ${plainErrors.map((d) => `${d.code} ${d.message}`).join(" | ")}`;
  }
  if (record.verdict === "refused") {
    if (errors.length === 0) {
      j.agree = false;
      j.why = `QEMU refuses it (${record.stderr.split("\n").find((l) => !/warning:/.test(l)) ?? record.stderr}); Numadesk has no error${all.length ? ` (only ${all.map((d) => d.code).join(", ")})` : ""}`;
    }
    const e = explainQemuError(record.stderr, layout, corpus.host);
    j.mapped = e?.path ?? "line";
    j.expected = entry.element === undefined ? "line" : resolveElement(entry.element, layout);
  }
  return j;
}

export interface ClassRow {
  cls: string;
  lines: number;
  accepted: number;
  refused: number;
  agree: number;
  falseErrors: number;
  missed: number;
}

export function agreementTable(judged: readonly Judged[]): ClassRow[] {
  const rows = new Map<string, ClassRow>();
  const total: ClassRow = { cls: "all", lines: 0, accepted: 0, refused: 0, agree: 0, falseErrors: 0, missed: 0 };
  for (const j of judged) {
    const cls = j.entry.class;
    const r = rows.get(cls) ?? { cls, lines: 0, accepted: 0, refused: 0, agree: 0, falseErrors: 0, missed: 0 };
    for (const x of [r, total]) {
      x.lines++;
      if (j.verdict === "accepted") x.accepted++;
      else x.refused++;
      if (j.agree) x.agree++;
      else if (j.verdict === "accepted") x.falseErrors++;
      else x.missed++;
    }
    rows.set(cls, r);
  }
  return [...rows.values(), total];
}

const pct = (a: number, b: number) => (b === 0 ? "–" : `${((100 * a) / b).toFixed(1).replace(/\.0$/, "")} %`);

/** The table as Markdown, as the README shows it. */
export function formatAgreement(rows: readonly ClassRow[]): string {
  const out = ["| class | lines | QEMU accepts | QEMU refuses | checker agrees | error on an accepted line | no error on a refused line |", "|---|---|---|---|---|---|---|"];
  for (const r of rows) {
    const name = r.cls === "all" ? "**all**" : r.cls;
    out.push(`| ${name} | ${r.lines} | ${r.accepted} | ${r.refused} | ${r.agree} (${pct(r.agree, r.lines)}) | ${r.falseErrors} | ${r.missed} |`);
  }
  return out.join("\n");
}
