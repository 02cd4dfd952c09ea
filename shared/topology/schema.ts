// A host's NUMA topology: nodes with their CPUs and memory, logical CPUs with their socket,
// core and SMT siblings, the distance matrix, and where the description came from. Numbers
// are the OS numbers (`lscpu`, `numactl -H`, sysfs, QEMU's host-nodes= all use them).

import { z } from "zod";
import { hasUnsafeText } from "../text/printable";
import { MAX_TOPOLOGY_NAME } from "./name";

// Words a topology file hands us are printed on terminals: bounded, and no control character or
// bidi override (an escape sequence in a host name would run in every check's header).
const label = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasUnsafeText(s), "holds a control character or a bidirectional override");

export const TOPOLOGY_VERSION = 1;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const id = z.number().int().min(0).max(65535);

export const hugepagesSchema = z
  .object({
    pageSize: count.describe("bytes per huge page, e.g. 2097152"),
    total: count,
    free: count,
    // optional fields were added later (issue 15); topology files without them stay valid
    surplus: count.optional().describe("pages beyond nr_hugepages the kernel gave on demand (overcommit)"),
  })
  .strict();

/** A host-wide huge-page pool (/sys/kernel/mm/hugepages/hugepages-<size>kB): the kernel keeps
 *  the reservation count per size only, not per node. */
export const hugepagePoolSchema = z
  .object({
    pageSize: count,
    total: count,
    free: count,
    reserved: count.describe("free pages promised to mappings that have not touched them yet: not free for a new one"),
    surplus: count,
  })
  .strict();

/** A hugetlbfs mount: a file backend's mem-path there gets pages of the mount's size. */
export const hugetlbfsMountSchema = z
  .object({
    path: z.string().min(1).max(4096),
    pageSize: count,
  })
  .strict();

export const CACHE_TYPES = ["data", "instruction", "unified"] as const;

/** One cache instance, shared by `cpus` (sysfs cpuN/cache/indexM, hwloc's L3Cache, lscpu -p). */
export const cacheSchema = z
  .object({
    level: z.number().int().min(1).max(4),
    type: z.enum(CACHE_TYPES),
    size: count.describe("bytes; 0 when the source does not say"),
    cpus: z.array(id).min(1).describe("CPUs sharing this cache (shared_cpu_list)"),
  })
  .strict();

/** A PCI function from /sys/bus/pci/devices (or a sample). Names are for people; ids decide. */
export const pciDeviceSchema = z
  .object({
    address: z.string().regex(/^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/, "is not a PCI address like 0000:3b:00.0"),
    classCode: z.number().int().min(0).max(0xffffff).describe("24-bit class, subclass, prog-if"),
    vendor: z.number().int().min(0).max(0xffff),
    device: z.number().int().min(0).max(0xffff),
    numaNode: z.number().int().min(-1).max(65535).describe("-1: the firmware does not say"),
    driver: z.string().max(256).optional(),
    iommuGroup: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional(),
    vendorName: z.string().max(256).optional(),
    deviceName: z.string().max(256).optional(),
    className: z.string().max(256).optional(),
  })
  .strict();

export const hostNodeSchema = z
  .object({
    id,
    cpus: z.array(id).describe("online and offline CPUs of this node"),
    memTotal: count.describe("bytes"),
    memFree: count.describe("bytes"),
    hugepages: z.array(hugepagesSchema),
  })
  .strict();

export const hostCpuSchema = z
  .object({
    id,
    node: id,
    socket: id,
    die: id.optional(),
    core: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
    siblings: z.array(id).describe("SMT siblings, this CPU included"),
    online: z.boolean(),
  })
  .strict();

export const SOURCE_KINDS = ["sysfs", "sample", "numactl", "lscpu", "lscpu-p", "hwloc", "libvirt", "json"] as const;

export const topologySchema = z
  .object({
    version: z.literal(TOPOLOGY_VERSION),
    name: label(MAX_TOPOLOGY_NAME).min(1),
    description: label(4096).optional(),
    source: z
      .object({
        kind: z.enum(SOURCE_KINDS),
        detail: label(4096).optional(),
        lacks: z.array(label(1024)).max(64).optional().describe("what the source format could not tell"),
      })
      .strict(),
    nodes: z.array(hostNodeSchema).min(1).max(1024),
    cpus: z.array(hostCpuSchema).max(65536),
    distances: z.array(z.array(z.number().int().min(0).max(255))).describe("row i, column j: distance from nodes[i] to nodes[j]"),
    // Optional host resources (issue 15); absent: the source did not tell.
    hugepagePools: z.array(hugepagePoolSchema).max(16).optional(),
    hugetlbfs: z.array(hugetlbfsMountSchema).max(256).optional(),
    caches: z.array(cacheSchema).max(65536).optional(),
    pciDevices: z.array(pciDeviceSchema).max(4096).optional(),
  })
  .strict();

export type HostTopology = z.infer<typeof topologySchema>;
export type HostNode = z.infer<typeof hostNodeSchema>;
export type HostCpu = z.infer<typeof hostCpuSchema>;
export type Hugepages = z.infer<typeof hugepagesSchema>;
export type HugepagePool = z.infer<typeof hugepagePoolSchema>;
export type HugetlbfsMount = z.infer<typeof hugetlbfsMountSchema>;
export type Cache = z.infer<typeof cacheSchema>;
export type PciDevice = z.infer<typeof pciDeviceSchema>;
