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
