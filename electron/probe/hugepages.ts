// The host-wide huge-page pools and the hugetlbfs mounts. The kernel counts reservations
// (resv_hugepages: pages promised to a mapping that has not touched them yet) per size only,
// in /sys/kernel/mm/hugepages, not per node; a file backend on hugetlbfs gets pages of its
// mount's pagesize= (the default huge page size when the mount does not say).

import { join } from "node:path";
import type { HugepagePool, HugetlbfsMount } from "../../shared/topology/schema";
import { parseSize } from "../../shared/size/size";
import { LIVE, readText, type SysfsReader } from "./sysfs-attr";
import type { SysfsLacks } from "./sysfs-lacks";

/** `lacks`: a copy's count that is missing or not a number is taken as 0 and said there. */
export function readHugepagePools(dir: string, r: SysfsReader = LIVE, lacks?: SysfsLacks): HugepagePool[] {
  const out: HugepagePool[] = [];
  for (const name of r.entries(dir)) {
    const m = /^hugepages-(\d{1,12})kB$/.exec(name);
    if (!m) continue;
    r.realFolder(join(dir, name));
    const at = (f: string) => {
      const v = r.int(join(dir, name, f));
      if (v !== undefined && v >= 0) return v;
      lacks?.note(`kernel/mm/hugepages/${name}/${f}`, undefined, `${v === undefined ? "is missing or not a number" : "is negative"}: taken as 0`, r.text(join(dir, name, f)));
      return 0;
    };
    out.push({ pageSize: Number(m[1]) * 1024, total: at("nr_hugepages"), free: at("free_hugepages"), reserved: at("resv_hugepages"), surplus: at("surplus_hugepages") });
  }
  return out.sort((a, b) => a.pageSize - b.pageSize).slice(0, 16);
}

// /proc/mounts escapes space, tab, newline and backslash as octal (\040 …).
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** hugetlbfs mounts from a /proc/mounts text; `pools` gives the default size (the smallest, 2 MiB on x86). */
export function hugetlbfsMountsFromText(text: string, pools: HugepagePool[]): HugetlbfsMount[] {
  const fallback = pools[0]?.pageSize ?? 2 * 1024 * 1024;
  const out: HugetlbfsMount[] = [];
  for (const line of text.split("\n")) {
    const [, path, type, options] = line.split(" ");
    if (type !== "hugetlbfs" || !path || !options) continue;
    const opt = /(?:^|,)pagesize=([0-9]+[KMG]?)(?:,|$)/.exec(options)?.[1];
    const size = opt !== undefined ? parseSize(opt) : undefined;
    out.push({ path: unescapeMount(path), pageSize: size && size.ok ? size.bytes : fallback });
    if (out.length >= 256) break;
  }
  return out;
}

export function readHugetlbfsMounts(file: string, pools: HugepagePool[]): HugetlbfsMount[] {
  return hugetlbfsMountsFromText(readText(file) ?? "", pools);
}
