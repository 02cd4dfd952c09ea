import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadLayoutText, loadLayoutValue, layoutToText } from "./load";
import { layoutSchema } from "./schema";
import { z } from "zod";

const dir = join(import.meta.dirname, "fixtures");
const saved = readdirSync(dir).filter((f) => f.endsWith(".numadesk.json"));
const plan = () => JSON.parse(readFileSync(join(dir, "v1-plan.numadesk.json"), "utf8"));

function problems(value: unknown) {
  const r = loadLayoutValue(value);
  if (r.ok) throw new Error("expected the load to fail");
  return r.diagnostics;
}

describe("loading saved layouts", () => {
  it.each(saved)("loads %s, a file of a past version, and saves it back unchanged", (name) => {
    const text = readFileSync(join(dir, name), "utf8");
    const r = loadLayoutText(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(layoutToText(r.layout)).toBe(text);
  });

  it("refuses a file without a version, pointing at $.version", () => {
    const doc = plan();
    delete doc.version;
    expect(problems(doc)[0]).toMatchObject({ code: "LOAD002", at: { path: "$.version" } });
  });

  it("refuses a newer version and asks for an update", () => {
    expect(problems({ ...plan(), version: 9 })[0]!.message).toMatch(/newer than this Numadesk reads/);
  });

  it("names the JSON path of a wrong type", () => {
    const doc = plan();
    doc.backends[1].preallocThreads = "eight";
    expect(problems(doc)[0]).toMatchObject({ code: "LOAD004", at: { path: "$.backends[1].preallocThreads" } });
  });

  it("names the JSON path of a bad size and says what a size looks like", () => {
    const doc = plan();
    doc.backends[0].size = "12 gigs";
    const d = problems(doc)[0]!;
    expect(d.at?.path).toBe("$.backends[0].size");
    expect(d.message).toMatch(/suffix K, M, G or T/);
  });

  it("names a dangling reference", () => {
    const doc = plan();
    doc.backends[0].preallocContext = "tc7";
    doc.nodes[1].memdev = "nowhere";
    const paths = problems(doc).map((d) => d.at?.path);
    expect(paths).toEqual(["$.nodes[1].memdev", "$.backends[0].preallocContext"]);
  });

  it("refuses unknown fields, which are usually typos", () => {
    const doc = plan();
    doc.backends[0].prealocThreads = 4;
    expect(problems(doc)[0]!.at?.path).toBe("$.backends[0]");
  });

  it("gives the line and column of a JSON syntax error", () => {
    const r = loadLayoutText('{\n  "version": 1,\n  "memory": {"size": "1G",}\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0]).toMatchObject({ code: "LOAD001", at: { line: 3 } });
  });

  it("property: random JSON values never throw, and give a path when they fail", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ version: fc.constant(1), memory: fc.jsonValue(), nodes: fc.jsonValue() })), (v) => {
        const r = loadLayoutValue(v);
        if (!r.ok) for (const d of r.diagnostics) expect(d.at?.path).toMatch(/^\$/);
      }),
      { numRuns: 1000 },
    );
  });

  it("the published JSON Schema is the one the code checks with", () => {
    const published = JSON.parse(readFileSync(join(import.meta.dirname, "../../schema/layout.schema.json"), "utf8"));
    const { $id: _id, title: _title, ...rest } = published;
    expect(rest).toEqual(JSON.parse(JSON.stringify(z.toJSONSchema(layoutSchema, { io: "input", unrepresentable: "any" }))));
  });
});
