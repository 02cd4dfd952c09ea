// shared/ is the pure domain: no Node, no DOM-only code paths, no Electron, no imports from
// the other folders. The CLI, the UI and the exports all reuse it.

import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "fixtures" ? [] : sources(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

describe("shared/ stays pure", () => {
  const files = sources(import.meta.dirname);
  it.each(files.map((f) => relative(import.meta.dirname, f)))("%s imports nothing from Node, Electron, React or the other folders", (file) => {
    const text = readFileSync(join(import.meta.dirname, file), "utf8");
    const imports = [...text.matchAll(/^\s*import[^"']*["']([^"']+)["']/gm)].map((m) => m[1]!);
    for (const spec of imports) {
      expect(spec, `${file} imports ${spec}`).not.toMatch(/^(node:|fs$|path$|child_process$|electron|react)/);
      if (spec.startsWith(".")) {
        const target = join(import.meta.dirname, file, "..", spec);
        expect(relative(import.meta.dirname, target).startsWith(".."), `${file} imports ${spec} outside shared/`).toBe(false);
      }
    }
  });
});

// The other arrows of the house (ARCHITECTURE.md): the page reaches the host only through the
// API, and only the Electron shell touches Electron.
function allSources(dir: string, exts: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "fixtures" || name === "node_modules" ? [] : allSources(p, exts);
    return exts.some((e) => p.endsWith(e)) && !p.endsWith(".test.ts") && !p.endsWith("vite.config.ts") ? [p] : [];
  });
}
const importsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/^\s*import[^"']*["']([^"']+)["']/gm)].map((m) => m[1]!);
const root = join(import.meta.dirname, "..");

describe("the arrows that must never be", () => {
  it.each(allSources(join(root, "renderer"), [".ts", ".tsx"]).map((f) => relative(root, f)))("%s reaches the host only through the API (no electron/, no Node)", (file) => {
    for (const spec of importsOf(join(root, file))) {
      expect(spec, `${file} imports ${spec}`).not.toMatch(/^(node:|fs$|path$|child_process$|electron$)/);
      if (spec.startsWith(".")) expect(relative(root, join(root, file, "..", spec)).startsWith("electron"), `${file} imports ${spec}`).toBe(false);
    }
  });

  it("only the Electron shell (electron/main/) imports electron", () => {
    const outside = allSources(join(root, "electron"), [".ts"])
      .filter((f) => !relative(root, f).startsWith("electron/main/"))
      .filter((f) => importsOf(f).includes("electron"));
    expect(outside.map((f) => relative(root, f))).toEqual([]);
  });
});
