// Where QEMU's threads may run: host CPU sets for vCPUs (per guest node or per vCPU), the
// emulator (main) thread, the I/O threads, and the host CPUs kept for the host. QEMU itself has
// no option for any of this (only thread-contexts for preallocation): it is applied from
// outside with sched_setaffinity on each thread (libvirt's <cputune>, taskset -p), so these
// fields are Numadesk's own and are exported to libvirt XML or a launch script.

import { z } from "zod";
import { parseIdList } from "../cpulist/cpulist";

function cpuList(what: string) {
  return z
    .string()
    .max(1024 * 1024)
    .superRefine((s, ctx) => {
      const r = parseIdList(s, what);
      if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
    })
    .describe(`${what} in cpulist syntax, e.g. 0-25,52-77`);
}

/** SMT policy: how guest vCPUs sit on host cores with several hardware threads. */
export const SMT_POLICIES = ["any", "siblings", "core"] as const;
// any: no rule. siblings: with -smp threads=2, guest thread pairs on host sibling pairs (the
// guest's idea of shared caches is true). core: one vCPU per host core, its siblings left idle.

export const vcpuPinSchema = z
  .object({
    node: z.number().int().min(0).max(65535).optional().describe("a guest node id: every vCPU of that node (node-wide, like libvirt's cpuset)"),
    vcpus: cpuList("vCPU list").optional().describe("these vCPUs (overrides a node-wide pin)"),
    hostCpus: cpuList("host CPU list"),
  })
  .strict()
  .refine((p) => (p.node === undefined) !== (p.vcpus === undefined), { message: "a vCPU pin names either a guest node or vCPUs, not both" });

export const processPinSchema = z
  .object({
    hostCpus: cpuList("host CPU list"),
    words: z
      .array(z.string().max(1024 * 1024))
      .min(2)
      .max(8)
      .optional()
      .describe('the taskset words as written, e.g. ["taskset", "-c", "0-3"]'),
  })
  .strict();

export const pinningSchema = z
  .object({
    vcpus: z.array(vcpuPinSchema).max(65536).optional(),
    emulator: cpuList("host CPU list").optional().describe("the emulator threads: QEMU's main thread and its helpers (libvirt's emulatorpin)"),
    reserved: cpuList("host CPU list").optional().describe("host CPUs kept for the host: no QEMU thread is pinned there"),
    smt: z.enum(SMT_POLICIES).optional(),
    dedicated: z.boolean().optional().describe("each vCPU owns its host CPUs: no other vCPU, emulator or I/O thread runs there"),
    process: processPinSchema.optional().describe("a leading taskset: every QEMU thread starts with this CPU set"),
  })
  .strict();

export type VcpuPin = z.infer<typeof vcpuPinSchema>;
export type Pinning = z.infer<typeof pinningSchema>;
export type SmtPolicy = (typeof SMT_POLICIES)[number];
