// Host fit: the layout against the target host. The nodes and CPUs it names exist there, and
// what it preallocates fits the nodes' free memory and huge pages. These are Numadesk's policy:
// the line is judged against the target, which need not be the host QEMU runs on.

import type { Diagnostic } from "../../diagnostics/diagnostic";
import { formatIdList } from "../../cpulist/cpulist";
import { formatSize, humanSize } from "../../size/size";
import { backendBytes, backendPageSize } from "../../qemu/prealloc";
import { memoryShortages } from "../../layout/memory-fit";
import { nodeById, nodeIdList, onlineCpusOf } from "../../topology/query";
import { ids } from "./layout-facts";
import { atBackend, atThreadContext } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";
import { POLICY_PHRASE } from "../policy";

const NUMA010: RuleMeta = { code: "NUMA010", severity: "error", title: "`host-nodes` names a node the target host lacks", concern: "host fit", policy: true };
// Measured on QEMU 7.2, 1-node host (oracle corpus): host-nodes=1 is refused ("cannot bind
// memory to host NUMA nodes: Invalid argument"), host-nodes=0-1 runs (bind and interleave);
// node-affinity=1 is refused ("The nodes select no CPUs"), node-affinity=0-1 runs;
// cpu-affinity=5 is refused ("Setting CPU affinity failed: Invalid argument"), 0-5 runs. The
// partial cases are errors by policy (the layout cannot do what it says on the target), and
// say so; only the refused cases quote QEMU.
const NUMA011: RuleMeta = {
  code: "NUMA011",
  severity: "error",
  title: "a thread-context's affinity selects no online CPUs (CPU-less or absent node)",
  concern: "host fit",
  qemu: { min: "7.2" },
  policy: true,
};
// An error when the memory does not fit; a warning when it fits but eats the headroom the fixes leave.
const NUMA013: RuleMeta = {
  code: "NUMA013",
  severity: "error",
  severityVaries: true,
  title: "preallocated memory larger than the free memory of its nodes (a warning: it fits, but leaves the host less than its headroom)",
  concern: "host fit",
  policy: true,
};
// Policy for one of its two cases: a page size the target lacks. The other, a size that is not
// a multiple of the page size, QEMU 7.2 refuses ("failed to resize memfd to N: Invalid
// argument", measured on a host without huge pages).
const NUMA014: RuleMeta = { code: "NUMA014", severity: "error", title: "a huge-page backend not a multiple of its page size, or a page size the host lacks", concern: "host fit", policy: true };
// Measured on QEMU 7.2 (oracle corpus, be-file-badpath): a file backend whose mem-path is in a
// folder that does not exist fails at start ("can't open backing store /nonexistent/dir/file
// for guest RAM: No such file or directory"). Known only where the target's file system is:
// this host.
const NUMA040: RuleMeta = { code: "NUMA040", severity: "error", title: "a file backend's `mem-path` in a folder the target host lacks", concern: "host fit", policy: true };

// NUMA010: host-nodes must exist on the target host.
export const hostNodesExist: RuleDef = {
  name: "hostNodesExist",
  codes: [NUMA010],
  check: (layout, { host }) => {
    if (!host) return [];
    const out: Diagnostic[] = [];
    layout.backends.forEach((b, i) => {
      const named = ids(b.hostNodes);
      const absent = named.filter((n) => !nodeById(host, n));
      if (absent.length > 0) {
        // QEMU 7.2 takes node numbers below MAX_NODES (128) and refuses others at once
        const huge = named.find((n) => n >= 128);
        const qemu =
          huge !== undefined
            ? `QEMU refuses it ("Invalid host-nodes value: ${huge}")`
            : absent.length === named.length
              ? `QEMU refuses it ("cannot bind memory to host NUMA nodes: Invalid argument")`
              : `QEMU 7.2 still starts and uses the nodes that exist, but the layout does not do what it says there`;
        out.push(
          emit(
            NUMA010,
            `host node${absent.length > 1 ? "s" : ""} ${formatIdList(absent)} ${absent.length > 1 ? "do" : "does"} not exist on ${host.name} (nodes: ${nodeIdList(host)}); ${qemu} ${POLICY_PHRASE.host}`,
            `bind it to one of the host's nodes (${nodeIdList(host)})`,
            atBackend(b, i, "hostNodes"),
          ),
        );
      }
    });
    return out;
  },
};

// NUMA011: a thread-context must select CPUs that exist and are online.
export const contextAffinityTargets: RuleDef = {
  name: "contextAffinityTargets",
  codes: [NUMA011],
  check: (layout, { host }) => {
    if (!host) return [];
    const out: Diagnostic[] = [];
    const withCpus = host.nodes.filter((n) => onlineCpusOf(host, n).length > 0).map((n) => n.id);
    layout.threadContexts.forEach((t, i) => {
      const named = ids(t.nodeAffinity);
      const bad = named.filter((n) => !withCpus.includes(n));
      if (bad.length > 0) {
        const absent = bad.filter((n) => !nodeById(host, n));
        const qemu = bad.length === named.length ? `QEMU says "The nodes select no CPUs"` : `QEMU 7.2 still starts and runs the threads on the other nodes' CPUs`;
        out.push(
          emit(
            NUMA011,
            `node-affinity=${t.nodeAffinity} names ${absent.length === bad.length ? "absent" : "CPU-less"} host node${bad.length > 1 ? "s" : ""} ${formatIdList(bad)}; ${qemu} ${POLICY_PHRASE.host}`,
            `use a node with CPUs (${formatIdList(withCpus)}); for memory-only nodes, put the context on the nearest node with CPUs`,
            atThreadContext(t, i, "nodeAffinity"),
          ),
        );
      }
      const online = new Set(host.cpus.filter((c) => c.online).map((c) => c.id));
      const namedCpus = ids(t.cpuAffinity);
      const badCpus = namedCpus.filter((c) => !online.has(c));
      if (badCpus.length > 0) {
        const qemu = badCpus.length === namedCpus.length ? `QEMU says "Setting CPU affinity failed: Invalid argument"` : `QEMU 7.2 still starts and uses the CPUs that are online`;
        out.push(
          emit(
            NUMA011,
            `cpu-affinity names CPUs ${formatIdList(badCpus)}, which are absent or offline on ${host.name}; ${qemu} ${POLICY_PHRASE.host}`,
            `use online CPUs (${formatIdList([...online])})`,
            atThreadContext(t, i, "cpuAffinity"),
          ),
        );
      }
    });
    return out;
  },
};

// NUMA013: preallocated memory must fit in the free memory of the nodes it is bound to, every
// backend counted at once (layout/memory-fit.ts); an error when it does not fit. When it fits
// but leaves less than the headroom Numadesk's own fixes leave (layout/headroom.ts), a warning:
// QEMU starts, but the host's kernel, page cache and QEMU's own memory then compete with the
// guest for what is left, and the preallocated guest is the OOM killer's first choice.
export const preallocFits: RuleDef = {
  name: "preallocFits",
  codes: [NUMA013],
  check: (layout, { host }) => {
    if (!host) return [];
    return memoryShortages(layout, host).map((s) => {
      // backends not bound with policy=bind take any node: the set is then the host
      const unbound = s.whole && s.backends.some((i) => layout.backends[i]!.policy !== "bind");
      const where = unbound ? host.name : `host node${s.nodes.length > 1 ? "s" : ""} ${formatIdList(s.nodes)}`;
      const plural = s.backends.length > 1;
      const names = s.backends.map((i) => layout.backends[i]!.id).join(", ");
      const first = s.backends[0]!;
      const at = atBackend(layout.backends[first]!, first, "size");
      const verb = s.nodes.length > 1 && !unbound ? "have" : "has";
      if (s.kind === "over")
        return emit(
          NUMA013,
          `${names} preallocate${plural ? "" : "s"} ${humanSize(s.bytes)}, but ${where} ${verb} ${humanSize(s.free)} free; QEMU would fail or the OOM killer would end it ${POLICY_PHRASE.start}`,
          "make the backends smaller, spread them over more nodes, or free memory first",
          at,
        );
      return {
        ...emit(
          NUMA013,
          `${names} preallocate${plural ? "" : "s"} ${humanSize(s.bytes)} on ${where}, which ${verb} ${humanSize(s.free)} free: that leaves the host ${humanSize(s.free - s.bytes)}, less than the ${humanSize(s.headroom)} headroom Numadesk leaves it (max(1 GiB, 5 % of the nodes' memory)); QEMU starts, but the kernel, the page cache and QEMU's own memory then compete with the guest, whose preallocated memory makes it the OOM killer's first choice`,
          "make the backends smaller or spread them over more nodes, so the headroom stays free",
          at,
        ),
        severity: "warning" as const,
      };
    });
  },
};

// NUMA014: huge pages: size a multiple of the page size, of a size the host has. Whether the
// pools hold enough pages is NUMA015's (hugepage-pools.ts).
export const hugepages: RuleDef = {
  name: "hugepages",
  codes: [NUMA014],
  check: (layout, { host }) => {
    const out: Diagnostic[] = [];
    layout.backends.forEach((b, i) => {
      if (!b.hugetlb) return;
      const page = backendPageSize(b);
      const bytes = backendBytes(b);
      if (bytes % page !== 0) {
        out.push(
          emit(
            NUMA014,
            `size ${b.size} is not a multiple of its huge page size ${humanSize(page)}`,
            `use a size that is a multiple of ${humanSize(page)}, e.g. ${humanSize(Math.ceil(bytes / page) * page)}`,
            atBackend(b, i, "size"),
          ),
        );
        return;
      }
      if (!host) return;
      const sizes = new Set(host.nodes.flatMap((n) => n.hugepages.map((h) => h.pageSize)));
      if (sizes.size > 0 && !sizes.has(page)) {
        out.push(
          emit(
            NUMA014,
            `${host.name} has no ${humanSize(page)} huge pages (it has ${[...sizes].map(humanSize).join(", ")}) ${POLICY_PHRASE.host}`,
            `use hugetlbsize=${[...sizes].map((s) => formatSize(s)).join(" or ")}`,
            atBackend(b, i, "hugetlbsize"),
          ),
        );
        return;
      }
    });
    return out;
  },
};

// NUMA040: a file backend's mem-path must be a folder, a file, or a file its folder can hold.
export const memPathExists: RuleDef = {
  name: "memPathExists",
  codes: [NUMA040],
  check: (layout, { host, memPaths }) => {
    if (!memPaths) return [];
    return layout.backends.flatMap((b, i) =>
      b.type === "file" && b.memPath !== undefined && memPaths[b.memPath] === "missing"
        ? [
            emit(
              NUMA040,
              `mem-path=${b.memPath}: its folder does not exist on ${host?.name ?? "the target"}; QEMU fails at start ("can't open backing store ${b.memPath} for guest RAM: No such file or directory") ${POLICY_PHRASE.start}`,
              "use an existing folder (a hugetlbfs mount such as /dev/hugepages, or /dev/shm)",
              atBackend(b, i, "memPath"),
            ),
          ]
        : [],
    );
  },
};

export const HOST_FIT_RULES: readonly RuleDef[] = [hostNodesExist, contextAffinityTargets, preallocFits, hugepages, memPathExists];
