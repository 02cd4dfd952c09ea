// QEMU's own error messages, mapped to a short explanation and the layout element they are
// about. QEMU's wording changes between versions and many messages do not name the object,
// so the text is only a clue: the element is found from the layout (which backend has a
// host node the host lacks, which backend uses the missing context, …). Where QEMU does
// name the option ("-numa node,nodeid=1,…: Duplicate NUMA nodeid: 0") the element is the one
// whose tokens are exactly those, so of two look-alike elements the right one is named.
// The messages below are QEMU 7.2's, as recorded in shared/validate/oracle/corpus.json.

import type { Backend, Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { freeHugepages, onlineCpusOf } from "../topology/query";
import { backendBytes, backendPageSize } from "./prealloc";

export interface QemuError {
  /** one sentence for people */
  message: string;
  /** JSON path of the layout element, when it can be told; absent: it concerns the whole line */
  path?: string;
  /** the line of QEMU's stderr this came from */
  line: string;
}

/** Elements whose tokens QEMU quoted at the start of its message, in argv order. */
interface Located {
  paths: string[];
  /** the option's value as QEMU quoted it */
  value: string;
}

/** `strong`: the element found is the one to change, even when QEMU names another option. */
type Finder = (m: RegExpExecArray, layout: Layout, host: HostTopology | undefined, at: Located | undefined) => { message: string; path?: string; strong?: boolean };

const indexPath = <T>(list: readonly T[], slot: string, pred: (x: T, i: number) => boolean): string | undefined => {
  const i = list.findIndex(pred);
  return i >= 0 ? `${slot}[${i}]` : undefined;
};

const guestNodeId = (layout: Layout, i: number) => layout.nodes[i]?.nodeid ?? i;

/** The node that uses `memdev` a second time (QEMU complains there), or undefined. */
function secondUser(layout: Layout, memdev?: string): string | undefined {
  const seen = new Set<string>();
  return indexPath(layout.nodes, "nodes", (n) => {
    if (n.memdev === undefined || (memdev !== undefined && n.memdev !== memdev)) return false;
    if (seen.has(n.memdev)) return true;
    seen.add(n.memdev);
    return false;
  });
}

/** The huge-page backend at which the free huge pages run out (QEMU maps them in order). */
function hugepageShortfall(layout: Layout, host: HostTopology | undefined): string | undefined {
  const huge = (b: Backend) => b.hugetlb === true || b.memPath !== undefined;
  if (!host) return indexPath(layout.backends, "backends", huge);
  const left = new Map<number, number>();
  for (const [i, b] of layout.backends.entries()) {
    if (!huge(b)) continue;
    const page = backendPageSize(b);
    const free = left.get(page) ?? host.nodes.reduce((a, n) => a + freeHugepages(n, page), 0);
    const need = Math.ceil(backendBytes(b) / page);
    if (need > free) return `backends[${i}]`;
    left.set(page, free - need);
  }
  return indexPath(layout.backends, "backends", huge);
}

const PATTERNS: Array<[RegExp, Finder]> = [
  [
    /cannot bind memory to host NUMA nodes/,
    (_m, layout, host) => ({
      message: "a memory backend is bound to a host node this host does not have",
      path: indexPath(layout.backends, "backends", (b) => (host ? idList(b.hostNodes).some((n) => !host.nodes.some((h) => h.id === n)) : b.hostNodes !== undefined)),
    }),
  ],
  [
    /Invalid host-nodes value: (\d+)/,
    (m, layout) => ({
      message: `host-nodes names node ${m[1]}, beyond any node number the host can have`,
      path: indexPath(layout.backends, "backends", (b) => idList(b.hostNodes).includes(Number(m[1]))),
    }),
  ],
  [
    /host-nodes must be empty for policy default/,
    (_m, layout) => ({
      message: "a backend sets host-nodes without a policy; add policy=bind (or preferred, interleave)",
      path: indexPath(layout.backends, "backends", (b) => b.hostNodes !== undefined && (b.policy ?? "default") === "default"),
    }),
  ],
  [
    /host-nodes must be set for policy (\w+)/,
    (m, layout) => ({ message: `policy=${m[1]} needs host-nodes`, path: indexPath(layout.backends, "backends", (b) => b.policy === m[1] && b.hostNodes === undefined) }),
  ],
  [
    /The nodes select no CPUs/,
    (_m, layout, host) => ({
      message: "a thread-context's node-affinity names a node with no CPUs here",
      path: indexPath(layout.threadContexts, "threadContexts", (t) =>
        host
          ? idList(t.nodeAffinity).some((n) => {
              const node = host.nodes.find((h) => h.id === n);
              return !node || onlineCpusOf(host, node).length === 0;
            })
          : t.nodeAffinity !== undefined,
      ),
    }),
  ],
  [
    /Setting CPU affinity failed/,
    (_m, layout) => ({
      message: "a thread-context's cpu-affinity names CPUs this host does not have online",
      path: indexPath(layout.threadContexts, "threadContexts", (t) => t.cpuAffinity !== undefined),
    }),
  ],
  [
    /Mixing CPU and node affinity/,
    (_m, layout) => ({
      message: "a thread-context sets both node-affinity and cpu-affinity",
      path: indexPath(layout.threadContexts, "threadContexts", (t) => t.cpuAffinity !== undefined && t.nodeAffinity !== undefined),
    }),
  ],
  [
    /Invalid parameter type for 'prealloc-context', expected: thread-context/,
    (_m, layout) => ({
      message: "prealloc-context names an object that is not a thread-context",
      path: indexPath(layout.backends, "backends", (b) => b.preallocContext !== undefined && !layout.threadContexts.some((t) => t.id === b.preallocContext)),
    }),
  ],
  [
    /Device '([^']+)' not found/,
    (m, layout) => ({ message: `the object '${m[1]}' does not exist (a prealloc-context or memdev names it)`, path: indexPath(layout.backends, "backends", (b) => b.preallocContext === m[1]) }),
  ],
  [
    /total memory for NUMA nodes \((0x[0-9a-f]+)\) should equal RAM size \((0x[0-9a-f]+)\)/,
    (m, layout) => {
      const twice = secondUser(layout);
      if (twice) return { message: "two guest nodes use the same memory backend, so the nodes' memory does not add up to -m", path: twice, strong: true };
      if (layout.nodes.length > 0 && layout.nodes.every((n) => n.memdev === undefined && n.mem === undefined)) {
        return { message: "no guest node has memory (memdev= or mem=)", path: "nodes", strong: true };
      }
      return { message: `the guest nodes' memory (${Number(m[1]) / 2 ** 20} MiB) differs from -m (${Number(m[2]) / 2 ** 20} MiB)`, path: "memory", strong: true };
    },
  ],
  [
    /memory backend (\S+) can't be used multiple times/,
    (m, layout) => ({ message: `backend ${m[1]} is used by more than one guest node`, path: secondUser(layout, m[1]) ?? indexPath(layout.nodes, "nodes", (n) => n.memdev === m[1]), strong: true }),
  ],
  [
    /'-machine memory-backend' and '-numa memdev' properties are mutually exclusive/,
    () => ({ message: "-machine memory-backend= cannot be used together with -numa memdev=", path: "machine.memoryBackend", strong: true }),
  ],
  [/Memory backend '([^']+)' not found/, () => ({ message: "-machine memory-backend= names no memory backend", path: "machine.memoryBackend", strong: true })],
  [/Machine memory size does not match the size of the memory backend/, () => ({ message: "-machine memory-backend= is not the size of -m", path: "machine.memoryBackend" })],
  [/memdev=([^ ]+) is ambiguous/, (m, layout) => ({ message: `memdev=${m[1]} names no memory backend`, path: indexPath(layout.nodes, "nodes", (n) => n.memdev === m[1]) })],
  [/CPU index \((\d+)\) should be smaller than maxcpus \((\d+)\)/, (m) => ({ message: `a guest node names vCPU ${m[1]}, but -smp allows ${m[2]}`, path: "smp" })],
  [/CPU is already assigned to node-id: (\d+)/, (m) => ({ message: `a vCPU of this guest node is already in guest node ${m[1]}` })],
  [/numa: Node ID missing: (\d+)/, (m) => ({ message: `guest node id ${m[1]} is missing; QEMU wants ids without gaps`, path: "nodes" })],
  [/Duplicate NUMA nodeid/, () => ({ message: "two guest nodes have the same nodeid" })],
  [/Parameter -numa node,mem is not supported by this machine type/, () => ({ message: "this machine type takes memdev= for guest node memory, not mem=" })],
  [/numa configuration should use either mem= or memdev=/, () => ({ message: "guest nodes mix mem= and memdev=" })],
  [/The distance between node (\d+) and (\d+) is missing/, (m) => ({ message: `-numa dist gives no distance between guest nodes ${m[1]} and ${m[2]}`, path: "distances", strong: true })],
  [/At least one asymmetrical pair of distances is given/, () => ({ message: "an asymmetric -numa dist table needs both directions of every pair", path: "distances", strong: true })],
  [/Source\/Destination NUMA node is missing/, () => ({ message: "-numa dist names a guest node not declared before it" })],
  [/Local distance of node (\d+) should be 10/, (m) => ({ message: `guest node ${m[1]}'s distance to itself must be 10` })],
  [/NUMA distance \((\d+)\) is invalid/, (m) => ({ message: `distance ${m[1]} is below 10` })],
  [
    /The initiator of NUMA node (\d+) is invalid/,
    (m, layout) => ({ message: `guest node ${m[1]}'s initiator= is not a node with CPUs`, path: indexPath(layout.nodes, "nodes", (_n, i) => guestNodeId(layout, i) === Number(m[1])), strong: true }),
  ],
  [
    /NUMA node (\d+) is missing, use '-numa node'/,
    (m, layout) => ({ message: `guest node ${m[1]} does not exist`, path: indexPath(layout.nodes, "nodes", (n) => n.initiator === Number(m[1])) ?? "nodes", strong: true }),
  ],
  [/Heterogeneous Memory Attribute Table \(HMAT\) is disabled/, () => ({ message: "initiator= and -numa hmat-* need -machine hmat=on", path: "machine" })],
  [/NUMA is not supported by this machine-type/, () => ({ message: "this machine type has no NUMA; use q35 or pc", path: "machine.type", strong: true })],
  [/Invalid CPU topology: (.*)/, (m) => ({ message: `-smp: ${m[1]}`, path: "smp", strong: true })],
  [/clusters not supported by this machine's CPU topology/, () => ({ message: "-smp clusters= is not supported by this machine type", path: "smp", strong: true })],
  [/Invalid SMP CPUs (\d+)\. The max CPUs supported by machine '([^']+)' is (\d+)/, (m) => ({ message: `-smp ${m[1]}: machine ${m[2]} takes at most ${m[3]} vCPUs`, path: "smp", strong: true })],
  [/current -smp configuration requires kernel irqchip and X2APIC API support/, () => ({ message: "more than 255 vCPUs need KVM's irqchip with X2APIC (not TCG)", path: "smp", strong: true })],
  [/Parameter 'smp\.(\w+)' is unexpected/, (m) => ({ message: `-smp ${m[1]}= is not an x86 topology level`, path: "smp", strong: true })],
  [/slots specified but no max-size/, () => ({ message: "-m slots= needs maxmem=", path: "memory", strong: true })],
  [/invalid value of maxmem: (.*)/, (m) => ({ message: `-m maxmem=: ${m[1]}`, path: "memory", strong: true })],
  [/unsupported amount of memory slots: (\d+)/, (m) => ({ message: `-m slots=${m[1]} is more than the machine supports`, path: "memory", strong: true })],
  [/no slots where allocated|no free slots available/, () => ({ message: "a memory device needs a free slot: raise -m slots= (and maxmem=)", path: "memory", strong: true })],
  [
    /not enough space, currently (0x[0-9a-f]+) in use of total space for memory devices (0x[0-9a-f]+)/,
    (m) => ({ message: `the memory devices do not fit in the hotplug space (${Number(m[2]) / 2 ** 20} MiB); raise -m maxmem=`, path: "memory", strong: true }),
  ],
  [
    /backend memory size must be multiple of (0x[0-9a-f]+)/,
    (m, layout, _host, at) => {
      const memdev = at ? /(?:^|,)memdev=([^,]+)/.exec(at.value)?.[1] : undefined;
      return {
        message: `a memory device's backend must be a multiple of ${Number(m[1]) / 2 ** 20} MiB`,
        path: indexPath(layout.backends, "backends", (b) => b.id === memdev),
        strong: memdev !== undefined,
      };
    },
  ],
  [/can't use already busy memdev: (\S+)/, (m) => ({ message: `backend ${m[1]} is already used by a guest node or another device` })],
  [/'DIMM property node has value (\d+)' which exceeds the number of numa nodes: (\d+)/, (m) => ({ message: `the device names guest node ${m[1]}, but there are ${m[2]}` })],
  [
    /property 'prealloc-threads' of [\w-]+ doesn't take value '0'/,
    (_m, layout) => ({ message: "prealloc-threads=0 is not allowed", path: indexPath(layout.backends, "backends", (b) => b.preallocThreads === 0) }),
  ],
  [
    /property 'size' of [\w-]+ doesn't take value '0'/,
    (_m, layout) => ({ message: "a memory backend of size 0 is not allowed", path: indexPath(layout.backends, "backends", (b) => backendBytes(b) === 0) }),
  ],
  [/Duplicate ID '([^']+)' for object/, (m) => ({ message: `the object id '${m[1]}' is used twice` })],
  [/Invalid parameter '([^']+)'/, (m) => ({ message: `QEMU does not know the property '${m[1]}'` })],
  [/Parameter '([^']+)' is unexpected/, (m) => ({ message: `QEMU does not know the property '${m[1]}'` })],
  [/Invalid parameter type for '([^']+)', expected: (\w+)/, (m) => ({ message: `${m[1]} must be a JSON ${m[2]}` })],
  [/Parameter '([^']+)' expects (.*)/, (m) => ({ message: `${m[1]} expects ${m[2]}` })],
  [/Parameter '([^']+)' is missing/, (m) => ({ message: `${m[1]}= is missing` })],
  [/Parameter 'qom-type' does not accept value '([^']+)'/, (m) => ({ message: `QEMU has no object type '${m[1]}'` })],
  [
    /invalid object type: ([\w-]+)/,
    (m, layout) => ({
      message: `this QEMU cannot create objects of type '${m[1]}' here`,
      path: indexPath(layout.backends, "backends", (b) => `memory-backend-${b.type}` === m[1]) ?? objectArg(layout, m[1]!),
      strong: true,
    }),
  ],
  [/Property '[\w.-]+-machine\.([\w-]+)' not found/, (m) => ({ message: `-machine has no property '${m[1]}'`, path: "machine", strong: true })],
  [/unsupported machine type/, () => ({ message: "QEMU has no such machine type (see -machine help)", path: "machine.type", strong: true })],
  [
    /can't open backing store (\S+) for guest RAM/,
    (m, layout) => ({ message: `the file backend's mem-path ${m[1]} cannot be opened`, path: indexPath(layout.backends, "backends", (b) => b.memPath !== undefined && m[1]!.startsWith(b.memPath)) }),
  ],
  [
    /failed to resize memfd to (\d+)/,
    (m, layout) => ({
      message: "the memfd backend's size is not a whole number of its huge pages, or the host has no pages of that size",
      path: indexPath(layout.backends, "backends", (b) => b.type === "memfd" && backendBytes(b) === Number(m[1])),
    }),
  ],
  [
    /Hugepage size must be a power of 2/,
    (_m, layout) => ({
      message: "hugetlbsize must be a power of 2",
      path: indexPath(layout.backends, "backends", (b) => {
        const p = backendPageSize(b);
        return b.hugetlb === true && (p & (p - 1)) !== 0;
      }),
    }),
  ],
  [
    /unable to map backing store for guest RAM: Cannot allocate memory/,
    (_m, layout, host) => ({ message: "not enough free huge pages for a huge-page backend", path: hugepageShortfall(layout, host) }),
  ],
  [
    /cannot set up guest memory '([^']+)': Cannot allocate memory/,
    (m, layout) => ({ message: `the host cannot give backend ${m[1]} its memory`, path: indexPath(layout.backends, "backends", (b) => b.id === m[1]) }),
  ],
  [
    /Insufficient free host memory pages|preallocating memory failed|Cannot allocate memory/,
    (_m, layout) => ({ message: "the host ran out of memory while QEMU preallocated", path: indexPath(layout.backends, "backends", (b) => b.prealloc === true) }),
  ],
  [
    /'prealloc=on' and 'reserve=off' are incompatible/,
    (_m, layout) => ({ message: "prealloc=on and reserve=off are incompatible", path: indexPath(layout.backends, "backends", (b) => b.prealloc === true && b.extra?.reserve !== undefined) }),
  ],
  [/invalid option/, () => ({ message: "QEMU has no such option" })],
];

/** The passthrough -object of a type, when Numadesk does not model it. */
function objectArg(layout: Layout, qomType: string): string | undefined {
  return indexPath(layout.args, "args", (a) => a.tokens[0] === "-object" && (a.tokens[1]?.startsWith(`${qomType},`) === true || a.tokens[1]?.includes(`"qom-type":"${qomType}"`) === true));
}

/** Every element with its option tokens, in argv order. */
function tokensOf(layout: Layout): Array<{ path: string; tokens: string[]; at: number }> {
  const out: Array<{ path: string; tokens: string[]; at: number }> = [];
  const single = ["name", "machine", "memory", "smp"] as const;
  for (const slot of single) {
    const o = layout[slot]?.origin;
    if (o) out.push({ path: slot, tokens: o.tokens, at: o.at });
  }
  const lists = ["nodes", "distances", "threadContexts", "backends"] as const;
  for (const slot of lists) {
    layout[slot].forEach((e, i) => {
      if (e.origin) out.push({ path: `${slot}[${i}]`, tokens: e.origin.tokens, at: e.origin.at });
    });
  }
  layout.args.forEach((a, i) => out.push({ path: `args[${i}]`, tokens: a.tokens, at: a.at ?? Number.MAX_SAFE_INTEGER }));
  return out.sort((a, b) => a.at - b.at);
}

/** Where QEMU says an option failed: "-object memory-backend-ram,id=m0,…: text" or "-smpp: text". */
function locate(line: string, layout: Layout): { at: Located; rest: string } | undefined {
  let head = "";
  let at: Located | undefined;
  for (const e of tokensOf(layout)) {
    const [opt, value] = e.tokens;
    // "-smpp: invalid option" quotes only the option
    const h = [`${opt} ${value}: `, `${opt}: `].find((x) => line.startsWith(x));
    if (h === undefined || h.length < head.length) continue;
    if (h.length > head.length) at = { paths: [], value: value ?? "" };
    head = h;
    at!.paths.push(e.path);
  }
  return at ? { at, rest: line.slice(head.length) } : undefined;
}

export function explainQemuError(stderr: string, layout: Layout, host?: HostTopology): QemuError | undefined {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^[\w./-]*qemu[\w-]*: (?:.*: )?warning:/.test(l));
  for (const raw of lines) {
    const line = raw.replace(/^[\w./-]*qemu[\w-]*: /, "");
    const located = locate(line, layout);
    const text = located?.rest ?? line;
    for (const [re, find] of PATTERNS) {
      const m = re.exec(text);
      if (!m) continue;
      const found = find(m, layout, host, located?.at);
      // QEMU quotes the second of two identical options when it complains about a duplicate
      const quoted = located ? (/Duplicate/.test(text) ? located.at.paths.at(-1) : located.at.paths[0]) : undefined;
      const path = found.strong ? (found.path ?? quoted) : (quoted ?? found.path);
      return path ? { message: found.message, path, line: raw } : { message: found.message, line: raw };
    }
  }
  const first = lines.find((l) => /qemu[\w-]*: /.test(l)) ?? lines[0];
  if (!first) return undefined;
  const line = first.replace(/^[\w./-]*qemu[\w-]*: /, "");
  const path = locate(line, layout)?.at.paths[0];
  return path ? { message: line, path, line: first } : { message: line, line: first };
}
