// `virsh capabilities`: <host><topology><cells> with memory, huge page pools, distances and
// per-CPU socket, die, core and siblings. It does not give free memory or free huge pages.

import { parseIdList } from "../../cpulist/cpulist";
import { findAll, parseXml } from "../../xml/scan";
import { buildTopology, type ImportResult, type PartialCpu, type PartialNode } from "./build";

const UNIT: Record<string, number> = { b: 1, bytes: 1, kib: 1024, k: 1024, mib: 2 ** 20, m: 2 ** 20, gib: 2 ** 30, g: 2 ** 30, tib: 2 ** 40 };

export function importLibvirtCaps(text: string, name = "virsh capabilities"): ImportResult {
  const x = parseXml(text);
  if (!x.ok) return { ok: false, error: `the XML cannot be read: ${x.error}` };
  const cells = findAll(x.root, "cell");
  if (cells.length === 0) return { ok: false, error: "no <cell> in the document; give the output of virsh capabilities" };
  const nodes: PartialNode[] = [];
  const cpus: PartialCpu[] = [];
  const dist = new Map<number, Map<number, number>>();
  for (const cell of cells) {
    const id = Number(cell.attrs.id);
    if (!Number.isInteger(id)) return { ok: false, error: "a <cell> has no numeric id" };
    const node: PartialNode = { id, cpus: [], hugepages: [] };
    const mem = cell.children.find((c) => c.name === "memory");
    if (mem) {
      const unit = UNIT[(mem.attrs.unit ?? "KiB").toLowerCase()] ?? 1024;
      node.memTotal = Number(mem.text.trim()) * unit;
    }
    for (const p of cell.children.filter((c) => c.name === "pages")) {
      const unit = UNIT[(p.attrs.unit ?? "KiB").toLowerCase()] ?? 1024;
      const size = Number(p.attrs.size) * unit;
      if (size > 4096) node.hugepages!.push({ pageSize: size, total: Number(p.text.trim()), free: Number(p.text.trim()) });
    }
    const d = new Map<number, number>();
    for (const s of findAll(cell, "sibling")) d.set(Number(s.attrs.id), Number(s.attrs.value));
    dist.set(id, d);
    for (const c of findAll(cell, "cpu")) {
      const cpuId = Number(c.attrs.id);
      if (!Number.isInteger(cpuId)) continue;
      node.cpus.push(cpuId);
      const cpu: PartialCpu = { id: cpuId, node: id };
      if (c.attrs.socket_id !== undefined) cpu.socket = Number(c.attrs.socket_id);
      if (c.attrs.die_id !== undefined) cpu.die = Number(c.attrs.die_id);
      if (c.attrs.core_id !== undefined) cpu.core = Number(c.attrs.core_id);
      if (c.attrs.siblings !== undefined) {
        const r = parseIdList(c.attrs.siblings);
        if (r.ok) cpu.siblings = r.ids;
      }
      cpus.push(cpu);
    }
    nodes.push(node);
  }
  const ids = nodes.map((n) => n.id).sort((a, b) => a - b);
  const complete = ids.every((a) => ids.every((b) => dist.get(a)?.has(b)));
  const lacks = ["free memory", "free huge pages (taken as all free)"];
  return buildTopology(name, "libvirt", { nodes, cpus, ...(complete ? { distances: ids.map((a) => ids.map((b) => dist.get(a)!.get(b)!)) } : {}) }, lacks);
}
