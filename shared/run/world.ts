// The world a run ran in, as its record keeps it: a copy of the topology (this host's or the
// lab guest's), so the run's plot is always drawn on its own nodes and CPUs, never on
// whatever target is selected when it is looked at later.

import type { HostTopology } from "../topology/schema";
import type { RunRecord } from "./types";

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/** The topology as a record keeps it: the same, with its free texts cut to the record's bounds. */
export function recordTopology(t: HostTopology): NonNullable<RunRecord["topology"]> {
  const copy = structuredClone(t);
  copy.name = clip(copy.name, 200) || "host";
  if (copy.description !== undefined) copy.description = clip(copy.description, 2000);
  if (copy.source.detail !== undefined) copy.source.detail = clip(copy.source.detail, 500);
  if (copy.source.lacks) copy.source.lacks = copy.source.lacks.slice(0, 32).map((l) => clip(l, 500));
  return copy;
}
