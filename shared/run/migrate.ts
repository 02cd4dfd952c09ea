// Older run records, brought to the current version on load. A record is data a user keeps
// (and hands to others): a new Numadesk must still read what an old one wrote.

import { RUN_RECORD_VERSION } from "./types";
import { migrateV1 } from "../layout/migrate-v1";

/**
 * Version 1 → 2: version 1 did not keep the topology the run ran on, so the record is marked
 * (migratedFrom: 1) and its plot is drawn without one. Anything else is returned as it is, for
 * the schema to judge.
 */
export function migrateRecord(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  let v = value as Record<string, unknown>;
  // the layout a record keeps migrates like a layout file (layout version 1 → 2)
  const layout = v.layout as Record<string, unknown> | undefined;
  if (layout && typeof layout === "object" && layout.version === 1) v = { ...v, layout: migrateV1(layout) };
  value = v;
  if (v.version === 1 && RUN_RECORD_VERSION === 2) {
    const { topology: _ignored, migratedFrom: _also, ...rest } = v;
    return { ...rest, version: 2, migratedFrom: 1 };
  }
  return value;
}
