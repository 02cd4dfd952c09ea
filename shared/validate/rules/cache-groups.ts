// L3 groups: on AMD EPYC (a CCX/CCD per L3) and Intel with Sub-NUMA Clustering, a host node
// holds several L3 caches. A guest node whose vCPUs fill whole L3 groups can be pinned so that
// its threads share their caches with nobody else; one that spills a few vCPUs into a further
// group shares that group's L3 with other work. A hint, not a fault: QEMU runs it either way.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import { formatIdList, parseIdList } from "../../cpulist/cpulist";
import { humanSize } from "../../size/size";
import { hostBoxes, l3Pus } from "../../topology/boxes";
import { guestNodeIds, ids } from "./layout-facts";
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
    const out: Diagnostic[] = [];
    layout.nodes.forEach((n, i) => {
      const r = n.cpus !== undefined ? parseIdList(n.cpus) : undefined;
      const vcpus = r && r.ok ? r.ids.length : 0;
      const b = layout.backends.find((x) => x.id === n.memdev);
      const hostNodes = b && b.policy === "bind" ? ids(b.hostNodes) : [];
      if (vcpus === 0 || hostNodes.length !== 1) return;
      const box = machine.nodes.find((x) => x.os === hostNodes[0]);
      const groups = box?.l3;
      if (!groups || groups.length < 2) return;
      const per = Math.min(...groups.map((g) => l3Pus(g).length));
      // fits in one group, or fills whole ones: nothing to say
      if (vcpus <= per || vcpus % per === 0) return;
      const whole = Math.floor(vcpus / per);
      const sample = groups
        .slice(0, 3)
        .map((g) => formatIdList(l3Pus(g)))
        .join(", ");
      out.push(
        emit(
          NUMA041,
          `guest node ${gids[i]}'s ${vcpus} vCPUs fill ${whole} of host node ${hostNodes[0]}'s L3 groups and ${vcpus - whole * per} of the next (${groups.length} groups of ${per} PUs${groups[0]!.size ? `, ${humanSize(groups[0]!.size)} L3 each` : ""}: PU ${sample}${groups.length > 3 ? ", …" : ""}); pinned, those vCPUs would share an L3 with other work`,
          `give guest node ${gids[i]} ${whole * per} or ${(whole + 1) * per} vCPUs, or split it into guest nodes of ${per} vCPUs each, one per L3 group`,
          atNode(layout, i, "cpus"),
        ),
      );
    });
    return out;
  },
};

export const CACHE_GROUP_RULES: readonly RuleDef[] = [wholeL3Groups];
