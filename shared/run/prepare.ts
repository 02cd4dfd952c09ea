// Turn a layout into the argv of a preallocation run: only what shapes memory and NUMA,
// rendered afresh and checked (allow.ts), plus what the run needs — a paused guest
// (preallocation needs no running guest), TCG, named threads, a QMP socket.

import type { Layout } from "../layout/schema";
import { backendOrder, generateArgs } from "../qemu/generate";
import { checkRunArgv, qmpArg, runLayout } from "./allow";
import { backendBytes, backendPageSize } from "../qemu/prealloc";
import { idList } from "../cpulist/cpulist";

export interface RunArgs {
  layout: Layout;
  args: string[];
  /** options and properties of the layout that the run leaves out, each with why */
  dropped: string[];
  /** why this layout cannot be run (empty: it can); nothing may be spawned otherwise */
  refused: string[];
  /** backend ids in creation (command-line) order */
  backendOrder: string[];
  /** bytes QEMU will touch before it answers on QMP */
  preallocBytes: number;
  /** huge pages needed: page size → host node (or -1: any) → pages */
  hugepages: Map<number, Map<number, number>>;
}

export interface RunOptions {
  qmpSocket: string;
  /** QEMU < 11 names threads only with -name debug-threads=on */
  nameThreads: boolean;
  /** file backends' mem-path as the host side checked and resolved it: backend id → path */
  memPaths?: ReadonlyMap<string, string>;
  /** file backends whose mem-path is on hugetlbfs: backend id → the mount's page size */
  hugePageSizes?: ReadonlyMap<string, number>;
}

export function prepareRunArgs(layout: Layout, opts: RunOptions): RunArgs {
  const { layout: run, dropped, refused } = runLayout(layout);
  for (const b of run.backends) {
    if (b.type !== "file") continue;
    const path = opts.memPaths?.get(b.id);
    if (path === undefined) refused.push(`-object memory-backend-file,id=${b.id}: its mem-path was not checked on this host`);
    else b.memPath = path;
  }
  if (opts.nameThreads && !run.name?.debugThreads) run.name = { ...(run.name ?? {}), debugThreads: true };
  const args = [...generateArgs(run), "-S", "-nodefaults", "-no-user-config", "-display", "none", "-accel", "tcg", "-qmp", qmpArg(opts.qmpSocket)];
  if (refused.length === 0) {
    const memPaths = new Set(run.backends.flatMap((b) => (b.memPath !== undefined ? [b.memPath] : [])));
    refused.push(...checkRunArgv(args, { qmpSocket: opts.qmpSocket, memPaths }).map((p) => `Numadesk built a run command line it does not allow (${p}); please report this`));
  }
  const order = backendOrder(run, args);
  const hugepages = new Map<number, Map<number, number>>();
  let preallocBytes = 0;
  for (const b of run.backends) {
    if (!b.prealloc) continue;
    preallocBytes += backendBytes(b);
    // memfd hugetlb=on, or a file on a hugetlbfs mount: pages from the node's huge-page pool
    const page = b.hugetlb ? backendPageSize(b) : b.type === "file" ? opts.hugePageSizes?.get(b.id) : undefined;
    if (page !== undefined) {
      const nodes = b.policy === "bind" ? idList(b.hostNodes) : [];
      const perNode = hugepages.get(page) ?? new Map<number, number>();
      const key = nodes.length === 1 ? nodes[0]! : -1;
      perNode.set(key, (perNode.get(key) ?? 0) + backendBytes(b) / page);
      hugepages.set(page, perNode);
    }
  }
  return { layout: run, args, dropped, refused, backendOrder: order, preallocBytes, hugepages };
}
