// CPU caches from sysfs: cpuN/cache/indexM/{level,type,size,shared_cpu_list}, one instance per
// distinct (level, type, CPUs sharing it). An L3 shared by a subset of a node's CPUs is an AMD
// CCX/CCD or an Intel sub-NUMA cluster: the group a guest node should stay inside.

import { join } from "node:path";
import type { Cache } from "../../shared/topology/schema";
import { LIVE, type SysfsReader } from "./sysfs-attr";
import type { SysfsLacks } from "./sysfs-lacks";

const TYPES: Record<string, Cache["type"]> = { Data: "data", Instruction: "instruction", Unified: "unified" };

/** "32768K" → bytes; the kernel writes KiB with a K suffix */
export function cacheSize(text: string | undefined): number {
  const m = /^(\d{1,12})([KMG]?)$/.exec(text?.trim() ?? "");
  if (!m) return 0;
  return Number(m[1]) * { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as "" | "K" | "M" | "G"];
}

// Caches do not change while a host runs; a probe reads them once every few seconds at most
// (four files per cache per CPU would otherwise be most of a probe's reads).
const FRESH_MS = 10_000;
const memo = new Map<string, { at: number; caches: Cache[] }>();

/** Forget the kept caches: the next probe reads them as a fresh process does (the bench's baseline). */
export function forgetCaches(): void {
  memo.clear();
}

/** `lacks`: where a copy's cache attribute is missing or not what the kernel writes (said, not guessed silently). */
export function readCaches(cpuRoot: string, cpuIds: number[], r: SysfsReader = LIVE, lacks?: SysfsLacks): Cache[] {
  const key = `${cpuRoot}\0${cpuIds.join(",")}`;
  // only the live /sys: a copy handed to us is read afresh each time (it may be being damaged)
  const live = cpuRoot === "/sys/devices/system/cpu";
  const hit = live ? memo.get(key) : undefined;
  if (hit && Date.now() - hit.at < FRESH_MS) return structuredClone(hit.caches);
  const caches = readCachesNow(cpuRoot, cpuIds, r, lacks);
  if (live) memo.set(key, { at: Date.now(), caches: structuredClone(caches) });
  return caches;
}

function readCachesNow(cpuRoot: string, cpuIds: number[], r: SysfsReader, lacks?: SysfsLacks): Cache[] {
  const seen = new Map<string, Cache>();
  for (const cpu of cpuIds) {
    const dir = join(cpuRoot, `cpu${cpu}`, "cache");
    for (const index of r.numberedEntries(dir, "index").slice(0, 16)) {
      const d = join(dir, `index${index}`);
      const file = (name: string) => `cpu/cpuN/cache/index${index}/${name}`;
      const levelText = r.text(join(d, "level"));
      const level = r.int(join(d, "level"));
      const typeText = r.text(join(d, "type"));
      const type = TYPES[typeText?.trim() ?? ""];
      if (level === undefined || level < 1 || level > 4) {
        lacks?.note(file("level"), cpu, levelText === undefined ? "is missing: the cache is left out" : "is not a cache level (1-4): the cache is left out", levelText);
        continue;
      }
      if (type === undefined) {
        lacks?.note(file("type"), cpu, typeText === undefined ? "is missing: the cache is left out" : "is not Data, Instruction or Unified: the cache is left out", typeText);
        continue;
      }
      const listed = r.list(join(d, "shared_cpu_list"));
      if (listed === undefined) lacks?.note(file("shared_cpu_list"), cpu, "is missing or not a CPU list: the cache is taken as the CPU's alone", r.text(join(d, "shared_cpu_list")));
      const cpus = listed ?? [cpu];
      const sizeText = r.text(join(d, "size"));
      const size = cacheSize(sizeText);
      if (size === 0) lacks?.note(file("size"), cpu, sizeText === undefined ? "is missing: the cache's size is taken as 0" : "is not a size in K, M or G: the cache's size is taken as 0", sizeText);
      const key = `${level}/${type}/${cpus.join(",")}`;
      if (!seen.has(key)) seen.set(key, { level, type, size, cpus: cpus.length > 0 ? cpus : [cpu] });
    }
  }
  return [...seen.values()].sort((a, b) => a.level - b.level || a.type.localeCompare(b.type) || a.cpus[0]! - b.cpus[0]!);
}
