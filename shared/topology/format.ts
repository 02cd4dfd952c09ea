// Text forms of a host topology: the box model as text (machine → package → node → cores, as
// lstopo nests them) and the exact layout of `numactl --hardware`, so numbers can be
// compared with what other tools print.

import type { HostTopology } from "./schema";
import { formatIdList } from "../cpulist/cpulist";
import { humanSize } from "../size/size";
import { coreRuns, hostBoxes, l3Pus, runLabel, type NodeBox } from "./boxes";
import { pciLines } from "./format-pci";
import { plural } from "../text/plural";

export function formatNumactl(t: HostTopology): string {
  const lines: string[] = [];
  lines.push(`available: ${t.nodes.length} nodes (${formatIdList(t.nodes.map((n) => n.id))})`);
  const online = new Set(t.cpus.filter((c) => c.online).map((c) => c.id));
  for (const n of t.nodes) {
    const cpus = n.cpus.filter((c) => online.has(c));
    lines.push(`node ${n.id} cpus:${cpus.map((c) => ` ${c}`).join("")}`);
    lines.push(`node ${n.id} size: ${Math.floor(n.memTotal / 2 ** 20)} MB`);
    lines.push(`node ${n.id} free: ${Math.floor(n.memFree / 2 ** 20)} MB`);
  }
  lines.push("node distances:");
  lines.push(`node ${t.nodes.map((n) => `${String(n.id).padStart(3)} `).join("")}`);
  t.nodes.forEach((n, i) => {
    lines.push(`${String(n.id).padStart(3)}: ${t.distances[i]!.map((v) => `${String(v).padStart(3)} `).join("")}`);
  });
  return lines.join("\n") + "\n";
}

/** The box model as indented text, lstopo-style: machine → package → die → node → cores → PUs. */
export function formatTopologyText(t: HostTopology): string {
  const m = hostBoxes(t);
  const lines: string[] = [];
  const src = t.source.detail ? `${t.source.kind}: ${t.source.detail}` : t.source.kind;
  lines.push(`${t.name} (${src})`);
  if (t.description) lines.push(t.description);
  const mem = m.nodes.reduce((a, n) => a + n.memTotal, 0);
  lines.push(
    `Machine: ${plural(m.packages.length, "package")}, ${plural(m.nodes.length, "NUMA node")}, ${plural(m.coreCount, "core")}, ${plural(m.puCount, "PU")} (${m.onlinePus} online), ${humanSize(mem)}`,
  );
  const node = (n: NodeBox, indent: string) => {
    const huge = n.hugepages.map((h) => `${humanSize(h.pageSize)} pages ${h.free}/${h.total} free`).join(", ");
    const where = n.memoryOnly ? " (memory only)" : n.packages.length > 1 ? ` (spans packages ${n.packages.join(", ")})` : "";
    lines.push(`${indent}NUMA node ${n.os}${where}: ${humanSize(n.memTotal)}, ${humanSize(n.memFree)} free${huge ? `; huge ${huge}` : ""}`);
    const cores = (box: NodeBox, at: string) => {
      for (const run of coreRuns(box, 1)) {
        const pus = run.cores[0]!.pus.length;
        const offline = run.cores.flatMap((c) => c.pus.filter((p) => !p.online).map((p) => p.os));
        const what = run.cores.length === 1 ? `core ${run.cores[0]!.os}, ${plural(pus, "PU")}` : `${run.cores.length} cores × ${plural(pus, "PU")}`;
        lines.push(`${at}${what}: PU ${runLabel(run)}${offline.length ? ` (offline: ${formatIdList(offline)})` : ""}`);
      }
    };
    if (!n.l3) cores(n, `${indent}  `);
    // L3 groups as lstopo nests them: the cores sharing one L3 under it
    else
      for (const g of n.l3) {
        lines.push(`${indent}  L3 ${g.size > 0 ? humanSize(g.size) : "(size unknown)"}: PU ${formatIdList(l3Pus(g))}`);
        cores({ ...n, cores: g.cores }, `${indent}    `);
      }
  };
  for (const p of m.packages) {
    lines.push(`  Package ${p.os}: ${plural(p.coreCount, "core")}, ${plural(p.puCount, "PU")}`);
    if (p.dies) {
      for (const d of p.dies) {
        lines.push(`    Die ${d.os}`);
        d.nodes.forEach((n) => node(n, "      "));
      }
    } else p.nodes.forEach((n) => node(n, "    "));
  }
  m.looseNodes.forEach((n) => node(n, "  "));
  lines.push(...pciLines(t));
  lines.push("  distances:");
  lines.push(`        ${t.nodes.map((n) => String(n.id).padStart(4)).join("")}`);
  t.nodes.forEach((n, i) => lines.push(`    ${String(n.id).padStart(3)}:${t.distances[i]!.map((v) => String(v).padStart(4)).join("")}`));
  return lines.join("\n") + "\n";
}
