// What a run found of its pinning: every QEMU thread, its role, the CPUs the kernel allows it
// (/proc/PID/task/TID/status Cpus_allowed_list) and whether that is what the design says.
// Thread names are QEMU's with -name debug-threads=on (QEMU 7.2, measured): "CPU N/TCG" or
// "CPU N/KVM" for vCPUs, "IO <id>" for I/O threads, "TC <id>" for thread-contexts,
// "touch_pages" for preallocation workers; the main thread's id is the process id.

import { z } from "zod";
import type { Layout } from "../layout/schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { emulatorHostSet, iothreadHostSet, vcpuHostSets } from "../pin/resolve";

export const THREAD_ROLES = ["vcpu", "emulator", "iothread", "thread-context", "prealloc"] as const;
export type ThreadRole = (typeof THREAD_ROLES)[number];

export const pinnedThreadSchema = z
  .object({
    tid: z.number().int().min(0),
    name: z.string().max(64),
    role: z.enum(THREAD_ROLES),
    /** vCPU index or I/O thread id */
    of: z.union([z.number().int().min(0), z.string().max(64)]).optional(),
    allowed: z.string().max(100_000).describe("Cpus_allowed_list, read back"),
    expected: z.string().max(100_000).optional().describe("the design's set; absent: the design does not pin it"),
    matches: z.boolean().optional(),
  })
  .strict();

export const pinReportSchema = z
  .object({
    /** QEMU's status when the last pin was set: "prelaunch" means no guest code had run */
    statusWhenPinned: z.string().max(64),
    threads: z.array(pinnedThreadSchema).max(100_000),
    /** pins that could not be set, in the kernel's or taskset's words */
    errors: z.array(z.string().max(1000)).max(1000).optional(),
  })
  .strict();

export type PinnedThread = z.infer<typeof pinnedThreadSchema>;
export type PinReport = z.infer<typeof pinReportSchema>;

/** A thread's role from its name (and whether it is the main thread). */
export function threadRole(name: string, isMain: boolean): { role: ThreadRole; of?: number | string } {
  const cpu = /^CPU (\d+)\/(?:TCG|KVM|HVF|WHPX)$/.exec(name);
  if (cpu) return { role: "vcpu", of: Number(cpu[1]) };
  if (!isMain && name.startsWith("IO ")) return { role: "iothread", of: name.slice(3) };
  if (!isMain && name.startsWith("TC ")) return { role: "thread-context", of: name.slice(3) };
  if (!isMain && name === "touch_pages") return { role: "prealloc" };
  return { role: "emulator" };
}

/** A thread's role in this layout: an "IO" thread that is not one of the layout's I/O threads
 *  (QEMU's own monitor thread, "IO mon_iothread") belongs with the emulator, as libvirt's
 *  emulatorpin covers every thread that is neither a vCPU nor a configured I/O thread. */
export function threadRoleIn(layout: Layout, name: string, isMain: boolean): { role: ThreadRole; of?: number | string } {
  const r = threadRole(name, isMain);
  if (r.role === "iothread" && !(layout.iothreads ?? []).some((x) => `IO ${x.id}`.slice(0, 15) === name)) return { role: "emulator" };
  return r;
}

/** The CPU set the design gives a thread; undefined where it says nothing. Thread-contexts and preallocation workers keep QEMU's own. */
export function designedSet(layout: Layout, role: ThreadRole, of: number | string | undefined): readonly number[] | undefined {
  switch (role) {
    case "vcpu":
      return vcpuHostSets(layout).get(of as number);
    case "iothread": {
      // the kernel keeps 15 bytes of a thread name: match I/O thread ids by that prefix
      const t = (layout.iothreads ?? []).find((x) => `IO ${x.id}`.slice(0, 15) === `IO ${String(of)}`);
      return t ? iothreadHostSet(layout, t.id) : undefined;
    }
    case "emulator":
      return emulatorHostSet(layout);
    default:
      return undefined;
  }
}

/** One thread as read back, judged against the design. */
export function judgeThread(layout: Layout, tid: number, name: string, isMain: boolean, allowed: string): PinnedThread {
  const { role, of } = threadRoleIn(layout, name, isMain);
  const want = designedSet(layout, role, of);
  const t: PinnedThread = { tid, name, role, allowed, ...(of !== undefined ? { of } : {}) };
  if (want) {
    t.expected = formatIdList(want);
    t.matches = formatIdList(idList(allowed)) === t.expected;
  }
  return t;
}

/** Does the run have pins to apply? (a layout without any keeps the run as it was: paused, never continued) */
export function hasPinning(layout: Layout): boolean {
  const p = layout.pinning;
  return (p !== undefined && (p.vcpus?.length || p.emulator !== undefined || p.process !== undefined)) || (layout.iothreads ?? []).some((t) => t.hostCpus !== undefined) ? true : false;
}

/** One sentence on a run's pinning: how many threads, QEMU's status then, whether all match. */
export function pinHeadline(p: PinReport): string {
  const bad = p.threads.filter((t) => t.matches === false).length;
  const pinned = p.threads.filter((t) => t.matches !== undefined).length;
  return `pinning: ${pinned} thread${pinned === 1 ? "" : "s"} pinned while QEMU was ${p.statusWhenPinned}${bad ? `; ${bad} not where the design says` : ", all where the design says"}`;
}

/** The pinning part of a run's summary, as text. */
export function formatPinReport(p: PinReport): string {
  const rows = [["thread", "tid", "role", "allowed", "design", "matches"]];
  for (const t of p.threads)
    rows.push([t.name, String(t.tid), t.role + (t.of !== undefined ? ` ${t.of}` : ""), t.allowed, t.expected ?? "(not pinned)", t.matches === undefined ? "" : t.matches ? "yes" : "NO"]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  return [pinHeadline(p), "", ...lines, ...(p.errors ?? []).map((e) => `error: ${e}`)].join("\n") + "\n";
}
