// Memory the host can give now (/proc/meminfo MemAvailable; per-node sysfs figures lag in
// VMs that online memory lazily) and what a QEMU process holds (/proc/PID/smaps_rollup).

import { readFileSync } from "node:fs";
import { meminfoField } from "../probe/sysfs";

export function memAvailable(path = "/proc/meminfo"): number | undefined {
  try {
    return meminfoField(readFileSync(path, "utf8"), "MemAvailable");
  } catch {
    return undefined;
  }
}

export interface ProcessMemory {
  rssBytes: number;
  anonHugeBytes: number;
  /** shared/private huge pages of hugetlbfs and memfd hugetlb mappings */
  hugetlbBytes: number;
}

export function processMemory(pid: number): ProcessMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
  return { rssBytes: kb("Rss"), anonHugeBytes: kb("AnonHugePages"), hugetlbBytes: kb("Shared_Hugetlb") + kb("Private_Hugetlb") };
}
