// Layout version 1 → 2. Version 2 models `-object iothread` (so it can be pinned) and adds
// pinning. A version-1 file kept its I/O threads as passthrough arguments: they become
// iothread elements with their origin, so the command line exported afterwards is unchanged.

import { SPECS } from "../qemu/elements";
import { readFromText, type ReadProblem } from "../qemu/codec";
import { optionName } from "../qemu/options";

export function migrateV1(doc: Record<string, unknown>): Record<string, unknown> {
  const args = Array.isArray(doc.args) ? (doc.args as unknown[]) : undefined;
  const iothreads: Record<string, unknown>[] = [];
  const kept = args?.filter((a) => {
    const element = iothreadFromArg(a);
    if (element) iothreads.push(element);
    return element === undefined;
  });
  const out: Record<string, unknown> = { ...doc, version: 2 };
  if (kept && iothreads.length > 0) {
    out.args = kept;
    out.iothreads = iothreads;
  }
  return out;
}

function iothreadFromArg(a: unknown): Record<string, unknown> | undefined {
  if (!a || typeof a !== "object") return undefined;
  const { tokens, at } = a as { tokens?: unknown; at?: unknown };
  if (!Array.isArray(tokens) || tokens.length !== 2 || typeof tokens[0] !== "string" || typeof tokens[1] !== "string") return undefined;
  if (optionName(tokens[0]) !== "object") return undefined;
  const problems: ReadProblem[] = [];
  const { element, split } = readFromText(SPECS.iothread, tokens[1], problems);
  const type = split.entries.find((e) => e.key === "qom-type")?.value;
  // only what version 2's parser would have read as an iothread; anything doubtful stays as written
  if (split.error || type !== "iothread" || problems.length > 0 || typeof element.id !== "string") return undefined;
  return typeof at === "number" ? { ...element, origin: { at, tokens } } : { ...element, origin: { at: 0, tokens } };
}
