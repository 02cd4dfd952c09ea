// Turn a layout into the argv of a preallocation run: keep everything that shapes memory
// and NUMA, leave out what needs a display, disks or devices, and add what the run needs —
// a paused guest (preallocation needs no running guest), TCG, named threads, a QMP socket.

import type { Layout } from "../layout/schema";
import { backendOrder, generateArgs } from "../qemu/generate";
import { optionName } from "../qemu/options";
import { backendBytes, backendPageSize } from "../qemu/prealloc";
import { idList } from "../cpulist/cpulist";

export interface RunArgs {
  layout: Layout;
  args: string[];
  /** options of the layout that the run leaves out, as written */
  dropped: string[];
  /** backend ids in creation (command-line) order */
  backendOrder: string[];
  /** bytes QEMU will touch before it answers on QMP */
  preallocBytes: number;
  /** huge pages needed: page size → host node (or -1: any) → pages */
  hugepages: Map<number, Map<number, number>>;
}

// Options kept for the run besides the modelled ones: they shape guest NUMA, not devices.
const KEEP = new Set(["numa"]);

export interface RunOptions {
  qmpSocket: string;
  /** QEMU < 11 names threads only with -name debug-threads=on */
  nameThreads: boolean;
}

export function prepareRunArgs(layout: Layout, opts: RunOptions): RunArgs {
  const run: Layout = structuredClone(layout);
  const dropped: string[] = [];
  run.args = run.args.filter((a) => {
    const name = optionName(a.tokens[0] ?? "");
    if (name && KEEP.has(name)) return true;
    dropped.push(a.tokens.join(" "));
    return false;
  });
  if (run.machine?.extra && "accel" in run.machine.extra) {
    const { accel, ...rest } = run.machine.extra;
    dropped.push(`-machine accel=${String(accel)}`);
    run.machine.extra = rest;
  }
  if (opts.nameThreads && !run.name?.debugThreads) run.name = { ...(run.name ?? {}), debugThreads: true };
  delete run.qemu;
  const args = [
    ...generateArgs(run),
    "-S",
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-accel",
    "tcg",
    "-qmp",
    `unix:${opts.qmpSocket},server=on,wait=off`,
  ];
  const order = backendOrder(run, args);
  const hugepages = new Map<number, Map<number, number>>();
  let preallocBytes = 0;
  for (const b of run.backends) {
    if (!b.prealloc) continue;
    preallocBytes += backendBytes(b);
    if (b.hugetlb) {
      const page = backendPageSize(b);
      const nodes = b.policy === "bind" ? idList(b.hostNodes) : [];
      const perNode = hugepages.get(page) ?? new Map<number, number>();
      const key = nodes.length === 1 ? nodes[0]! : -1;
      perNode.set(key, (perNode.get(key) ?? 0) + backendBytes(b) / page);
      hugepages.set(page, perNode);
    }
  }
  return { layout: run, args, dropped, backendOrder: order, preallocBytes, hugepages };
}
