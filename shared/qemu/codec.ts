// Read a layout element from an option value, write one, and patch a previously imported
// value so that only the properties that changed are rewritten — everything else keeps the
// exact text the user or libvirt wrote (order, spelling, `128g`, `prealloc=on` vs `=yes`).

import { parseKeyval, renderEntry } from "./keyval";
import { jsonTooDeepAt } from "../json/depth";
import { canonValue, joinLists, jsonValueOf, keyvalValues, readValue } from "./values";
import type { ElementSpec } from "./elements";
import type { ValueKind } from "./values";

export type Form = "keyval" | "json";

export interface RawEntry {
  key: string;
  value: unknown;
  /** key=value text as written (key=value form only) */
  raw?: string;
  implied?: boolean;
}

export interface SplitValue {
  form: Form;
  entries: RawEntry[];
  error?: string;
}

// JSON object values nested deeper than this are not QEMU properties; refusing them keeps
// a hostile paste from exhausting the stack.
const MAX_JSON_TEXT = 256 * 1024;
const MAX_JSON_DEPTH = 8;

export function splitValue(spec: Pick<ElementSpec, "impliedKey" | "option">, text: string): SplitValue {
  if (spec.option === "-object" && text.trimStart().startsWith("{")) {
    if (text.length > MAX_JSON_TEXT) return { form: "json", entries: [], error: "the JSON object is too large" };
    if (jsonTooDeepAt(text, MAX_JSON_DEPTH) >= 0) return { form: "json", entries: [], error: `the JSON nests deeper than ${MAX_JSON_DEPTH} levels; QEMU object properties are flat` };
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      return { form: "json", entries: [], error: `the JSON is malformed (${(e as Error).message})` };
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      return { form: "json", entries: [], error: "the JSON value must be an object" };
    }
    return { form: "json", entries: Object.entries(obj as Record<string, unknown>).map(([key, value]) => ({ key, value })) };
  }
  return {
    form: "keyval",
    entries: parseKeyval(text, spec.impliedKey).map((e) => ({ key: e.key, value: e.value, raw: e.raw, implied: e.implied })),
  };
}

export interface Prop {
  key: string;
  canon: string;
  kv: string[];
  json: unknown;
}

/** The element's properties in canonical order: head, modelled fields, then extras. */
export function elementProps(spec: ElementSpec, e: Record<string, unknown>): Prop[] {
  const out: Prop[] = [];
  if (spec.head) {
    const v = spec.head.value(e);
    out.push({ key: spec.head.key, canon: JSON.stringify(v), kv: [v], json: v });
  }
  for (const f of spec.fields) {
    const v = e[f.field];
    if (v === undefined) continue;
    out.push({ key: f.key, canon: canonValue(f.kind, v), kv: keyvalValues(f.kind, v), json: jsonValueOf(f.kind, v) });
  }
  const extra = e.extra as Record<string, unknown> | undefined;
  if (extra) {
    for (const [key, v] of Object.entries(extra)) {
      out.push({ key, canon: JSON.stringify(v) ?? "undefined", kv: [v === true ? "on" : v === false ? "off" : String(v)], json: v });
    }
  }
  return out;
}

export interface ReadProblem {
  key: string;
  message: string;
  severity: "error" | "warning";
  /** what to do, when the generic advice does not fit */
  fix?: string;
}

/** Fill a layout element from the entries of one option value. */
// In JSON (libvirt's -object '{...}') QEMU takes each property in its own JSON type and
// converts nothing: "size":"128M" is refused with "Parameter 'size' expects uint64",
// "prealloc":"on" with "Invalid parameter type for 'prealloc', expected: boolean" (QEMU 7.2,
// recorded in the oracle corpus).
const JSON_TYPES: Record<ValueKind, { ok: (v: unknown) => boolean; want: string; qemu: (key: string) => string }> = {
  string: { ok: (v) => typeof v === "string", want: "a JSON string", qemu: (k) => `Invalid parameter type for '${k}', expected: string` },
  size: { ok: (v) => typeof v === "number", want: "a number of bytes", qemu: (k) => `Parameter '${k}' expects uint64` },
  sizeM: { ok: (v) => typeof v === "number", want: "a number of bytes", qemu: (k) => `Parameter '${k}' expects uint64` },
  int: { ok: (v) => typeof v === "number", want: "a JSON number", qemu: (k) => `Parameter '${k}' expects uint64` },
  bool: { ok: (v) => typeof v === "boolean", want: "true or false", qemu: (k) => `Invalid parameter type for '${k}', expected: boolean` },
  list: { ok: (v) => Array.isArray(v), want: "a JSON array of numbers", qemu: (k) => `Invalid parameter type for '${k}', expected: array` },
  cpus: { ok: (v) => Array.isArray(v), want: "a JSON array of numbers", qemu: (k) => `Invalid parameter type for '${k}', expected: array` },
};

export function readElement(spec: ElementSpec, entries: RawEntry[], problems: ReadProblem[], form: Form = "keyval"): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  const seen = new Set<string>();
  const fieldByKey = new Map(spec.fields.map((f) => [f.key, f]));
  for (const entry of entries) {
    if (spec.head && entry.key === spec.head.key) continue;
    const f = fieldByKey.get(entry.key);
    if (f) {
      const t = JSON_TYPES[f.kind];
      if (form === "json" && !t.ok(entry.value)) {
        problems.push({ key: entry.key, message: `in JSON, ${entry.key} must be ${t.want}, not ${JSON.stringify(entry.value)}; QEMU says "${t.qemu(entry.key)}"`, severity: "error" });
        extra[entry.key] = entry.value;
        continue;
      }
      const r = readValue(f.kind, entry.value, entry.key);
      if (r.ok && spec.kind === "smp" && r.value === 0) {
        // QEMU 7.2 takes a 0 in -smp as "not given", with a warning that this is deprecated; 9.0
        // removed that and refuses it (NUMA026 says so when the QEMU version is known)
        problems.push({
          key: entry.key,
          message: `${entry.key}=0: QEMU 7.2 takes 0 as not given and warns that this is deprecated; QEMU 9.0 and later refuse it`,
          severity: "warning",
          fix: `leave ${entry.key} out, or give it 1 or more`,
        });
        extra[entry.key] = entry.value;
        continue;
      }
      if (!r.ok) {
        problems.push({ key: entry.key, message: r.error, severity: "error" });
        // keep the text so the line still round-trips; validation reports the rest
        extra[entry.key] = entry.value;
        continue;
      }
      if (seen.has(entry.key)) {
        if (f.kind === "list" || f.kind === "cpus") {
          e[f.field] = joinLists(String(e[f.field] ?? ""), String(r.value));
          continue;
        }
        problems.push({ key: entry.key, message: `${entry.key} is given twice; QEMU uses the last one`, severity: "warning" });
      }
      seen.add(entry.key);
      e[f.field] = r.value;
      continue;
    }
    if (spec.otherKeys !== "any" && !spec.otherKeys.has(entry.key)) {
      const known = [...spec.fields.map((x) => x.key), ...spec.otherKeys];
      const near = closest(entry.key, known);
      problems.push({
        key: entry.key,
        message: `QEMU does not know the property '${entry.key}'${near ? `; did you mean '${near}'?` : ""}`,
        severity: "error",
      });
    }
    extra[entry.key] = entry.value === undefined ? "on" : entry.value;
  }
  if (Object.keys(extra).length > 0) e.extra = extra;
  return e;
}

/** A fresh option value for an element (no earlier text to keep). */
export function renderElement(spec: ElementSpec, e: Record<string, unknown>, form: Form = "keyval"): string {
  const props = elementProps(spec, e);
  if (form === "json") {
    const obj: Record<string, unknown> = {};
    for (const p of props) obj[p.key] = p.json;
    return JSON.stringify(obj);
  }
  const parts: string[] = [];
  props.forEach((p, i) => {
    const implied = i === 0 && spec.impliedKey === p.key;
    for (const v of p.kv) parts.push(renderEntry(p.key, v, implied));
  });
  return parts.join(",");
}

/**
 * Rewrite an imported option value for the element as it is now, changing only the
 * properties whose meaning changed. Returns the original text untouched when nothing did.
 */
export function patchElement(spec: ElementSpec, e: Record<string, unknown>, originalText: string, original: Record<string, unknown>): string {
  const now = new Map(elementProps(spec, e).map((p) => [p.key, p]));
  const before = new Map(elementProps(spec, original).map((p) => [p.key, p]));
  const changed = (key: string) => before.get(key)?.canon !== now.get(key)?.canon;
  const split = splitValue(spec, originalText);
  const anyChange = [...new Set([...now.keys(), ...before.keys()])].some(changed);
  if (!anyChange || split.error) return anyChange ? renderElement(spec, e, split.form) : originalText;

  if (split.form === "json") {
    const obj: Record<string, unknown> = {};
    for (const entry of split.entries) {
      const p = now.get(entry.key);
      if (!p) continue;
      obj[entry.key] = changed(entry.key) ? p.json : entry.value;
    }
    for (const [key, p] of now) if (!(key in obj)) obj[key] = p.json;
    return JSON.stringify(obj);
  }

  const parts: string[] = [];
  const written = new Set<string>();
  for (const entry of split.entries) {
    const p = now.get(entry.key);
    if (!p) continue; // property removed
    if (!changed(entry.key)) {
      parts.push(entry.raw ?? renderEntry(entry.key, String(entry.value), false));
      continue;
    }
    if (written.has(entry.key)) continue;
    written.add(entry.key);
    for (const v of p.kv) parts.push(renderEntry(p.key, v, parts.length === 0 && entry.implied === true));
  }
  for (const [key, p] of now) {
    if (split.entries.some((x) => x.key === key)) continue;
    for (const v of p.kv) parts.push(renderEntry(key, v, parts.length === 0 && spec.impliedKey === key));
  }
  return parts.join(",");
}

/** The nearest known word within two edits, for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word, c, bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Read an element from an option value already split, with the backend type from qom-type. */
export function readFromSplit(spec: ElementSpec, split: SplitValue, problems: ReadProblem[] = []): Record<string, unknown> {
  const fields = readElement(spec, split.entries, problems, split.form);
  if (spec.kind === "backend") {
    const qomType = split.entries.find((x) => x.key === "qom-type")?.value;
    return { type: String(qomType).slice("memory-backend-".length), ...fields };
  }
  return fields;
}

/** Read an element from one option value as written. */
export function readFromText(spec: ElementSpec, text: string, problems: ReadProblem[] = []): { element: Record<string, unknown>; split: SplitValue } {
  const split = splitValue(spec, text);
  return { element: readFromSplit(spec, split, problems), split };
}
