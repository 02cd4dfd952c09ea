// A host's NUMA topology: nodes with their CPUs and memory, logical CPUs with their socket,
// core and SMT siblings, the distance matrix, and where the description came from. Numbers
// are the OS numbers (`lscpu`, `numactl -H`, sysfs, QEMU's host-nodes= all use them).

import { z } from "zod";

export const TOPOLOGY_VERSION = 1;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const id = z.number().int().min(0).max(65535);

export const hugepagesSchema = z
  .object({
    pageSize: count.describe("bytes per huge page, e.g. 2097152"),
    total: count,
    free: count,
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
    core: z.number().int().min(0).max(2 ** 31),
    siblings: z.array(id).describe("SMT siblings, this CPU included"),
    online: z.boolean(),
  })
  .strict();

export const SOURCE_KINDS = ["sysfs", "sample", "numactl", "lscpu", "lscpu-p", "hwloc", "libvirt", "json"] as const;

export const topologySchema = z
  .object({
    version: z.literal(TOPOLOGY_VERSION),
    name: z.string().min(1),
    description: z.string().optional(),
    source: z
      .object({
        kind: z.enum(SOURCE_KINDS),
        detail: z.string().optional(),
        lacks: z.array(z.string()).optional().describe("what the source format could not tell"),
      })
      .strict(),
    nodes: z.array(hostNodeSchema).min(1).max(1024),
    cpus: z.array(hostCpuSchema).max(65536),
    distances: z.array(z.array(z.number().int().min(0).max(255))).describe("row i, column j: distance from nodes[i] to nodes[j]"),
  })
  .strict();

export type HostTopology = z.infer<typeof topologySchema>;
export type HostNode = z.infer<typeof hostNodeSchema>;
export type HostCpu = z.infer<typeof hostCpuSchema>;
export type Hugepages = z.infer<typeof hugepagesSchema>;
