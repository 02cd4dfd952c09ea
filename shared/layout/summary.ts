// A layout in a few lines of text, for `numadesk parse` and for people reading a diff.

import type { Layout } from "./schema";
import { humanSize, parseSize } from "../size/size";
import { preallocThreads, smpCpus, smpMaxCpus } from "../qemu/prealloc";
import { plural } from "../text/plural";
import { consoleWords } from "./guest-console";
import { printableLine } from "../text/printable";
import { ENV_ASSIGNMENT } from "../qemu/options";

// a line with 100 000 -S options is not a summary
const MAX_OTHER_OPTIONS = 40;

export function summarizeLayout(layout: Layout, hostOnlineCpus?: number): string {
  const lines: string[] = [];
  if (layout.title) lines.push(layout.title);
  // NAME=value words are the environment; numactl's --membind=0 is a word of the command
  const isEnv = (w: string) => ENV_ASSIGNMENT.test(w);
  const env = (layout.qemu?.prefix ?? []).filter(isEnv);
  const words = (layout.qemu?.prefix ?? []).filter((w) => !isEnv(w));
  const bin = [...words, layout.qemu?.binary ?? "(no binary)"].join(" ") + (env.length ? ` (with ${env.length} environment variable${env.length === 1 ? "" : "s"})` : "");
  const mem = layout.memory ? parseSize(layout.memory.size, "M") : undefined;
  const memText = layout.memory ? `-m ${layout.memory.size}${mem?.ok ? ` (${humanSize(mem.bytes)})` : ""}` : "no -m (QEMU default 128 MiB)";
  const smpText = layout.smp ? `${plural(smpCpus(layout.smp), "vCPU")}${smpMaxCpus(layout.smp) !== smpCpus(layout.smp) ? ` (max ${smpMaxCpus(layout.smp)})` : ""}` : "no -smp (1 vCPU)";
  lines.push(`QEMU ${bin}: ${memText}, ${smpText}${layout.machine?.type ? `, machine ${layout.machine.type}` : ""}`);
  layout.nodes.forEach((n, i) => {
    const parts = [`vCPUs ${n.cpus ?? "none"}`];
    if (n.memdev) parts.push(`memory ${n.memdev}`);
    if (n.mem) parts.push(`mem ${n.mem}`);
    lines.push(`guest node ${n.nodeid ?? i}: ${parts.join(", ")}`);
  });
  for (const d of layout.distances) lines.push(`guest distance ${d.src} → ${d.dst}: ${d.val}`);
  for (const t of layout.threadContexts) {
    lines.push(`thread-context ${t.id}: ${t.nodeAffinity !== undefined ? `host node ${t.nodeAffinity}` : t.cpuAffinity !== undefined ? `host CPUs ${t.cpuAffinity}` : "no affinity"}`);
  }
  for (const b of layout.backends) {
    const size = parseSize(b.size);
    const parts = [`${b.type} ${size.ok ? humanSize(size.bytes) : b.size}`];
    if (b.hostNodes) parts.push(`${b.policy ?? "default"} to host node ${b.hostNodes}`);
    if (b.hugetlb) {
      const page = b.hugetlbsize ? parseSize(b.hugetlbsize) : undefined;
      parts.push(`huge pages of ${page?.ok ? humanSize(page.bytes) : "the default size"}`);
    }
    if (b.prealloc) {
      const t = preallocThreads(b, layout, hostOnlineCpus);
      parts.push(`preallocated by ${t.effective} thread${t.effective === 1 ? "" : "s"}${t.effective !== t.requested ? ` (asks ${t.requested})` : ""}`);
      if (b.preallocContext) parts.push(`context ${b.preallocContext}`);
    }
    lines.push(`backend ${b.id}: ${parts.join(", ")}`);
  }
  if (layout.console) lines.push(`console: ${consoleWords(layout.console).join(" ")}`);
  if (layout.args.length > 0) {
    const shown = layout.args.slice(0, MAX_OTHER_OPTIONS).map((a) => a.tokens.join(" "));
    const more = layout.args.length - shown.length;
    lines.push(`other options: ${shown.join("  ")}${more > 0 ? `  … and ${more} more` : ""}`);
  }
  // every line holds words from the imported text: escapes, not control characters
  return lines.map(printableLine).join("\n") + "\n";
}
