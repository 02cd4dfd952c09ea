// Huge-page pools: the layout's huge pages per host node and page size, summed over every
// hugetlb backend (memfd hugetlb=on, file backends on a hugetlbfs mount), against the pages
// free there. The kernel keeps a pool per node and per size, so a node can be short while the
// host's total is fine.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import { formatIdList } from "../../cpulist/cpulist";
import { humanSize } from "../../size/size";
import { hugepageShortfalls, reserveSteps } from "../../hugepages/need";
import { atBackend } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";
import { POLICY_PHRASE } from "../policy";

// Measured with QEMU 7.2.22 on this host (electron/cli/hugepages.test.ts): two memfd backends
// (or a memfd and a file on a pagesize=2M hugetlbfs mount)
// of two 2 MiB pages each, bound to node 0, with three free pages there: QEMU maps each
// huge-page backend when it creates it, so the second one stops the start with exit 1,
// "unable to map backing store for guest RAM: Cannot allocate memory" — with prealloc=on and
// without it (the kernel reserves hugetlb pages at mmap time). reserve=off would defer that to
// the first touch, but QEMU refuses it beside prealloc=on ("'prealloc=on' and 'reserve=off'
// are incompatible").
const NUMA015: RuleMeta = { code: "NUMA015", severity: "error", title: "more huge pages on a node (per page size, all hugetlb backends together) than it has free", concern: "host fit", policy: true };

export const hugepagePools: RuleDef = {
  name: "hugepagePools",
  codes: [NUMA015],
  check: (layout, { host }) => {
    if (!host) return [];
    const out: Diagnostic[] = [];
    for (const s of hugepageShortfalls(layout, host)) {
      const where = s.nodes.length === 0 ? host.name : `host node${s.nodes.length > 1 ? "s" : ""} ${formatIdList(s.nodes)}`;
      const who = s.claims.map((c) => `${c.backend} ${c.pages}`).join(" + ");
      const why = s.reservedBy ? ` (${s.reservedBy} of its free pages are reserved by other mappings)` : "";
      const steps = reserveSteps([s], host)
        .map((st) => `echo ${st.to} > ${st.path}`)
        .join("; ");
      const first = s.claims[0]!;
      out.push(
        emit(
          NUMA015,
          `${where}, ${humanSize(s.pageSize)} huge pages: the layout needs ${s.need} (${who}), ${s.free} are free${why}: ${s.short} short; QEMU fails at start with "Cannot allocate memory" ${POLICY_PHRASE.start}`,
          `reserve ${s.short} more as root: ${steps} (numadesk hugepages plan FILE prints it, numadesk hugepages reserve FILE does it), or make the backends smaller`,
          atBackend(layout.backends[first.index]!, first.index, "size"),
        ),
      );
    }
    return out;
  },
};

export const HUGEPAGE_POOL_RULES: readonly RuleDef[] = [hugepagePools];
