// Load a saved layout (*.numadesk.json): JSON syntax, version, schema, references. Each
// problem comes back as a diagnostic with the JSON path of what is wrong.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { prettyJson } from "../json/pretty";
import { z } from "zod";
import { LAYOUT_VERSION, layoutSchema, type Layout } from "./schema";
import { lineColumn } from "../qemu/tokenize";
import { jsonTooDeepAt } from "../json/depth";
import { migrateV1 } from "./migrate-v1";

export type LoadResult = { ok: true; layout: Layout; migratedFrom?: number } | { ok: false; diagnostics: Diagnostic[] };

// Bigger than any real layout by far; a larger file is refused before JSON.parse.
export const MAX_LAYOUT_TEXT = 16 * 1024 * 1024;
// Layouts, topologies and run records nest a handful of levels; checked before JSON.parse.
export const MAX_JSON_DEPTH = 32;

/** Forward migrations: MIGRATIONS[v] turns a version-v document into version v+1. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = { 1: migrateV1 };

export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return "$" + path.map((p) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`)).join("");
}

function fail(code: string, message: string, fix: string, path: string): Diagnostic {
  return { code, severity: "error", message: `${path}: ${message}`, fix, at: { path } };
}

export function parseJsonText(text: string, what: string): { ok: true; value: unknown } | { ok: false; diagnostics: Diagnostic[] } {
  if (text.length > MAX_LAYOUT_TEXT) {
    return { ok: false, diagnostics: [fail("LOAD001", `the ${what} is ${text.length} bytes, more than Numadesk reads (${MAX_LAYOUT_TEXT})`, "check that this is the right file", "$")] };
  }
  const deep = jsonTooDeepAt(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    const d = fail("LOAD001", `the ${what} nests deeper than ${MAX_JSON_DEPTH} levels; no Numadesk file does`, "check that this is the right file", "$");
    Object.assign(d.at!, lineColumn(text, deep));
    return { ok: false, diagnostics: [d] };
  }
  try {
    // a byte-order mark (Notepad writes one) is no part of the JSON; a space keeps every position
    return { ok: true, value: JSON.parse(text.replace(/^\ufeff/, " ")) };
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = pos ? lineColumn(text, Number(pos[1])) : undefined;
    const where = lc ? ` at line ${lc.line}, column ${lc.column}` : "";
    const d = fail("LOAD001", `the ${what} is not valid JSON${where} (${msg})`, "fix the JSON syntax, or load a file Numadesk saved", "$");
    if (lc) Object.assign(d.at!, lc);
    return { ok: false, diagnostics: [d] };
  }
}

export function loadLayoutText(text: string): LoadResult {
  const parsed = parseJsonText(text, "layout file");
  if (!parsed.ok) return parsed;
  return loadLayoutValue(parsed.value);
}

export function loadLayoutValue(value: unknown): LoadResult {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, diagnostics: [fail("LOAD002", "a layout is a JSON object", "load a *.numadesk.json file", "$")] };
  }
  let doc = value as Record<string, unknown>;
  const version = doc.version;
  if (version === undefined) {
    return { ok: false, diagnostics: [fail("LOAD002", "the layout has no version", `add "version": ${LAYOUT_VERSION} if this is a Numadesk layout`, "$.version")] };
  }
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    return { ok: false, diagnostics: [fail("LOAD003", `version ${JSON.stringify(version)} is not a layout version`, `use "version": ${LAYOUT_VERSION}`, "$.version")] };
  }
  if (version > LAYOUT_VERSION) {
    return {
      ok: false,
      diagnostics: [fail("LOAD003", `version ${version} is newer than this Numadesk reads (${LAYOUT_VERSION})`, "update Numadesk to open this file", "$.version")],
    };
  }
  let v = version;
  while (v < LAYOUT_VERSION) {
    const step = MIGRATIONS[v];
    if (!step) return { ok: false, diagnostics: [fail("LOAD003", `version ${v} cannot be migrated`, "re-import the layout from its command line", "$.version")] };
    doc = step(doc);
    v++;
  }
  const r = layoutSchema.safeParse(doc);
  if (!r.success) {
    return {
      ok: false,
      diagnostics: r.error.issues.slice(0, 50).map((issue) => fail("LOAD004", issue.message, "correct the value, or re-export the layout from Numadesk", jsonPath(issue.path))),
    };
  }
  const refs = danglingReferences(r.data);
  if (refs.length > 0) return { ok: false, diagnostics: refs };
  return version < LAYOUT_VERSION ? { ok: true, layout: r.data, migratedFrom: version } : { ok: true, layout: r.data };
}

function danglingReferences(layout: Layout): Diagnostic[] {
  const out: Diagnostic[] = [];
  const backends = new Set(layout.backends.map((b) => b.id));
  const contexts = new Set(layout.threadContexts.map((t) => t.id));
  // -object types Numadesk does not model may also be memory backends (memory-backend-epc).
  const otherIds = new Set(
    layout.args.flatMap((a) => {
      const m = a.tokens[1] ? /(?:^|,)id=([^,]+)|"id"\s*:\s*"([^"]+)"/.exec(a.tokens[1]) : null;
      return m ? [m[1] ?? m[2]!] : [];
    }),
  );
  layout.nodes.forEach((n, i) => {
    if (n.memdev !== undefined && !backends.has(n.memdev) && !otherIds.has(n.memdev)) {
      out.push(fail("LOAD005", `memdev "${n.memdev}" names no backend in $.backends`, "add the backend or correct the id", `$.nodes[${i}].memdev`));
    }
  });
  layout.backends.forEach((b, i) => {
    if (b.preallocContext !== undefined && !contexts.has(b.preallocContext)) {
      out.push(fail("LOAD005", `preallocContext "${b.preallocContext}" names no thread-context in $.threadContexts`, "add the thread-context or correct the id", `$.backends[${i}].preallocContext`));
    }
  });
  const boot = layout.machine?.memoryBackend;
  if (boot !== undefined && !backends.has(boot) && !otherIds.has(boot)) {
    out.push(fail("LOAD005", `memoryBackend "${boot}" names no backend in $.backends`, "add the backend or correct the id", "$.machine.memoryBackend"));
  }
  return out;
}

/** Keys in the schema's order, so saved files read the same whatever built the layout. */
function ordered(value: unknown, schema: z.ZodType): unknown {
  if (schema instanceof z.ZodOptional) return ordered(value, schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodArray && Array.isArray(value)) return value.map((v) => ordered(v, schema.element as z.ZodType));
  if (schema instanceof z.ZodObject && value && typeof value === "object" && !Array.isArray(value)) {
    const src = value as Record<string, unknown>;
    const shape = schema.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) if (src[key] !== undefined) out[key] = ordered(src[key], shape[key]!);
    for (const key of Object.keys(src)) if (!(key in out) && src[key] !== undefined) out[key] = src[key];
    return out;
  }
  return value;
}

export function layoutToText(layout: Layout): string {
  return prettyJson(ordered(layout, layoutSchema)) + "\n";
}
