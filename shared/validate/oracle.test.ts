// The checker against the oracle: every line of the corpus, recorded with the real QEMU
// (npm run oracle:record), checked on the recorded host with the recorded QEMU version.
// Policy (README, "Checker agreement"): an error must mean QEMU refused the line, or be a
// labelled policy error; everything QEMU refuses gets at least one error.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { corpusSchema } from "./oracle/corpus";
import { agreementTable, formatAgreement, judge } from "./oracle/agreement";
import { policyOf } from "./policy";
import { ruleMeta } from "./rules/registry";

const root = join(import.meta.dirname, "../..");
const corpus = corpusSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "oracle/corpus.json"), "utf8")));
const judged = corpus.entries.map((e) => judge(corpus, e));
const table = formatAgreement(agreementTable(judged));

describe("the oracle corpus", () => {
  it("has at least 150 recorded lines, both verdicts, q35 and pc, both -object syntaxes", () => {
    expect(corpus.entries.length).toBeGreaterThanOrEqual(150);
    expect(corpus.entries.every((e) => e.record !== undefined)).toBe(true);
    expect(corpus.host?.nodes.length).toBeGreaterThan(0);
    const lines = corpus.entries.map((e) => e.line);
    expect(lines.some((l) => /-machine pc[ ,]/.test(l))).toBe(true);
    expect(lines.some((l) => /-object '\{"qom-type"/.test(l))).toBe(true);
    expect(lines.some((l) => /-object memory-backend-ram,/.test(l))).toBe(true);
    expect(judged.filter((j) => j.verdict === "accepted").length).toBeGreaterThan(50);
    expect(judged.filter((j) => j.verdict === "refused").length).toBeGreaterThan(50);
  });

  it("every line stays within 512 MiB of guest RAM", () => {
    for (const e of corpus.entries) {
      // hugetlbsize= is a page size, not memory
      for (const m of e.line.matchAll(/(?:-m |-m size=|,size=|maxmem=|"size":)(\d+)([kKMG]?)/g)) {
        const n = Number(m[1]) * ({ k: 1 / 1024, K: 1 / 1024, M: 1, G: 1024, "": m[0].startsWith("-m") ? 1 : 1 / 2 ** 20 }[m[2]!] ?? 1);
        expect(n, `${e.id}: ${m[0]}`).toBeLessThanOrEqual(512);
      }
    }
  });

  it("the checker agrees with QEMU on every line (policy errors labelled)", () => {
    console.log(`checker agreement with QEMU ${corpus.qemuVersion} on ${corpus.host?.name}:\n${table}`);
    const wrong = judged.filter((j) => !j.agree).map((j) => `${j.entry.id}: ${j.why}`);
    if (wrong.length) console.log(`disagreements (${wrong.length}):\n${wrong.join("\n")}`);
    expect(wrong).toEqual([]);
  });

  it("an error on a line QEMU accepts is a policy code's, and its text says which policy", () => {
    let seen = 0;
    for (const j of judged.filter((x) => x.verdict === "accepted")) {
      for (const d of j.errors) {
        seen++;
        expect(ruleMeta(d.code)?.policy, `${j.entry.id}: ${d.code}`).toBe(true);
        expect(policyOf(d.message), `${j.entry.id}: ${d.message}`).toBeDefined();
      }
    }
    // the corpus has such lines (host-nodes=0-1, node-affinity=0-1 on the 1-node host)
    expect(seen).toBeGreaterThanOrEqual(4);
  });

  it("only policy codes use the policy phrases", () => {
    for (const j of judged) for (const d of [...j.errors]) if (policyOf(d.message) !== undefined) expect(ruleMeta(d.code)?.policy, d.code).toBe(true);
  });

  it("what the checker quotes from QEMU is what QEMU printed for the corpus", () => {
    const printed = corpus.entries.map((e) => e.record!.stderr).join("\n");
    const quotes = judged.flatMap((j) =>
      j.errors.flatMap((d) =>
        [...d.message.matchAll(/(?:QEMU(?: [\d.]+)? says|QEMU:|QEMU refuses it \(|QEMU fails with|QEMU fails at start \()\s*"([^"]+)"/g)].map((m) => ({ id: j.entry.id, code: d.code, text: m[1]! })),
      ),
    );
    // "…" stands for what varies (sizes, ids); the rest must be QEMU's words
    const real = (text: string) =>
      new RegExp(
        text
          .split("…")
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*"),
      ).test(printed);
    const invented = quotes.filter((q) => !real(q.text)).map((q) => `${q.id} ${q.code}: "${q.text}"`);
    const sameLine = quotes.filter((q) => {
      const e = corpus.entries.find((x) => x.id === q.id)!;
      return new RegExp(
        q.text
          .split("…")
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*"),
      ).test(e.record!.stderr);
    }).length;
    console.log(`QEMU quoted in ${quotes.length} error messages; ${sameLine} quote what QEMU printed for that very line`);
    expect(quotes.length).toBeGreaterThan(50);
    expect(invented).toEqual([]);
  });

  it("the README shows this agreement table", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).toContain(table);
  });

  it("every refusal maps to its element, or says it concerns the whole line", () => {
    const refusals = judged.filter((j) => j.verdict === "refused");
    const named = refusals.filter((j) => j.mapped !== "line").length;
    const wrong = refusals.filter((j) => j.mapped !== j.expected).map((j) => `${j.entry.id}: mapped to ${j.mapped}, should be ${j.expected}`);
    console.log(`error mapping: ${refusals.length} refusals, ${named} mapped to an element, ${refusals.length - named} to the whole line; ${wrong.length} wrong`);
    expect(wrong).toEqual([]);
  });
});
