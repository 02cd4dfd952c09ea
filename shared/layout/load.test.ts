import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadLayoutText, loadLayoutValue, layoutToText } from "./load";
import { LAYOUT_VERSION, layoutSchema } from "./schema";
import { generateArgs } from "../qemu/generate";
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
  it.each(saved)("loads %s, a file of version 1, as version 2 with the same command line", (name) => {
    const text = readFileSync(join(dir, name), "utf8");
    const r = loadLayoutText(text);
    expect(r.ok && r.migratedFrom).toBe(1);
    if (!r.ok) return;
    expect(r.layout.version).toBe(LAYOUT_VERSION);
    // the migrated layout saves as version 2 and loads again unchanged
    const again = loadLayoutText(layoutToText(r.layout));
    expect(again.ok && layoutToText(again.layout)).toBe(layoutToText(r.layout));
    // what version 1 would have exported (its passthrough args in place) is still the line
    const v1 = JSON.parse(text);
    const v1Args = [...v1.args.map((a: { at: number; tokens: string[] }) => a), ...["memory", "smp"].filter((k) => v1[k]?.origin).map((k) => v1[k].origin)]
      .sort((a: { at: number }, b: { at: number }) => a.at - b.at)
      .flatMap((a: { tokens: string[] }) => a.tokens);
    if (v1.nodes.length === 0 && v1.backends.length === 0) expect(generateArgs(r.layout)).toEqual(v1Args);
  });

  it("turns a version-1 file's -object iothread arguments into I/O threads that can be pinned", () => {
    const r = loadLayoutText(readFileSync(join(dir, "v1-iothreads.numadesk.json"), "utf8"));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.layout.iothreads?.map((t) => t.id)).toEqual(["io0", "iothread1"]);
    expect(r.layout.iothreads?.[0]?.extra).toEqual({ "poll-max-ns": "32768" });
    expect(r.layout.args.map((a) => a.tokens[0])).toEqual(["-nographic"]);
    expect(generateArgs(r.layout)).toEqual(["-m", "256M", "-smp", "2", "-object", "iothread,id=io0,poll-max-ns=32768", "-object", '{"qom-type":"iothread","id":"iothread1"}', "-nographic"]);
  });

  it("keeps a version-2 file's pinning", () => {
    const doc = {
      ...plan(),
      version: 2,
      pinning: {
        vcpus: [
          { node: 0, hostCpus: "0-25,52-77" },
          { vcpus: "3", hostCpus: "3" },
        ],
        emulator: "100-103",
        smt: "siblings",
      },
    };
    const r = loadLayoutValue(doc);
    expect(r.ok && r.layout.pinning?.vcpus?.length).toBe(2);
    expect(problems({ ...doc, pinning: { vcpus: [{ node: 0, vcpus: "1", hostCpus: "1" }] } })[0]!.message).toMatch(/either a guest node or vCPUs/);
    expect(problems({ ...doc, pinning: { emulator: "3-1" } })[0]!.at?.path).toBe("$.pinning.emulator");
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
