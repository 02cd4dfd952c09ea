// The VM layout, as saved in *.numadesk.json and passed between the processes. One schema is
// the source of the TypeScript types, the runtime check of every file and payload, and the
// JSON Schema published in schema/layout.schema.json.

import { z } from "zod";
import { parseSize } from "../size/size";
import { parseIdList } from "../cpulist/cpulist";
import { optionName, takesArgument } from "../qemu/options";
import { topologySchema } from "../topology/schema";
import { pinningSchema } from "../pin/schema";
import { hostDevicesSchema } from "./host-devices";
import { consoleSchema } from "./guest-console";

// Version 2 (2026-11): -object iothread elements and pinning; version-1 files migrate (load.ts).
export const LAYOUT_VERSION = 2;

// Every string a layout holds is bounded and free of NUL: an argv word ends at NUL, so a NUL
// would make QEMU see something else than the layout says (and Node refuses to spawn it).
const NUL_MESSAGE = "contains a NUL character, which no command-line word can hold";
export const MAX_TOKEN = 1024 * 1024;

export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !s.includes("\0"), NUL_MESSAGE);
}

function sizeString(defaultUnit: "B" | "M", description: string) {
  return text(256)
    .superRefine((s, ctx) => {
      const r = parseSize(s, defaultUnit);
      if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
    })
    .describe(description);
}

const objectSize = sizeString("B", "QEMU size: a number of bytes or a number with a suffix K, M, G, T (e.g. 128G)");

function idListString(what: string) {
  return text(MAX_TOKEN)
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
const objectId = text(256).min(1).describe("QEMU object id");

// QEMU's property names (keyval.c: key fragments of letters, digits, '-' and '_', joined by
// '.'): nothing that could end the key early (=), start another property (,) or another word.
export const PROPERTY_KEY = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

// A property value is a scalar, or a list of scalars (libvirt's JSON -object); never nested:
// no QEMU property Numadesk keeps needs more, and a deep value must not be recursed into.
const scalar = z.union([text(MAX_TOKEN), z.number().finite(), z.boolean()]);
const extraValue = z.union([scalar, z.array(z.union([text(4096), z.number().finite(), z.boolean()])).max(4096)]);

/** Properties Numadesk does not model, kept as written: key → value (string in key=value form). */
const extra = z.record(z.string().max(128).regex(PROPERTY_KEY, "is not a QEMU property name (letters, digits, '-', '_', '.')"), extraValue).optional().describe("other properties, kept as written");

/** The option's own spellings: -x and --x, and its aliases. */
function optionSpellings(options: string[]): Set<string> {
  return new Set(options.flatMap((o) => [o, `-${o}`]));
}

/**
 * Where an element came from in an imported command line; lets export reproduce it exactly.
 * The first token must be the element's own option: export writes it as the option's name.
 */
function originFor(...options: string[]) {
  const allowed = optionSpellings(options);
  return z
    .object({
      at: int(0, 1_000_000).describe("index of the option token in the imported argv"),
      tokens: z.tuple([text(64), text(MAX_TOKEN)]).describe("the option and its value as written"),
    })
    .strict()
    .refine((o) => allowed.has(o.tokens[0]), { message: `the option must be ${options.join(" or ")}`, path: ["tokens", 0] })
    .optional();
}

export const memorySchema = z
  .object({
    size: sizeString("M", "-m size; a plain number means MiB, as in QEMU"),
    slots: int(0, 4096).optional(),
    maxmem: sizeString("M", "-m maxmem").optional(),
    extra,
    origin: originFor("-m"),
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
    origin: originFor("-smp"),
  })
  .strict();

export const machineSchema = z
  .object({
    type: text(256).optional().describe("machine type, e.g. q35, pc"),
    memoryBackend: objectId.optional().describe("-machine memory-backend=ID: the backend used as boot RAM"),
    extra,
    origin: originFor("-machine", "-M"),
  })
  .strict();

export const nameSchema = z
  .object({
    guest: text(4096).optional(),
    debugThreads: z.boolean().optional().describe("debug-threads=on: name QEMU's threads (needed before QEMU 11)"),
    extra,
    origin: originFor("-name"),
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
    origin: originFor("-numa"),
  })
  .strict();

export const distanceSchema = z
  .object({
    src: int(0, 65535),
    dst: int(0, 65535),
    val: int(0, 255),
    extra,
    origin: originFor("-numa"),
  })
  .strict();

export const BACKEND_TYPES = ["ram", "memfd", "file"] as const;
export const POLICIES = ["default", "preferred", "bind", "interleave"] as const;

export const backendSchema = z
  .object({
    id: objectId,
    // any host-memory backend, memory-backend-<type>: ram, memfd, file, epc, shm and types
    // Numadesk does not know yet (their other properties are kept in extra)
    type: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,63}$/)
      .describe("the part after memory-backend-: ram, memfd, file, epc, shm, …"),
    size: objectSize,
    hostNodes: idListString("host node list").optional(),
    policy: z.enum(POLICIES).optional(),
    prealloc: z.boolean().optional(),
    // QEMU 7.2 reads prealloc-threads as a uint32 and clamps it (to 16, the host's CPUs, …); 0 is
    // kept so the checker can say QEMU refuses it
    preallocThreads: int(0, 2 ** 32 - 1).optional(),
    preallocContext: objectId.optional(),
    share: z.boolean().optional(),
    hugetlb: z.boolean().optional(),
    hugetlbsize: objectSize.optional(),
    memPath: text(4096).optional(),
    extra,
    origin: originFor("-object"),
  })
  .strict();

export const threadContextSchema = z
  .object({
    id: objectId,
    nodeAffinity: idListString("host node list").optional(),
    cpuAffinity: idListString("host CPU list").optional(),
    extra,
    origin: originFor("-object"),
  })
  .strict();

// -object iothread,id=ID: an event-loop thread for devices (QEMU names it "IO ID" with
// debug-threads=on). hostCpus is Numadesk's, not QEMU's: where the thread is pinned.
export const iothreadSchema = z
  .object({
    id: objectId,
    hostCpus: idListString("host CPU list").optional().describe("host CPUs the I/O thread is pinned to (libvirt's iothreadpin)"),
    extra,
    origin: originFor("-object"),
  })
  .strict();

// One passthrough entry is one option with its value (or a flag, or a bare word): never more,
// so an entry cannot smuggle further options into the command line.
export const argSchema = z
  .object({
    tokens: z.array(text(MAX_TOKEN)).min(1).max(2).describe("an option and its value, kept as written"),
    at: int(0, 1_000_000).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    // zod runs this even when `tokens` itself failed (empty, not strings): look before using
    const first = a.tokens[0];
    if (typeof first !== "string" || a.tokens.length === 1) return;
    const name = optionName(first);
    if (name === undefined) ctx.addIssue({ code: "custom", message: `'${first.slice(0, 40)}' is not an option; a word that is not an option stands alone`, path: ["tokens"] });
    else if (!takesArgument(name)) ctx.addIssue({ code: "custom", message: `${first} takes no value; one entry holds one option`, path: ["tokens"] });
  });

export const qemuSchema = z
  .object({
    binary: text(4096).optional().describe("the QEMU binary as written, e.g. ./qemu-system-x86_64"),
    prefix: z.array(text(4096)).max(64).optional().describe("words before the binary: environment assignments, time"),
  })
  .strict();

/** The host a layout was designed for, so the app reopens it there (a trainer's handout). */
export const layoutTargetSchema = z
  .object({
    kind: z.enum(["host", "sample", "lab", "imported"]).describe("this host, a bundled sample, the NUMA lab, or a topology that came with the file"),
    name: text(200).describe("the sample's name, or how the target was called"),
    nodes: z
      .union([z.literal(2), z.literal(4)])
      .optional()
      .describe("the lab's node count"),
    topology: topologySchema.optional().describe("an imported target's topology, carried along"),
  })
  .strict();

export const layoutSchema = z
  .object({
    version: z.literal(LAYOUT_VERSION),
    title: text(1024).optional(),
    target: layoutTargetSchema.optional(),
    qemu: qemuSchema.optional(),
    name: nameSchema.optional(),
    machine: machineSchema.optional(),
    memory: memorySchema.optional().describe("-m; absent means QEMU's default (128 MiB)"),
    smp: smpSchema.optional(),
    console: consoleSchema.optional().describe("-nographic / -display none and -monitor stdio / none; absent: QEMU's defaults"),
    nodes: z.array(guestNodeSchema).max(4096),
    distances: z.array(distanceSchema).max(65536),
    threadContexts: z.array(threadContextSchema).max(4096),
    backends: z.array(backendSchema).max(4096),
    iothreads: z.array(iothreadSchema).max(4096).optional(),
    pinning: pinningSchema.optional().describe("where vCPU, emulator and I/O threads may run (applied from outside QEMU)"),
    // as many options as a pasted line may have words (MAX_COMMAND_WORDS): a file of 100 000
    // options made every edit in the app take 1–4 s
    args: z.array(argSchema).max(10_000),
    hostDevices: hostDevicesSchema,
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
export type IoThread = z.infer<typeof iothreadSchema>;
export type PassthroughArg = z.infer<typeof argSchema>;
export type LayoutTarget = z.infer<typeof layoutTargetSchema>;
export type Origin = NonNullable<z.infer<typeof backendSchema>["origin"]>;

export function emptyLayout(memory = "1G"): Layout {
  return { version: LAYOUT_VERSION, memory: { size: memory }, nodes: [], distances: [], threadContexts: [], backends: [], args: [] };
}
