// L3 groups: on AMD EPYC (a CCX/CCD per L3) and Intel with Sub-NUMA Clustering, a host node
// holds several L3 caches. A guest node whose vCPUs fill whole L3 groups can be pinned so that
// its threads share their caches with nobody else; one that spills a few vCPUs into a further
// group shares that group's L3 with other work. Pinned, a guest node should run in the fewest
// whole groups that hold its vCPUs and share none with another guest node (shared/pin/l3-fit.ts,
// which the planner pins by). A hint, not a fault: QEMU runs it either way.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import { formatIdList, parseIdList } from "../../cpulist/cpulist";
import { humanSize } from "../../size/size";
import { hostBoxes, l3Pus } from "../../topology/boxes";
import { guestNodeIds, ids } from "./layout-facts";
import { vcpuHostSets } from "../../pin/resolve";
import { fewestGroups, placeOnGroups } from "../../pin/l3-fit";
import { atNode } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const NUMA041: RuleMeta = { code: "NUMA041", severity: "hint", title: "a guest node's vCPUs fill a host node's L3 groups only in part", concern: "host fit", policy: false };

export const wholeL3Groups: RuleDef = {
  name: "wholeL3Groups",
  codes: [NUMA041],
  check: (layout, { host }) => {
    if (!host?.caches) return [];
    const machine = hostBoxes(host);
    const gids = guestNodeIds(layout);
    const sets = vcpuHostSets(layout);
    const reserved = new Set(ids(layout.pinning?.reserved));
    // guest node index → the L3 groups (of its host node) its pinned vCPUs may run in
    const touched = new Map<number, { hostNode: number; groups: number[] }>();
    const out: Diagnostic[] = [];
    layout.nodes.forEach((n, i) => {
      const r = n.cpus !== undefined ? parseIdList(n.cpus) : undefined;
      const vcpuIds = r && r.ok ? r.ids : [];
      const vcpus = vcpuIds.length;
      const b = layout.backends.find((x) => x.id === n.memdev);
      const hostNodes = b && b.policy === "bind" ? ids(b.hostNodes) : [];
      if (vcpus === 0 || hostNodes.length !== 1) return;
      const box = machine.nodes.find((x) => x.os === hostNodes[0]);
      const groups = box?.l3;
      if (!groups || groups.length < 2) return;
      const pus = groups.map(l3Pus);
      const l3Size = groups[0]!.size ? `, ${humanSize(groups[0]!.size)} L3 each` : "";
      const pinned = vcpuIds.every((v) => sets.has(v)) ? new Set(vcpuIds.flatMap((v) => sets.get(v)!)) : undefined;
      if (pinned) {
        // pinned: the groups its vCPUs may run in should be the fewest that hold them, and its own
        const mine = pus.flatMap((g, k) => (g.some((c) => pinned.has(c)) ? [k] : []));
        if (mine.length === 0) return; // pinned off its memory's node: PIN001 says so
        const usable = pus.map((g) => g.filter((c) => !reserved.has(c)).length);
        const need = fewestGroups(usable, vcpus) ?? pus.map((_, k) => k);
        touched.set(i, { hostNode: hostNodes[0]!, groups: mine });
        if (mine.length > need.length) {
          // the fix gives each guest node on this host node its own groups, as the planner does
          // (shared/pin/l3-fit.ts); alone, it keeps the groups it already uses where it can
          const siblings = layout.nodes.flatMap((m, j) => {
            const mb = layout.backends.find((x) => x.id === m.memdev);
            const count = m.cpus !== undefined ? ids(m.cpus).length : 0;
            return mb && mb.policy === "bind" && ids(mb.hostNodes).length === 1 && ids(mb.hostNodes)[0] === hostNodes[0] && count > 0 ? [{ j, count }] : [];
          });
          const free = pus.map((g) => g.filter((c) => !reserved.has(c)));
          const placed =
            siblings.length > 1
              ? placeOnGroups(
                  free,
                  siblings.map((x) => x.count),
                  (g) => g.length,
                )
              : [fewestGroups(usable, vcpus, mine) ?? need];
          const best = placed?.[siblings.length > 1 ? siblings.findIndex((x) => x.j === i) : 0];
          const fix = best
            ? `pin guest node ${gids[i]}'s vCPUs to PU ${formatIdList(best.flatMap((k) => free[k]!))} (${best.length} whole L3 group${best.length > 1 ? "s" : ""}${siblings.length > 1 ? `, apart from the other guest nodes on host node ${hostNodes[0]}` : ""}), as numadesk plan does`
            : `the ${siblings.length} guest nodes on host node ${hostNodes[0]} (${siblings.map((x) => x.count).join(" + ")} vCPUs) need more whole L3 groups than its ${groups.length}: give them fewer vCPUs, or spread them over more host nodes (numadesk plan --nodes)`;
          out.push(
            emit(
              NUMA041,
              `guest node ${gids[i]}'s ${vcpus} vCPUs are pinned across ${mine.length} of host node ${hostNodes[0]}'s ${groups.length} L3 groups where ${need.length} would hold them (groups of ${usable[need[0]!]} PUs${l3Size}); they share those L3 caches with whatever else runs there`,
              fix,
              atNode(layout, i, "cpus"),
            ),
          );
          return;
        }
        const other = [...touched].find(([j, t]) => j !== i && t.hostNode === hostNodes[0] && t.groups.some((k) => mine.includes(k)));
        if (other) {
          const shared = mine.filter((k) => other[1].groups.includes(k));
          out.push(
            emit(
              NUMA041,
              `guest nodes ${gids[other[0]]} and ${gids[i]} are pinned to the same L3 group${shared.length > 1 ? "s" : ""} of host node ${hostNodes[0]} (PU ${formatIdList(shared.flatMap((k) => pus[k]!))}${l3Size}): each evicts the other's cache lines`,
              `pin each guest node to its own whole L3 groups (numadesk plan does where they fit), or give them fewer vCPUs`,
              atNode(layout, i, "cpus"),
            ),
          );
        }
        return;
      }
      const per = Math.min(...pus.map((g) => g.length));
      // unpinned: fits in one group, fills whole ones or the whole node: nothing to say
      if (vcpus <= per || vcpus % per === 0 || vcpus >= pus.flat().length) return;
      const whole = Math.floor(vcpus / per);
      const sample = pus
        .slice(0, 3)
        .map((g) => formatIdList(g))
        .join(", ");
      out.push(
        emit(
          NUMA041,
          `guest node ${gids[i]}'s ${vcpus} vCPUs fill ${whole} of host node ${hostNodes[0]}'s L3 groups and ${vcpus - whole * per} of the next (${groups.length} groups of ${per} PUs${l3Size}: PU ${sample}${groups.length > 3 ? ", …" : ""}); pinned, those vCPUs would share an L3 with other work`,
          `give guest node ${gids[i]} ${whole * per} or ${(whole + 1) * per} vCPUs, split it into guest nodes of ${per} vCPUs each, one per L3 group, or pin it to ${whole + 1} whole groups (numadesk plan does)`,
          atNode(layout, i, "cpus"),
        ),
      );
    });
    return out;
  },
};

export const CACHE_GROUP_RULES: readonly RuleDef[] = [wholeL3Groups];
