// The QEMU options Numadesk understands, as tables: which option, which keys, which layout
// field each key fills and what kind of value it takes. Reading, writing and patching an
// option are generic over these tables (see codec.ts).

import type { ValueKind } from "./values";

export type ElementKind = "name" | "machine" | "memory" | "smp" | "node" | "distance" | "threadContext" | "backend" | "iothread";

export interface FieldSpec {
  key: string;
  field: string;
  kind: ValueKind;
}

export interface ElementSpec {
  kind: ElementKind;
  /** canonical spelling of the option */
  option: string;
  /** the key a bare first value belongs to in key=value form */
  impliedKey?: string;
  /** a key whose value is fixed by the element kind (qom-type, numa type); read by the parser */
  head?: { key: string; value: (e: Record<string, unknown>) => string };
  fields: FieldSpec[];
  /** keys QEMU knows that Numadesk keeps in `extra`; "any" where the option has too many to list */
  otherKeys: ReadonlySet<string> | "any";
  /** the layout collection or field that holds this kind */
  slot: "name" | "machine" | "memory" | "smp" | "nodes" | "distances" | "threadContexts" | "backends" | "iothreads";
}

// hostmem.c (QEMU 7.2–9.x) and the per-type backends.
const BACKEND_OTHER_KEYS = new Set(["merge", "dump", "reserve", "x-use-canonical-path-for-ramblock-id", "seal", "align", "offset", "discard-data", "pmem", "readonly", "rom"]);

export const SPECS: Record<ElementKind, ElementSpec> = {
  name: {
    kind: "name",
    option: "-name",
    impliedKey: "guest",
    slot: "name",
    fields: [
      { key: "guest", field: "guest", kind: "string" },
      { key: "debug-threads", field: "debugThreads", kind: "bool" },
    ],
    // QEMU 7.2's -name takes guest, process and debug-threads; anything else is refused
    // ("Invalid parameter 'debug-thread'")
    otherKeys: new Set(["process"]),
  },
  machine: {
    kind: "machine",
    option: "-machine",
    impliedKey: "type",
    slot: "machine",
    fields: [
      { key: "type", field: "type", kind: "string" },
      { key: "memory-backend", field: "memoryBackend", kind: "string" },
    ],
    otherKeys: "any",
  },
  memory: {
    kind: "memory",
    option: "-m",
    impliedKey: "size",
    slot: "memory",
    fields: [
      { key: "size", field: "size", kind: "sizeM" },
      { key: "slots", field: "slots", kind: "int" },
      { key: "maxmem", field: "maxmem", kind: "sizeM" },
    ],
    otherKeys: new Set(),
  },
  smp: {
    kind: "smp",
    option: "-smp",
    impliedKey: "cpus",
    slot: "smp",
    fields: [
      { key: "cpus", field: "cpus", kind: "int" },
      { key: "maxcpus", field: "maxcpus", kind: "int" },
      { key: "sockets", field: "sockets", kind: "int" },
      { key: "dies", field: "dies", kind: "int" },
      { key: "clusters", field: "clusters", kind: "int" },
      { key: "cores", field: "cores", kind: "int" },
      { key: "threads", field: "threads", kind: "int" },
    ],
    // books and drawers are s390x levels (QEMU ≥ 8.2); on x86 QEMU 7.2 refuses them
    // ("Parameter 'smp.books' is unexpected") and later versions refuse them too. modules (x86,
    // QEMU 9.1+; 7.2 refuses it the same way) is kept as written and judged by version (NUMA039).
    otherKeys: new Set(["modules"]),
  },
  node: {
    kind: "node",
    option: "-numa",
    impliedKey: "type",
    head: { key: "type", value: () => "node" },
    slot: "nodes",
    fields: [
      { key: "nodeid", field: "nodeid", kind: "int" },
      { key: "cpus", field: "cpus", kind: "cpus" },
      { key: "mem", field: "mem", kind: "sizeM" },
      { key: "memdev", field: "memdev", kind: "string" },
      { key: "initiator", field: "initiator", kind: "int" },
    ],
    otherKeys: new Set(),
  },
  distance: {
    kind: "distance",
    option: "-numa",
    impliedKey: "type",
    head: { key: "type", value: () => "dist" },
    slot: "distances",
    fields: [
      { key: "src", field: "src", kind: "int" },
      { key: "dst", field: "dst", kind: "int" },
      { key: "val", field: "val", kind: "int" },
    ],
    otherKeys: new Set(),
  },
  threadContext: {
    kind: "threadContext",
    option: "-object",
    impliedKey: "qom-type",
    head: { key: "qom-type", value: () => "thread-context" },
    slot: "threadContexts",
    fields: [
      { key: "id", field: "id", kind: "string" },
      { key: "node-affinity", field: "nodeAffinity", kind: "list" },
      { key: "cpu-affinity", field: "cpuAffinity", kind: "list" },
    ],
    otherKeys: new Set(),
  },
  iothread: {
    kind: "iothread",
    option: "-object",
    impliedKey: "qom-type",
    head: { key: "qom-type", value: () => "iothread" },
    slot: "iothreads",
    fields: [{ key: "id", field: "id", kind: "string" }],
    // iothread.c (QEMU 7.2): the polling and batching knobs, kept as written
    otherKeys: new Set(["poll-max-ns", "poll-grow", "poll-shrink", "aio-max-batch", "thread-pool-min", "thread-pool-max"]),
  },
  backend: {
    kind: "backend",
    option: "-object",
    impliedKey: "qom-type",
    head: { key: "qom-type", value: (e) => `memory-backend-${String(e.type)}` },
    slot: "backends",
    fields: [
      { key: "id", field: "id", kind: "string" },
      { key: "size", field: "size", kind: "size" },
      { key: "mem-path", field: "memPath", kind: "string" },
      { key: "share", field: "share", kind: "bool" },
      { key: "hugetlb", field: "hugetlb", kind: "bool" },
      { key: "hugetlbsize", field: "hugetlbsize", kind: "size" },
      { key: "host-nodes", field: "hostNodes", kind: "list" },
      { key: "policy", field: "policy", kind: "string" },
      { key: "prealloc", field: "prealloc", kind: "bool" },
      { key: "prealloc-context", field: "preallocContext", kind: "string" },
      { key: "prealloc-threads", field: "preallocThreads", kind: "int" },
    ],
    otherKeys: BACKEND_OTHER_KEYS,
  },
};

/** Keys only one backend type takes (QEMU refuses them on the others). */
export const BACKEND_TYPE_KEYS: Record<string, string> = {
  "mem-path": "file",
  hugetlb: "memfd",
  hugetlbsize: "memfd",
  seal: "memfd",
  align: "file",
  offset: "file",
  "discard-data": "file",
  pmem: "file",
  readonly: "file",
  rom: "file",
};

/** Option spellings QEMU accepts for the same option. */
export const OPTION_ALIASES: Record<string, string> = {
  "-M": "-machine",
};
