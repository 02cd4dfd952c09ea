import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { shellQuote, tokenize } from "./tokenize";

const words = (t: string) => tokenize(t).tokens.map((x) => x.text);

describe("splitting a pasted command line", () => {
  it("joins backslash-newline continuations as the shell does", () => {
    expect(words("qemu \\\n-m 4G \\\r\n-smp 2")).toEqual(["qemu", "-m", "4G", "-smp", "2"]);
  });

  it("removes quotes and keeps what they protect", () => {
    expect(words(`-object '{"a":"b c"}' --x "it's" a\\ b`)).toEqual(["-object", '{"a":"b c"}', "--x", "it's", "a b"]);
  });

  it("skips comment lines", () => {
    expect(words("# comment -m 1G\n-m 2G")).toEqual(["-m", "2G"]);
  });

  it("reports an unterminated quote with its line and column", () => {
    const r = tokenize("qemu\n  -name 'oops");
    expect(r.diagnostics[0]?.code).toBe("PARSE002");
    expect(r.diagnostics[0]?.at).toMatchObject({ line: 2, column: 9 });
  });

  it("keeps character spans for every token", () => {
    const t = "a  bb 'c d'";
    const r = tokenize(t);
    expect(r.tokens.map((x) => t.slice(x.start, x.end))).toEqual(["a", "bb", "'c d'"]);
  });

  it("property: shell-quoting any list of words and splitting it again gives the same words", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 12 }), (ws) => {
        expect(words(ws.map(shellQuote).join(" "))).toEqual(ws);
      }),
      { numRuns: 1500 },
    );
  });
});
