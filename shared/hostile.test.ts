// Inputs from elsewhere that the domain must read as a person means them (found by attacking
// the CLI with files as editors and other tools write them).

import { describe, expect, it } from "vitest";
import { loadLayoutText } from "./layout/load";
import { parseCommandLine } from "./qemu/parse";

const BOM = "\ufeff";

describe("a byte-order mark at the start of a file (Notepad and some editors write one)", () => {
  const layout = { version: 2, memory: { size: "512M" }, smp: { cpus: 2 }, nodes: [], distances: [], threadContexts: [], backends: [], args: [] };

  it("a layout file with a BOM loads as the same layout, and a JSON error still points at the right column", () => {
    const r = loadLayoutText(BOM + JSON.stringify(layout));
    expect(r.ok).toBe(true);
    const bad = loadLayoutText(BOM + '{"version": 2,,}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics[0]!.message).toMatch(/line 1, column 16/);
  });

  it("a command line with a BOM names the QEMU binary without it, and token spans still point into the text", () => {
    const text = BOM + "qemu-system-x86_64 -m 512M -smp 2 -numa node,cpus=0-1,memdevv=m0";
    const r = parseCommandLine(text);
    expect(r.layout.qemu?.binary).toBe("qemu-system-x86_64");
    expect(r.diagnostics.filter((d) => d.code === "PARSE003")).toEqual([]);
    const span = r.diagnostics.find((d) => d.message.includes("memdevv"))?.at?.span;
    expect(span && text.slice(span[0], span[1])).toContain("memdevv");
  });
});

describe("a command line of very many words", () => {
  it("more words than any layout holds is refused at once with the count; 9 500 are read", () => {
    const many = parseCommandLine("qemu-system-x86_64 -m 512M" + " -S".repeat(100_000));
    expect(many.diagnostics.map((d) => [d.code, d.message])).toContainEqual([
      "PARSE001",
      "the command line has more than 10000 words, more than Numadesk reads from a paste (open a layout file for a larger layout)",
    ]);
    expect(many.layout.args).toEqual([]);
    const t = performance.now();
    const fine = parseCommandLine("qemu-system-x86_64 -m 512M" + " -S".repeat(9_500));
    const ms = performance.now() - t;
    expect(fine.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(fine.layout.args.length).toBe(9_500);
    // a few hundred ms here under load; a second would be a hang in the app
    expect(ms).toBeLessThan(1000);
  });
});

describe("a layout file of very many options", () => {
  it("is refused at the same bound as a pasted line's words, with the path", () => {
    const file = (n: number) =>
      JSON.stringify({ version: 2, memory: { size: "512M" }, nodes: [], distances: [], threadContexts: [], backends: [], args: Array.from({ length: n }, () => ({ tokens: ["-S"] })) });
    const many = loadLayoutText(file(100_000));
    expect(many.ok).toBe(false);
    if (!many.ok) expect(many.diagnostics[0]!.message).toMatch(/^\$\.args: .*10000/);
    expect(loadLayoutText(file(9_500)).ok).toBe(true);
  });
});
