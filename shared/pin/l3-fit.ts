// Guest nodes on whole L3 groups. On an AMD EPYC (a CCX/CCD per L3) or an Intel host with
// Sub-NUMA Clustering a host node holds several L3 caches; a guest node whose vCPUs run in the
// fewest whole groups that hold them shares its caches with nobody but itself. The planner
// pins by these sets and NUMA041 reads the same sets, so a planned layout is quiet.

import type { HostTopology } from "../topology/schema";
import { hostBoxes, l3Pus } from "../topology/boxes";

/** The PUs of each L3 group of a host node, in core order; undefined unless it has two or more. */
export function nodeL3Groups(host: HostTopology, nodeId: number): number[][] | undefined {
  if (!host.caches) return undefined;
  const groups = hostBoxes(host).nodes.find((n) => n.os === nodeId)?.l3;
  return groups && groups.length >= 2 ? groups.map(l3Pus) : undefined;
}

/**
 * The fewest groups (indexes, ascending) among `free` whose units add up to `want`: the largest
 * first, the earlier of equal ones first. Undefined when all of them together hold fewer.
 */
export function fewestGroups(units: readonly number[], want: number, free: readonly number[] = units.map((_, i) => i)): number[] | undefined {
  const order = [...free].sort((a, b) => units[b]! - units[a]! || a - b);
  const picked: number[] = [];
  let have = 0;
  for (const i of order) {
    if (have >= want) break;
    if (units[i]! === 0) continue;
    picked.push(i);
    have += units[i]!;
  }
  return have >= want ? picked.sort((a, b) => a - b) : undefined;
}

/**
 * Whole L3 groups for the guest nodes of one host node, each its own groups: for guest node k
 * (needing counts[k] units, a unit being what `unitsOf` counts in a group), the group indexes
 * it gets. Undefined when they do not all fit in separate groups.
 */
export function placeOnGroups(groups: readonly number[][], counts: readonly number[], unitsOf: (group: readonly number[]) => number): number[][] | undefined {
  const units = groups.map(unitsOf);
  let free = groups.map((_, i) => i);
  const out: number[][] = [];
  for (const want of counts) {
    if (want === 0) {
      out.push([]);
      continue;
    }
    const picked = fewestGroups(units, want, free);
    if (!picked) return undefined;
    out.push(picked);
    free = free.filter((i) => !picked.includes(i));
  }
  return out;
}
