// What a topology is called, when the name comes from elsewhere (a file name, a sysfs copy's
// folder): printable on a terminal and short, because the name is printed in every check,
// plan and run header. A saved topology's own name is held to the same rule by its schema.

import { printableLine } from "../text/printable";

export const MAX_TOPOLOGY_NAME = 256;

export function topologyName(raw: string): string {
  const safe = printableLine(raw);
  return safe.length > MAX_TOPOLOGY_NAME ? `${safe.slice(0, MAX_TOPOLOGY_NAME - 1)}…` : safe;
}
