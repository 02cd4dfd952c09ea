import { describe, expect, it } from "vitest";
import { lineExportRefusal } from "./line-bound";
import { generateArgv, generateShellLine } from "../qemu/generate";
import { parseCommandLine } from "../qemu/parse";
import { MAX_COMMAND_WORDS, tokenize } from "../qemu/tokenize";
import { layoutToText, loadLayoutText } from "../layout/load";
import { emptyLayout, layoutSchema, type Layout } from "../layout/schema";

/** n preallocated backends on 2 host nodes, each the memory of its own guest node, each preallocated by its own thread-context when `contexts`. */
function wide(n: number, contexts: boolean): Layout {
  const l = emptyLayout(`${n}M`);
  l.smp = { cpus: 1 };
  for (let i = 0; i < n; i++) {
    if (contexts) l.threadContexts.push({ id: `t${i}`, nodeAffinity: String(i % 2) });
    l.backends.push({ id: `m${i}`, type: "ram", size: "1M", hostNodes: String(i % 2), policy: "bind", prealloc: true, ...(contexts ? { preallocContext: `t${i}` } : {}) });
    l.nodes.push({ nodeid: i, memdev: `m${i}` });
  }
  return layoutSchema.parse(l);
}

/** The layout's meaning: no imported text, no positions. */
const meaning = (l: Layout) => JSON.parse(JSON.stringify(l, (k, v) => (k === "origin" || k === "at" || k === "qemu" ? undefined : v)));

describe("the command-line export and the paste importer hold one bound", () => {
  it("the schema's extreme (4096 backends, guest nodes and thread-contexts) is refused as a line with the count, and round-trips as a layout file", () => {
    const extreme = wide(4096, true);
    const words = generateArgv(extreme).length;
    expect(words).toBeGreaterThan(MAX_COMMAND_WORDS);
    expect(lineExportRefusal(extreme)).toBe(
      `this layout's command line has ${words} words, more than the 10000 Numadesk reads back from a paste, so it could not be imported again: save the layout as a file (layout JSON keeps every element), or make it smaller`,
    );
    // what the export refuses, the importer refuses too
    expect(parseCommandLine(generateShellLine(extreme)).diagnostics.map((d) => d.code)).toContain("PARSE001");
    const back = loadLayoutText(layoutToText(extreme));
    expect(back.ok).toBe(true);
    expect(back.ok && back.layout).toEqual(extreme);
  });

  it("the largest layout of backends and guest nodes under the bound exports and pastes back to the same layout", () => {
    // 2 words per backend and per guest node, plus the binary, -m and -smp: 5 words
    const n = Math.floor((MAX_COMMAND_WORDS - 5) / 4);
    const big = wide(n, false);
    expect(generateArgv(big).length).toBe(4 * n + 5);
    expect(lineExportRefusal(big)).toBeUndefined();
    const r = parseCommandLine(generateShellLine(big));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(meaning(r.layout)).toEqual(meaning(big));
    // one backend more (with its guest node) crosses it, and both sides say so
    const over = wide(n + 1, false);
    expect(lineExportRefusal(over)).toMatch(new RegExp(`^this layout's command line has ${4 * (n + 1) + 5} words, more than the 10000 `));
    expect(parseCommandLine(generateShellLine(over)).diagnostics.map((d) => d.code)).toContain("PARSE001");
  });

  it("exactly at the bound: 10 000 words are read and exported, 10 001 are neither, whether or not the text ends in a newline", () => {
    const at = (words: number) => "qemu-system-x86_64" + " -S".repeat(words - 1);
    for (const end of ["", "\n"]) {
      expect(tokenize(at(MAX_COMMAND_WORDS) + end).diagnostics).toEqual([]);
      expect(tokenize(at(MAX_COMMAND_WORDS) + end).tokens.length).toBe(MAX_COMMAND_WORDS);
      expect(tokenize(at(MAX_COMMAND_WORDS + 1) + end).diagnostics.map((d) => d.code)).toEqual(["PARSE001"]);
    }
    const l = emptyLayout("512M");
    // the binary, -m 512M and the -S options
    l.args = Array.from({ length: MAX_COMMAND_WORDS - 3 }, () => ({ tokens: ["-S"] }));
    expect(generateArgv(l).length).toBe(MAX_COMMAND_WORDS);
    expect(lineExportRefusal(l)).toBeUndefined();
    expect(parseCommandLine(generateShellLine(l)).layout.args.length).toBe(MAX_COMMAND_WORDS - 3);
    l.args.push({ tokens: ["-S"] });
    expect(lineExportRefusal(l)).toMatch(/has 10001 words/);
  });
});
