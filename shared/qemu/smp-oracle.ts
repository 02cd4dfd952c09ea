// The -smp oracle table: -smp strings with what real QEMU 7.2 and 10.0 did with each
// (recorded by scripts/record-smp-oracle.ts with `-machine M -m 64M -smp S -S -accel tcg
// -nodefaults -display none`), so the checker's -smp rules can be held to QEMU's verdicts.

import { z } from "zod";

export const smpRecordSchema = z.object({ verdict: z.enum(["accepted", "refused"]), stderr: z.string().max(4000) }).strict();

export const smpOracleSchema = z
  .object({
    recordedAt: z.string().optional(),
    cases: z.array(
      z
        .object({
          smp: z.string().min(1),
          machine: z.string().min(1),
          note: z.string(),
          /** by QEMU version, e.g. "7.2.22" */
          records: z.record(z.string(), smpRecordSchema),
        })
        .strict(),
    ),
  })
  .strict();

export type SmpOracle = z.infer<typeof smpOracleSchema>;
