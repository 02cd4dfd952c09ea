// A recording: a run record as a file to hand to someone else (a trainer's class, a colleague
// without the machine). Reading one is reading hostile input: bounded, nesting checked, the
// record schema (strict, every string and array bounded), older versions migrated, and the
// sample columns checked against each other so a replay never draws from a hole.

import { jsonPath, parseJsonText } from "../layout/load";
import { MAX_LAYOUT_TEXT } from "../layout/load";
import { migrateRecord } from "./migrate";
import { runRecordSchema, type RunRecord } from "./types";

/** The largest recording read (the JSON reader's own bound). */
export const MAX_RECORDING_TEXT = MAX_LAYOUT_TEXT;
/** What a recording file is called: `<id>.numadesk-run.json`. */
export const RECORDING_SUFFIX = ".numadesk-run.json";

/** Why a schema-valid record cannot be replayed, or undefined. */
export function recordProblem(r: RunRecord): string | undefined {
  const s = r.samples;
  const n = s.t.length;
  if (s.tid.length !== n || s.cpu.length !== n || s.node.length !== n || s.ranUs.length !== n || s.state.length !== n) {
    return `its sample columns differ in length (t ${n}, tid ${s.tid.length}, cpu ${s.cpu.length}, node ${s.node.length}, state ${s.state.length}, ranUs ${s.ranUs.length})`;
  }
  if (s.t.some((t) => !Number.isFinite(t) || t < 0 || t > 7 * 24 * 3600_000)) return "a sample time is negative or beyond a week";
  if (!Number.isFinite(r.timings.totalMs) || r.timings.totalMs < 0 || r.timings.totalMs > 7 * 24 * 3600_000) return "its total time is negative or beyond a week";
  if (r.populated) {
    const m = r.populated.t.length;
    for (const [id, col] of Object.entries(r.populated.bytes)) if (col.length !== m) return `its populated series of ${id} has ${col.length} values for ${m} times`;
  }
  return undefined;
}

/** A recording's text as a record, or one sentence saying why not. */
export function readRecording(text: string, name = "the recording"): { ok: true; record: RunRecord } | { ok: false; message: string } {
  if (text.length > MAX_RECORDING_TEXT) return { ok: false, message: `${name} is ${text.length} bytes, more than a recording may be (${MAX_RECORDING_TEXT})` };
  const parsed = parseJsonText(text, "recording");
  if (!parsed.ok) return { ok: false, message: `${name} is not a Numadesk recording: ${parsed.diagnostics[0]!.message}` };
  const v = parsed.value as { version?: unknown } | null;
  if (typeof v !== "object" || v === null || Array.isArray(v) || !("samples" in v) || !("argv" in v))
    return { ok: false, message: `${name} is not a Numadesk recording (a run record with its samples; save one with "export")` };
  if (typeof v.version === "number" && v.version > 2) return { ok: false, message: `${name} is a recording of version ${v.version}, newer than this Numadesk reads (2): update Numadesk` };
  const r = runRecordSchema.safeParse(migrateRecord(v));
  if (!r.success) return { ok: false, message: `${name} is not a valid recording: ${jsonPath(r.error.issues[0]!.path)}: ${r.error.issues[0]!.message}` };
  const problem = recordProblem(r.data);
  if (problem) return { ok: false, message: `${name} cannot be replayed: ${problem}` };
  return { ok: true, record: r.data };
}
