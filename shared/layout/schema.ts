// The VM layout, as saved in *.numadesk.json and passed between the processes. One schema is
// the source of the TypeScript types, the runtime check of every file and payload, and the
// JSON Schema published in schema/layout.schema.json.

import { z } from "zod";
import { parseSize } from "../size/size";
import { parseIdList } from "../cpulist/cpulist";

export const LAYOUT_VERSION = 1;

function sizeString(defaultUnit: "B" | "M", description: string) {
  return z
    .string()
    .superRefine((s, ctx) => {
      const r = parseSize(s, defaultUnit);
      if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
    })
    .describe(description);
}

const objectSize = sizeString("B", "QEMU size: a number of bytes or a number with a suffix K, M, G, T (e.g. 128G)");

function idListString(what: string) {
  return z
    .string()
    .superRefine((s, ctx) => {
      const r = parseIdList(s, what);
      if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
    })
    .describe(`${what} in cpulist syntax, e.g. 0-25,52-77`);
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);

// QEMU object ids: a letter first, then letters, digits, '-', '.', '_' (id_wellformed()).
// The schema only asks for a non-empty string so a bad id imported from a command line can
// still be saved and reported by validation (NUMA008).
const objectId = z.string().min(1).max(256).describe("QEMU object id");

const jsonValue: z.ZodType<unknown> = z.unknown();

/** Properties Numadesk does not model, kept as written: key → value (string in key=value form). */
const extra = z.record(z.string(), jsonValue).optional().describe("other properties, kept as written");

/** Where an element came from in an imported command line; lets export reproduce it exactly. */
export const originSchema = z
  .object({
    at: int(0, 1_000_000).describe("index of the option token in the imported argv"),
    tokens: z.array(z.string()).min(1).max(2).describe("the option and its value as written"),
  })
  .strict()
  .optional();

export const memorySchema = z
  .object({
    size: sizeString("M", "-m size; a plain number means MiB, as in QEMU"),
    slots: int(0, 4096).optional(),
    maxmem: sizeString("M", "-m maxmem").optional(),
    extra,
    origin: originSchema,
  })
  .strict();

export const smpSchema = z
  .object({
    cpus: int(1, 65536).optional(),
    maxcpus: int(1, 65536).optional(),
    sockets: int(1, 65536).optional(),
    dies: int(1, 65536).optional(),
    clusters: int(1, 65536).optional(),
    cores: int(1, 65536).optional(),
    threads: int(1, 65536).optional(),
    extra,
    origin: originSchema,
  })
  .strict();

export const machineSchema = z
  .object({
    type: z.string().optional().describe("machine type, e.g. q35, pc"),
    memoryBackend: objectId.optional().describe("-machine memory-backend=ID: the backend used as boot RAM"),
    extra,
    origin: originSchema,
  })
  .strict();

export const nameSchema = z
  .object({
    guest: z.string().optional(),
    debugThreads: z.boolean().optional().describe("debug-threads=on: name QEMU's threads (needed before QEMU 11)"),
    extra,
    origin: originSchema,
  })
  .strict();

export const guestNodeSchema = z
  .object({
    nodeid: int(0, 65535).optional(),
    cpus: idListString("vCPU list").optional(),
    memdev: objectId.optional(),
    mem: sizeString("M", "legacy -numa node,mem= (QEMU < 5.1 machine types)").optional(),
    initiator: int(0, 65535).optional(),
    extra,
    origin: originSchema,
  })
  .strict();

export const distanceSchema = z
  .object({
    src: int(0, 65535),
    dst: int(0, 65535),
    val: int(0, 255),
    extra,
    origin: originSchema,
  })
  .strict();

export const BACKEND_TYPES = ["ram", "memfd", "file"] as const;
export const POLICIES = ["default", "preferred", "bind", "interleave"] as const;

export const backendSchema = z
  .object({
    id: objectId,
    type: z.enum(BACKEND_TYPES).describe("memory-backend-ram, -memfd or -file"),
    size: objectSize,
    hostNodes: idListString("host node list").optional(),
    policy: z.enum(POLICIES).optional(),
    prealloc: z.boolean().optional(),
    preallocThreads: int(0, 65536).optional(),
    preallocContext: objectId.optional(),
    share: z.boolean().optional(),
    hugetlb: z.boolean().optional(),
    hugetlbsize: objectSize.optional(),
    memPath: z.string().optional(),
    extra,
    origin: originSchema,
  })
  .strict();

export const threadContextSchema = z
  .object({
    id: objectId,
    nodeAffinity: idListString("host node list").optional(),
    cpuAffinity: idListString("host CPU list").optional(),
    extra,
    origin: originSchema,
  })
  .strict();

export const argSchema = z
  .object({
    tokens: z.array(z.string()).min(1).describe("an option and its value, kept as written"),
    at: int(0, 1_000_000).optional(),
  })
  .strict();

export const qemuSchema = z
  .object({
    binary: z.string().optional().describe("the QEMU binary as written, e.g. ./qemu-system-x86_64"),
    prefix: z.array(z.string()).optional().describe("words before the binary: environment assignments, time"),
  })
  .strict();

export const layoutSchema = z
  .object({
    version: z.literal(LAYOUT_VERSION),
    title: z.string().optional(),
    qemu: qemuSchema.optional(),
    name: nameSchema.optional(),
    machine: machineSchema.optional(),
    memory: memorySchema.optional().describe("-m; absent means QEMU's default (128 MiB)"),
    smp: smpSchema.optional(),
    nodes: z.array(guestNodeSchema).max(4096),
    distances: z.array(distanceSchema).max(65536),
    threadContexts: z.array(threadContextSchema).max(4096),
    backends: z.array(backendSchema).max(4096),
    args: z.array(argSchema).max(100_000),
  })
  .strict();

export type Layout = z.infer<typeof layoutSchema>;
export type MemoryOpt = z.infer<typeof memorySchema>;
export type SmpOpt = z.infer<typeof smpSchema>;
export type MachineOpt = z.infer<typeof machineSchema>;
export type NameOpt = z.infer<typeof nameSchema>;
export type GuestNode = z.infer<typeof guestNodeSchema>;
export type Distance = z.infer<typeof distanceSchema>;
export type Backend = z.infer<typeof backendSchema>;
export type BackendType = Backend["type"];
export type Policy = NonNullable<Backend["policy"]>;
export type ThreadContext = z.infer<typeof threadContextSchema>;
export type PassthroughArg = z.infer<typeof argSchema>;
export type Origin = NonNullable<z.infer<typeof originSchema>>;

export function emptyLayout(memory = "1G"): Layout {
  return { version: LAYOUT_VERSION, memory: { size: memory }, nodes: [], distances: [], threadContexts: [], backends: [], args: [] };
}
