// The lab demo: the seed's pair (without and with a thread-context) scaled to the lab.

import { LAYOUT_VERSION, type Layout } from "../../shared/layout/schema";
import type { LabNodes } from "../../shared/lab/topology";

export interface LabJob {
  label: string;
  layout: Layout;
}

/** The seed's pair, scaled to the lab: one backend bound to the last node, without and with a thread-context there. */
export function demoJobs(nodes: LabNodes, size = "256M"): LabJob[] {
  const target = nodes - 1;
  const base = (withContext: boolean): Layout => ({
    version: LAYOUT_VERSION,
    title: withContext ? `node ${target}, with thread-context` : `node ${target}, without thread-context`,
    name: { debugThreads: true },
    memory: { size },
    smp: { cpus: 2 },
    nodes: [{ nodeid: 0, cpus: "0-1", memdev: "ram0" }],
    distances: [],
    threadContexts: withContext ? [{ id: `tc${target}`, nodeAffinity: String(target) }] : [],
    // memfd gets 4 KiB pages in the guest: the threads live long enough to be watched
    backends: [{ id: "ram0", type: "memfd", size, hostNodes: String(target), policy: "bind", prealloc: true, preallocThreads: 2, ...(withContext ? { preallocContext: `tc${target}` } : {}) }],
    args: [],
  });
  return [
    { label: `without thread-context (node ${target})`, layout: base(false) },
    { label: `with thread-context (node ${target})`, layout: base(true) },
  ];
}
