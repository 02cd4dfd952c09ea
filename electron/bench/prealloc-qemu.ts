// A QEMU whose only work is preallocating one memfd backend with several touch_pages workers,
// paused (-S, TCG, no devices), with QMP on its stdio: the greeting on stdout says the
// preallocation is done. The sampler's tests and its benchmark watch these threads.

import { spawn, type ChildProcess } from "node:child_process";
import { findQemu } from "../qemu/discover";

export interface PreallocQemuOptions {
  size: string;
  threads: number;
  /** create the workers from a thread-context on this host node (they start named "TC tc0") */
  contextNode?: number;
}

export function spawnPreallocQemu(o: PreallocQemuOptions): ChildProcess {
  const ctx = o.contextNode !== undefined ? `,prealloc-context=tc0,host-nodes=${o.contextNode},policy=bind` : "";
  const args = [
    ...["-name", "debug-threads=on", "-m", o.size],
    ...(o.contextNode !== undefined ? ["-object", `thread-context,id=tc0,node-affinity=${o.contextNode}`] : []),
    ...["-object", `memory-backend-memfd,id=m0,size=${o.size},prealloc=on,prealloc-threads=${o.threads}${ctx}`],
    ...["-numa", "node,memdev=m0", "-S", "-nodefaults", "-display", "none", "-accel", "tcg", "-qmp", "stdio"],
  ];
  return spawn(findQemu(), args, { stdio: ["pipe", "pipe", "ignore"] });
}
