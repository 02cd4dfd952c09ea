// The note that says what a topology's source could not tell (`source.lacks`), for the CLI's
// stderr and the app's message line. Every source fills lacks the same way: the importers with
// what their format has no field for, a sysfs copy with the files it was missing or that held
// no number; a reader who plans on such a host must know which figures are defaults.

import type { HostTopology } from "./schema";

/** A heading and one line per gap (inline: one line, gaps between semicolons, for the app's message line);
 *  undefined when the source said everything. */
export function lacksNote(t: Pick<HostTopology, "name" | "source">, inline = false): string | undefined {
  const lacks = t.source.lacks ?? [];
  if (lacks.length === 0) return undefined;
  const from = t.source.kind === "sysfs" ? `the sysfs copy ${t.source.detail ?? t.name}` : `${t.name} (${t.source.kind})`;
  const head = `${from} does not say everything, so Numadesk took defaults:`;
  return inline ? `${head} ${lacks.join("; ")}` : `${head}\n${lacks.map((l) => `  ${l}`).join("\n")}`;
}
