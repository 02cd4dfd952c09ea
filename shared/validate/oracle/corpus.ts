// The oracle corpus: small QEMU command lines, each with what the real QEMU binary did with it
// (recorded by `npm run oracle:record`), and the host and QEMU version it was recorded on. The
// checker is measured against it: run on the recorded host, it must agree with QEMU's verdict
// under the policy in README.md ("Checker agreement").

import { z } from "zod";
import { topologySchema } from "../../topology/schema";

export const recordingSchema = z
  .object({
    verdict: z.enum(["accepted", "refused"]),
    exit: z.number().int().nullable(),
    stderr: z.string().max(4000),
    phase: z
      .enum(["before-greeting", "after-greeting"])
      .optional()
      .describe("refusals only: had QEMU sent its QMP greeting before it exited (as observed; for machine-init errors this depends on timing)"),
    qemuVersion: z.string(),
  })
  .strict();

export const corpusEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    class: z.string().min(1).describe("what the line exercises, for the agreement table"),
    line: z.string().min(1),
    note: z.string(),
    element: z.string().optional().describe("refusals: the layout element QEMU's error is about, as a JSON path, or arg:TEXT for the passthrough argument with that token"),
    record: recordingSchema.optional(),
  })
  .strict();

export const corpusSchema = z
  .object({
    version: z.literal(1),
    qemuVersion: z.string().optional(),
    qemuHelp: z
      .object({ options: z.array(z.string()), objectTypes: z.array(z.string()), machineTypes: z.array(z.string()), machineProps: z.record(z.string(), z.array(z.string())).optional() })
      .strict()
      .optional()
      .describe("what the recording binary lists in -help, -object help, -machine help"),
    recordedAt: z.string().optional(),
    /** huge pages reserved on the host while recording (restored afterwards) */
    hugepages: z.string().optional(),
    host: topologySchema.optional(),
    memPaths: z
      .record(z.string(), z.enum(["dir", "file", "creatable", "missing"]))
      .optional()
      .describe("what the recording host's file system said of each mem-path"),
    entries: z.array(corpusEntrySchema),
  })
  .strict();

export type Corpus = z.infer<typeof corpusSchema>;
export type CorpusEntry = z.infer<typeof corpusEntrySchema>;
export type Recording = z.infer<typeof recordingSchema>;
