// A preallocation run: what was launched, how long QEMU took to preallocate, and where
// its threads ran. Shared by the runner (electron/), the CLI, the UI and saved records.

import { z } from "zod";
import { pinReportSchema } from "./pin-report";
import { layoutSchema } from "../layout/schema";
import { hostCpuSchema, hostNodeSchema, hugepagesSchema, topologySchema } from "../topology/schema";

/**
 * 2: the record keeps a copy of the topology it ran on and the page size it got. Version 1
 * records still load (see migrateRecord), marked as having no topology.
 */
export const RUN_RECORD_VERSION = 2;
/** A user's name for a run: one line, short enough for a list row and a plot title. */
export const MAX_RUN_LABEL = 200;

/** One observation of one thread. */
export interface Sample {
  /** ms since spawn */
  t: number;
  tid: number;
  name: string;
  /** last CPU the thread ran on (field 39 of /proc/PID/task/TID/stat) */
  cpu: number;
  /** host node of that CPU */
  node: number;
  /** R running/runnable, D uninterruptible, S sleeping, … */
  state: string;
  /** CPU time used since the previous sample of this thread, in µs (schedstat) */
  ranUs: number;
}

const count = z.number().int().min(0);

export const threadSummarySchema = z
  .object({
    tid: count,
    name: z.string(),
    firstMs: z.number(),
    lastMs: z.number(),
    samples: count,
    cpus: z.array(count),
    /** samples per host node */
    nodes: z.record(z.string(), count),
    states: z.record(z.string(), count),
    cpuTimeMs: z.number(),
    /** the backend this touch_pages thread worked for, when it can be told */
    backend: z.string().optional(),
    /** share of samples on the backend's host nodes (0..1) */
    locality: z.number().min(0).max(1).optional(),
    /** CPUs the thread was allowed to run on (Cpus_allowed_list), when read */
    allowedCpus: z.array(count).optional(),
  })
  .strict();

export const labInfoSchema = z
  .object({
    nodes: count,
    accel: z.enum(["tcg", "kvm"]),
    accelWhy: z.string(),
    kernel: z.string(),
    bootMs: z.number(),
    /** free memory per guest node before the job and when preallocation was done, in KiB */
    freeBeforeKb: z.record(z.string(), count),
    freeAtPreallocKb: z.record(z.string(), count),
  })
  .strict();

export const backendRunSchema = z
  .object({
    id: z.string(),
    bytes: count,
    hostNodes: z.array(count),
    /** touch_pages threads QEMU was expected to start */
    expectedThreads: count,
    /** touch_pages threads seen */
    seenThreads: count,
    locality: z.number().min(0).max(1).optional(),
    /** ms from spawn when its first and last thread were seen */
    firstMs: z.number().optional(),
    lastMs: z.number().optional(),
  })
  .strict();

// Records are hostile input (a file anyone may hand over): every string and array of the
// topology copy is bounded, beyond the bounds of the topology schema itself.
const shortText = z.string().max(500);
export const recordTopologySchema = topologySchema.extend({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  source: topologySchema.shape.source.extend({ detail: shortText.optional(), lacks: z.array(shortText).max(32).optional() }),
  nodes: z
    .array(hostNodeSchema.extend({ cpus: z.array(hostNodeSchema.shape.cpus.element).max(4096), hugepages: z.array(hugepagesSchema).max(8) }))
    .min(1)
    .max(1024),
  cpus: z.array(hostCpuSchema.extend({ siblings: z.array(hostCpuSchema.shape.siblings.element).max(16) })).max(65536),
  distances: z.array(z.array(z.number().int().min(0).max(255)).max(1024)).max(1024),
});

/** The page size the preallocated memory got, as the kernel reported it after the run. */
export const pagesSchema = z
  .object({
    /** hugetlb: huge pages of a hugetlbfs or memfd-hugetlb backend; thp: all in 2 MiB transparent huge pages; base: all 4 KiB; mixed: part THP */
    kind: z.enum(["hugetlb", "thp", "base", "mixed"]),
    /** bytes of the largest page size seen */
    bytes: count,
    /** share of the preallocated memory in transparent huge pages (0..1) */
    thpShare: z.number().min(0).max(1).optional(),
  })
  .strict();

export const runRecordSchema = z
  .object({
    version: z.literal(RUN_RECORD_VERSION),
    id: z.string().regex(/^[A-Za-z0-9._-]+$/),
    kind: z.enum(["host", "lab"]),
    label: z.string().max(MAX_RUN_LABEL).optional(),
    /** set when the record was written as an older version and migrated on load */
    migratedFrom: z.literal(1).optional(),
    startedAt: z.string(),
    layout: layoutSchema,
    argv: z.array(z.string()),
    /** options of the layout left out of the run (display, disks, …) */
    dropped: z.array(z.string()),
    qemu: z.object({ binary: z.string(), version: z.string() }).strict(),
    host: z.object({ name: z.string(), fingerprint: z.string(), nodes: count, cpus: count }).strict(),
    /** the topology the run ran on (this host's, or the lab guest's): its plot is drawn on it. Absent only in migrated version 1 records */
    topology: recordTopologySchema.optional(),
    outcome: z.enum(["ok", "failed", "cancelled", "timeout"]),
    error: z.string().optional(),
    stderr: z.string().optional(),
    timings: z
      .object({
        /** spawn → QMP greeting: QEMU sends it once every backend is preallocated */
        preallocMs: z.number().optional(),
        /** spawn → answer to query-status: the machine is initialised, QEMU accepted the layout */
        readyMs: z.number().optional(),
        /** spawn → process exit */
        totalMs: z.number(),
      })
      .strict(),
    memory: z
      .object({
        preallocBytes: count,
        /** QEMU's resident memory and the part in transparent huge pages, after preallocation */
        rssBytes: count.optional(),
        anonHugeBytes: count.optional(),
        hugetlbBytes: count.optional(),
        pages: pagesSchema.optional(),
      })
      .strict(),
    sampler: z
      .object({
        rateHz: z.number(),
        ticks: count,
        missedTicks: count,
        /** what watching the threads cost, in % of one core (time spent reading and parsing) */
        cpuPercent: z.number(),
        /** proc: /proc sampled at rateHz; tracepoint: every sched_switch and sched_migrate_task of QEMU's threads (absent in older records: proc) */
        mode: z.enum(["proc", "tracepoint"]).optional(),
        /** tracepoint mode: events read, and events the kernel dropped */
        events: count.optional(),
        lost: count.optional(),
        /** why the mode is not the one asked for */
        note: z.string().max(300).optional(),
      })
      .strict(),
    /** bytes populated in each backend over time (host runs, from QEMU's smaps; see shared/run/populated.ts), for replays */
    populated: z
      .object({
        t: z.array(z.number()).max(100_000),
        bytes: z.record(z.string().max(200), z.array(count).max(100_000)),
      })
      .strict()
      .optional(),
    /** a layout with pinning: every QEMU thread's CPUs, read back after pinning */
    pinning: pinReportSchema.optional(),
    /** lab runs: the virtual machine they ran in */
    lab: labInfoSchema.optional(),
    threads: z.array(threadSummarySchema),
    backends: z.array(backendRunSchema),
    samples: z
      .object({
        t: z.array(z.number()),
        tid: z.array(count),
        cpu: z.array(count),
        node: z.array(count),
        state: z.string(),
        ranUs: z.array(z.number()),
      })
      .strict(),
  })
  .strict();

export type RunRecord = z.infer<typeof runRecordSchema>;
export type ThreadSummary = z.infer<typeof threadSummarySchema>;
export type BackendRun = z.infer<typeof backendRunSchema>;
export type LabInfo = z.infer<typeof labInfoSchema>;

/** QEMU 7.2–10.x name their preallocation workers like this (15-byte limit included). */
export const TOUCH_PAGES = "touch_pages";
