// Apply a layout's pinning to a running (paused) QEMU and read it back. Linux has no pinning
// option in QEMU; each thread's affinity is set with sched_setaffinity through util-linux's
// taskset -p (what libvirt does with its own code), by thread id, found by thread name.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { Layout } from "../../shared/layout/schema";
import { formatIdList } from "../../shared/cpulist/cpulist";
import { designedSet, judgeThread, threadRoleIn, type PinnedThread } from "../../shared/run/pin-report";

export interface QemuThread {
  tid: number;
  name: string;
}

/** Every thread of a process with its name; threads that end while we look are skipped. */
export function qemuThreads(pid: number): QemuThread[] {
  const out: QemuThread[] = [];
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.push({ tid: Number(entry), name: readFileSync(`/proc/${pid}/task/${entry}/comm`, "utf8").replace(/\n$/, "") });
    } catch {
      // the thread ended
    }
  }
  return out.sort((a, b) => a.tid - b.tid);
}

/** The kernel's Cpus_allowed_list of one thread. */
export function allowedCpus(pid: number, tid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(\S*)/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Pin every thread the design places; returns what could not be pinned. */
export function applyPins(pid: number, layout: Layout): string[] {
  const errors: string[] = [];
  for (const t of qemuThreads(pid)) {
    const { role, of } = threadRoleIn(layout, t.name, t.tid === pid);
    const set = designedSet(layout, role, of);
    if (!set || set.length === 0) continue;
    try {
      execFileSync("taskset", ["-pc", formatIdList(set), String(t.tid)], { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
    } catch (e) {
      const why = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message)
        .trim()
        .split("\n")[0];
      errors.push(`${t.name} (${t.tid}) to ${formatIdList(set)}: ${why}`);
    }
  }
  return errors;
}

/** Every thread, its CPUs as the kernel has them, judged against the design. */
export function readBackPins(pid: number, layout: Layout): PinnedThread[] {
  return qemuThreads(pid).flatMap((t) => {
    const allowed = allowedCpus(pid, t.tid);
    return allowed === undefined ? [] : [judgeThread(layout, t.tid, t.name, t.tid === pid, allowed)];
  });
}
