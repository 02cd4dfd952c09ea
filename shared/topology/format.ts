// Text forms of a host topology: a readable summary (machine → socket → node → cores, as
// lstopo nests them) and the exact layout of `numactl --hardware`, so numbers can be
// compared with what other tools print.

import type { HostTopology } from "./schema";
import { formatIdList } from "../cpulist/cpulist";
import { humanSize } from "../size/size";
import { onlineCpuCount } from "./query";

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

export function formatTopologyText(t: HostTopology): string {
  const sockets = new Set(t.cpus.map((c) => c.socket));
  const cores = new Set(t.cpus.map((c) => `${c.socket}/${c.core}`));
  const online = onlineCpuCount(t);
  const lines: string[] = [];
  const src = t.source.detail ? `${t.source.kind}: ${t.source.detail}` : t.source.kind;
  lines.push(`${t.name} (${src})`);
  if (t.description) lines.push(t.description);
  lines.push(
    `${t.nodes.length} NUMA node${t.nodes.length === 1 ? "" : "s"}, ${sockets.size} socket${sockets.size === 1 ? "" : "s"}, ${cores.size} cores, ${t.cpus.length} CPUs (${online} online)`,
  );
  for (const n of t.nodes) {
    const cpus = t.cpus.filter((c) => n.cpus.includes(c.id));
    const nodeSockets = [...new Set(cpus.map((c) => c.socket))];
    const onlineCpus = cpus.filter((c) => c.online);
    const nodeCores = new Set(onlineCpus.map((c) => `${c.socket}/${c.core}`)).size;
    const offline = cpus.filter((c) => !c.online).map((c) => c.id);
    const threadsPerCore = nodeCores > 0 ? Math.round(onlineCpus.length / nodeCores) : 0;
    const cpuText =
      cpus.length === 0
        ? "no CPUs (memory only)"
        : `CPUs ${formatIdList(n.cpus)} (${nodeCores} core${nodeCores === 1 ? "" : "s"} × ${threadsPerCore} thread${threadsPerCore === 1 ? "" : "s"}${offline.length ? `, offline: ${formatIdList(offline)}` : ""})`;
    const sock = nodeSockets.length > 0 ? `socket ${nodeSockets.join(",")}` : "no socket";
    const huge = n.hugepages
      .filter((h) => h.total > 0)
      .map((h) => `${humanSize(h.pageSize)} pages ${h.free}/${h.total} free`)
      .join(", ");
    lines.push(`  node ${n.id}  ${sock}  ${cpuText}`);
    lines.push(`          memory ${humanSize(n.memTotal)}, ${humanSize(n.memFree)} free${huge ? `; huge ${huge}` : ""}`);
  }
  lines.push("  distances:");
  lines.push(`        ${t.nodes.map((n) => String(n.id).padStart(4)).join("")}`);
  t.nodes.forEach((n, i) => lines.push(`    ${String(n.id).padStart(3)}:${t.distances[i]!.map((v) => String(v).padStart(4)).join("")}`));
  return lines.join("\n") + "\n";
}
