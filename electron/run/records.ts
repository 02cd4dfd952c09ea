// Run records as files in the app's data directory ($XDG_DATA_HOME/numadesk/runs, or
// ~/.local/share/numadesk/runs), written atomically: a temp file in the same folder, fsync,
// rename. A reader never sees half a record.

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { readBoundedText, ReadError } from "../files/read-bounded";
import { writeTarget } from "../files/write-target";
import { homedir } from "node:os";
import { join } from "node:path";
import { runRecordSchema, type RunRecord } from "../../shared/run/types";
import { jsonPath, parseJsonText } from "../../shared/layout/load";
import { migrateRecord } from "../../shared/run/migrate";
import { labelProblem, runTitle } from "../../shared/run/label";
import { readRecording } from "../../shared/run/recording";

export class RecordError extends Error {
  override name = "RecordError";
  constructor(
    message: string,
    /** there is no such run (as against one that cannot be read or changed) */
    readonly notFound = false,
  ) {
    super(message);
  }
}

export function dataDir(): string {
  const base = process.env.NUMADESK_DATA_DIR ?? join(process.env.XDG_DATA_HOME || join(homedir(), ".local/share"), "numadesk");
  return base;
}

export function runsDir(root = dataDir()): string {
  return join(root, "runs");
}

/** Write a file so that it is either the old content or the new one, never a mix. */
export function writeFileAtomic(given: string, text: string | Uint8Array): void {
  // never rename over a device, a FIFO or a folder; through a link, write where it points
  const path = writeTarget(given);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    if (typeof text === "string") writeSync(fd, text);
    else writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  // make the rename itself durable
  try {
    const dir = openSync(join(path, ".."), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    /* some file systems do not fsync folders */
  }
}

// A 10-minute run of 64 threads sampled at 200 Hz packs into a few MiB; far more is not a record.
export const MAX_RECORD_TEXT = 64 * 1024 * 1024;

const ID_RE = /^[A-Za-z0-9._-]+$/;

function checkId(id: string) {
  if (!ID_RE.test(id)) throw new RecordError(`'${id}' is not a run id (letters, digits, '.', '_', '-')`);
}

export function saveRecord(record: RunRecord, dir = runsDir()): string {
  checkId(record.id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${record.id}.json`);
  writeFileAtomic(path, JSON.stringify(record) + "\n");
  return path;
}

export function loadRecord(id: string, dir = runsDir()): RunRecord {
  checkId(id);
  const path = join(dir, `${id}.json`);
  let text: string;
  try {
    text = readBoundedText(path, MAX_RECORD_TEXT, { what: "run record" });
  } catch (e) {
    throw e instanceof ReadError && e.missing ? new RecordError(`there is no run '${id}' in ${dir}`, true) : new RecordError((e as Error).message);
  }
  const parsed = parseJsonText(text, "run record");
  if (!parsed.ok) throw new RecordError(`${path}: ${parsed.diagnostics[0]!.message}`);
  const r = runRecordSchema.safeParse(migrateRecord(parsed.value));
  if (!r.success) throw new RecordError(`${path}: ${jsonPath(r.error.issues[0]!.path)}: ${r.error.issues[0]!.message}`);
  return r.data;
}

export interface RecordListing {
  id: string;
  startedAt: string;
  label?: string;
  outcome: RunRecord["outcome"];
  preallocMs?: number;
  preallocBytes: number;
  kind: RunRecord["kind"];
  /** the label, or a description of the run ("with thread-context, 2 × 256 MiB, lab 2 nodes, 0.94 s") */
  title: string;
  /** what it ran on, to filter the history by target */
  hostName: string;
  fingerprint: string;
  /** false for records of version 1, which did not keep it */
  hasTopology: boolean;
}

export function listRecords(dir = runsDir()): { records: RecordListing[]; unreadable: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return { records: [], unreadable: [] };
  }
  const records: RecordListing[] = [];
  const unreadable: string[] = [];
  for (const n of names) {
    try {
      const r = loadRecord(n.slice(0, -5), dir);
      const item: RecordListing = {
        id: r.id,
        startedAt: r.startedAt,
        outcome: r.outcome,
        preallocBytes: r.memory.preallocBytes,
        kind: r.kind,
        title: runTitle(r),
        hostName: r.host.name,
        fingerprint: r.host.fingerprint,
        hasTopology: r.topology !== undefined,
      };
      if (r.label) item.label = r.label;
      if (r.timings.preallocMs !== undefined) item.preallocMs = r.timings.preallocMs;
      records.push(item);
    } catch {
      unreadable.push(n);
    }
  }
  records.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return { records, unreadable };
}

export function deleteRecord(id: string, dir = runsDir()): void {
  checkId(id);
  try {
    rmSync(join(dir, `${id}.json`));
  } catch {
    throw new RecordError(`there is no run '${id}' in ${dir}`, true);
  }
}

/**
 * Keep a recording someone handed over as a saved run (shared/run/recording.ts reads it as
 * hostile input). Its id is kept unless a different run has it already; then it gets a new one.
 */
export function importRecording(text: string, dir = runsDir(), name?: string): RunRecord {
  const read = readRecording(text, name);
  if (!read.ok) throw new RecordError(read.message);
  const r = read.record;
  let existing: RunRecord | undefined;
  try {
    existing = loadRecord(r.id, dir);
  } catch {
    existing = undefined;
  }
  if (existing && JSON.stringify(existing) !== JSON.stringify(r)) r.id = `${r.id.slice(0, 80)}-imported-${Date.now().toString(36)}`;
  saveRecord(r, dir);
  return r;
}

/** Give a saved run a name (an empty text removes it); the record is rewritten atomically. */
export function relabelRecord(id: string, text: string, dir = runsDir()): RunRecord {
  const label = text.replace(/\s+/g, " ").trim();
  const problem = labelProblem(text);
  if (problem) throw new RecordError(problem);
  const r = loadRecord(id, dir);
  if (label) r.label = label;
  else delete r.label;
  saveRecord(r, dir);
  return r;
}
