// QEMU's own error messages, mapped to a short explanation and the layout element they are
// about. QEMU's wording changes between versions and many messages do not name the object,
// so the text is only a clue: the element is found from the layout (which backend has a
// host node the host lacks, which backend uses the missing context, …).

import type { Layout } from "../layout/schema";
import type { HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";
import { onlineCpusOf } from "../topology/query";

export interface QemuError {
  /** one sentence for people */
  message: string;
  /** JSON path of the layout element, when it can be told */
  path?: string;
  /** the line of QEMU's stderr this came from */
  line: string;
}

/** `strong`: the element found is the one to change, even when QEMU names another option. */
type Finder = (m: RegExpExecArray, layout: Layout, host?: HostTopology) => { message: string; path?: string; strong?: boolean };

const indexPath = <T>(list: T[], slot: string, pred: (x: T) => boolean): string | undefined => {
  const i = list.findIndex(pred);
  return i >= 0 ? `${slot}[${i}]` : undefined;
};

const PATTERNS: Array<[RegExp, Finder]> = [
  [
    /cannot bind memory to host NUMA nodes/,
    (_m, layout, host) => ({
      message: "a memory backend is bound to a host node this host does not have",
      path: indexPath(layout.backends, "backends", (b) => (host ? idList(b.hostNodes).some((n) => !host.nodes.some((h) => h.id === n)) : b.hostNodes !== undefined)),
    }),
  ],
  [
    /The nodes select no CPUs/,
    (_m, layout, host) => ({
      message: "a thread-context's node-affinity names a node with no CPUs here",
      path: indexPath(layout.threadContexts, "threadContexts", (t) =>
        host ? idList(t.nodeAffinity).some((n) => { const node = host.nodes.find((h) => h.id === n); return !node || onlineCpusOf(host, node).length === 0; }) : t.nodeAffinity !== undefined,
      ),
    }),
  ],
  [/Setting CPU affinity failed/, (_m, layout) => ({ message: "a thread-context's cpu-affinity names CPUs this host does not have online", path: indexPath(layout.threadContexts, "threadContexts", (t) => t.cpuAffinity !== undefined) })],
  [/Mixing CPU and node affinity/, (_m, layout) => ({ message: "a thread-context sets both node-affinity and cpu-affinity", path: indexPath(layout.threadContexts, "threadContexts", (t) => t.cpuAffinity !== undefined && t.nodeAffinity !== undefined) })],
  [/Device '([^']+)' not found/, (m, layout) => ({ message: `the object '${m[1]}' does not exist (a prealloc-context or memdev names it)`, path: indexPath(layout.backends, "backends", (b) => b.preallocContext === m[1]) })],
  [/total memory for NUMA nodes \((0x[0-9a-f]+)\) should equal RAM size \((0x[0-9a-f]+)\)/, (m) => ({ message: `the guest nodes' memory (${Number(m[1]) / 2 ** 20} MiB) differs from -m (${Number(m[2]) / 2 ** 20} MiB)`, path: "memory" })],
  [/Machine memory size does not match the size of the memory backend/, () => ({ message: "-machine memory-backend= is not the size of -m", path: "machine.memoryBackend" })],
  [/memdev=([^ ]+) is ambiguous/, (m, layout) => ({ message: `memdev=${m[1]} names no memory backend`, path: indexPath(layout.nodes, "nodes", (n) => n.memdev === m[1]) })],
  [/CPU index \((\d+)\) should be smaller than maxcpus \((\d+)\)/, (m) => ({ message: `a guest node names vCPU ${m[1]}, but -smp allows ${m[2]}`, path: "smp" })],
  [/property 'prealloc-threads' of [\w-]+ doesn't take value '0'/, (_m, layout) => ({ message: "prealloc-threads=0 is not allowed", path: indexPath(layout.backends, "backends", (b) => b.preallocThreads === 0) })],
  [/Invalid parameter '([^']+)'/, (m) => ({ message: `QEMU does not know the property '${m[1]}'` })],
  [/Parameter 'qom-type' does not accept value '([^']+)'/, (m) => ({ message: `QEMU has no object type '${m[1]}'` })],
  [/unable to map backing store for guest RAM: Cannot allocate memory/, (_m, layout) => ({ message: "not enough free huge pages for a huge-page backend", path: indexPath(layout.backends, "backends", (b) => b.hugetlb === true || b.memPath !== undefined) })],
  [/cannot set up guest memory '([^']+)': Cannot allocate memory/, (m, layout) => ({ message: `the host cannot give backend ${m[1]} its memory`, path: indexPath(layout.backends, "backends", (b) => b.id === m[1]) })],
  [/Insufficient free host memory pages|preallocating memory failed|Cannot allocate memory/, (_m, layout) => ({ message: "the host ran out of memory while QEMU preallocated", path: indexPath(layout.backends, "backends", (b) => b.prealloc === true) })],
  [/'prealloc=on' and 'reserve=off' are incompatible/, (_m, layout) => ({ message: "prealloc=on and reserve=off are incompatible", path: indexPath(layout.backends, "backends", (b) => b.prealloc === true && b.extra?.reserve !== undefined) })],
  [/NUMA is not supported by this machine-type/, () => ({ message: "this machine type has no NUMA; use q35 or pc", path: "machine.type", strong: true })],
];

/** Where QEMU says an option failed: "qemu-system-x86_64: -object memory-backend-ram,id=m0,…: text". */
function locate(line: string, layout: Layout): string | undefined {
  const m = /^(-[\w-]+) (\S+): /.exec(line);
  if (!m) return undefined;
  const value = m[2]!;
  const id = /(?:^|,)id=([^,]+)/.exec(value)?.[1];
  if (id) {
    return indexPath(layout.backends, "backends", (b) => b.id === id) ?? indexPath(layout.threadContexts, "threadContexts", (t) => t.id === id);
  }
  if (m[1] === "-numa") {
    const nodeid = /nodeid=(\d+)/.exec(value)?.[1];
    if (nodeid !== undefined) return indexPath(layout.nodes, "nodes", (n) => n.nodeid === Number(nodeid));
  }
  if (m[1] === "-m") return "memory";
  if (m[1] === "-smp") return "smp";
  if (m[1] === "-machine" || m[1] === "-M") return "machine";
  return undefined;
}

export function explainQemuError(stderr: string, layout: Layout, host?: HostTopology): QemuError | undefined {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^qemu-system-[\w-]+: warning:/.test(l));
  for (const raw of lines) {
    const line = raw.replace(/^[\w./-]*qemu[\w-]*: /, "");
    for (const [re, find] of PATTERNS) {
      const m = re.exec(line);
      if (!m) continue;
      const found = find(m, layout, host);
      const path = found.strong ? found.path : (locate(line, layout) ?? found.path);
      return path ? { message: found.message, path, line: raw } : { message: found.message, line: raw };
    }
  }
  const first = lines.find((l) => /qemu[\w-]*: /.test(l)) ?? lines[0];
  if (!first) return undefined;
  const line = first.replace(/^[\w./-]*qemu[\w-]*: /, "");
  const path = locate(line, layout);
  return path ? { message: line, path, line: first } : { message: line, line: first };
}
