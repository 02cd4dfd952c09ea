// hwloc's XML (`lstopo --of xml`), format 1.x and 2.x/3.x: NUMANode objects with their
// cpuset and local memory and huge page types, Packages and Cores above PUs, and the
// NUMA distance matrix (<distances2> in 2.x, <distances> with relative latencies in 1.x).

import { findAll, parseXml, type XmlElement } from "../../xml/scan";
import { buildTopology, type ImportResult, type PartialCpu, type PartialNode } from "./build";
import { quotedLine } from "../../text/printable";
import type { Cache, PciDevice } from "../schema";
import { pciClassName } from "../../pci/classes";

// hwloc 2.x names caches L1Cache, L1iCache, L2Cache…; 1.x has type="Cache" with depth= and
// cache_type= (0 unified, 1 data, 2 instruction), as hwloc's own XML import reads them.
const CACHE_TYPE: Record<string, Cache["type"]> = { "0": "unified", "1": "data", "2": "instruction" };

function cacheOf(el: XmlElement): Cache | undefined {
  const type = el.attrs.type ?? "";
  const m = /^L(\d)(i?)Cache$/.exec(type);
  const level = m ? Number(m[1]) : type === "Cache" ? Number(el.attrs.depth) : NaN;
  if (!Number.isInteger(level) || level < 1 || level > 4) return undefined;
  const kind = m?.[2] === "i" ? "instruction" : (CACHE_TYPE[el.attrs.cache_type ?? "0"] ?? "unified");
  const cpus = parseHwlocBitmap(el.attrs.cpuset);
  const size = Number(el.attrs.cache_size ?? 0);
  if (cpus.length === 0) return undefined;
  return { level, type: kind, size: Number.isSafeInteger(size) && size >= 0 ? size : 0, cpus };
}

/** "0200 [8086:1521] [00d9:0021] 01 00": class and subclass, [vendor:device], [subsystem], revision */
function pciOf(el: XmlElement, cpus: number[], nodes: PartialNode[]): PciDevice | undefined {
  const addr = (el.attrs.pci_busid ?? "").toLowerCase();
  const t = /^([0-9a-f]{4}) \[([0-9a-f]{4}):([0-9a-f]{4})\]/i.exec(el.attrs.pci_type ?? "");
  if (!/^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(addr) || !t) return undefined;
  // its node: the one NUMA node whose CPUs meet those of its nearest ancestor with a cpuset
  const set = new Set(cpus);
  const near = cpus.length > 0 ? nodes.filter((n) => n.cpus.some((c) => set.has(c))) : [];
  const classCode = parseInt(t[1]!, 16) << 8;
  return { address: addr, classCode, vendor: parseInt(t[2]!, 16), device: parseInt(t[3]!, 16), numaNode: near.length === 1 ? near[0]!.id : -1, className: pciClassName(classCode) };
}

/** hwloc bitmaps: "0x0000ffff", or 32-bit words separated by commas, most significant first. */
export function parseHwlocBitmap(s: string | undefined): number[] {
  if (!s) return [];
  const words = s.split(",").map((w) => w.trim().replace(/^0x/i, ""));
  const out: number[] = [];
  words.reverse().forEach((w, wi) => {
    // a word may hold more than 32 bits when written as one long hex string
    for (let i = 0; i < w.length; i++) {
      const nibble = parseInt(w[w.length - 1 - i]!, 16);
      if (Number.isNaN(nibble)) continue;
      for (let b = 0; b < 4; b++) if (nibble & (1 << b)) out.push(wi * 32 + i * 4 + b);
    }
  });
  return out.filter((x) => x <= 65535).sort((a, b) => a - b);
}

export function importHwloc(text: string, name = "lstopo --of xml"): ImportResult {
  const x = parseXml(text);
  if (!x.ok) return { ok: false, error: `the XML cannot be read: ${x.error}` };
  if (x.root.name !== "topology") return { ok: false, error: `the root element is <${quotedLine(x.root.name)}>, not hwloc's <topology>` };
  const nodes: PartialNode[] = [];
  const cpus: PartialCpu[] = [];
  const caches: Cache[] = [];
  const pciAt: Array<{ el: XmlElement; cpus: number[] }> = [];
  const walk = (el: XmlElement, socket: number | undefined, core: number | undefined, near: number[] = []) => {
    for (const c of el.children) {
      if (c.name !== "object") continue;
      const type = c.attrs.type;
      const cache = cacheOf(c);
      if (cache && caches.length < 65536) caches.push(cache);
      if (type === "PCIDev" && pciAt.length < 4096) pciAt.push({ el: c, cpus: near });
      const osIndex = c.attrs.os_index !== undefined ? Number(c.attrs.os_index) : undefined;
      if (type === "NUMANode") {
        const node: PartialNode = { id: osIndex ?? nodes.length, cpus: parseHwlocBitmap(c.attrs.cpuset), hugepages: [] };
        if (c.attrs.local_memory !== undefined) node.memTotal = Number(c.attrs.local_memory);
        for (const p of c.children.filter((k) => k.name === "page_type")) {
          const size = Number(p.attrs.size);
          if (size > 4096) node.hugepages!.push({ pageSize: size, total: Number(p.attrs.count ?? 0), free: Number(p.attrs.count ?? 0) });
        }
        nodes.push(node);
      }
      if (type === "PU" && osIndex !== undefined) {
        const cpu: PartialCpu = { id: osIndex, core: core ?? osIndex, online: true };
        if (socket !== undefined) cpu.socket = socket;
        cpus.push(cpu);
      }
      walk(c, type === "Package" ? (osIndex ?? socket) : socket, type === "Core" ? (osIndex ?? core) : core, c.attrs.cpuset !== undefined ? parseHwlocBitmap(c.attrs.cpuset) : near);
    }
  };
  walk(x.root, undefined, undefined);
  if (nodes.length === 0) return { ok: false, error: "no NUMANode object in the document" };
  const pci = pciAt.map((p) => pciOf(p.el, p.cpus, nodes)).filter((d) => d !== undefined);
  const seen = new Set<string>();
  const pciDevices = pci.filter((d) => !seen.has(d.address) && seen.add(d.address));
  const ids = nodes.map((n) => n.id);
  let distances: number[][] | undefined;
  const d2 = findAll(x.root, "distances2").find((d) => d.attrs.type === "NUMANode");
  if (d2) {
    const idx = (d2.children.find((c) => c.name === "indexes")?.text ?? "").trim().split(/\s+/).map(Number);
    // integer values (u64values) or, in some 2.x files, floats
    const vals = d2.children
      .filter((c) => c.name === "u64values" || c.name === "floats")
      .flatMap((c) =>
        c.text
          .trim()
          .split(/\s+/)
          .map((v) => Math.round(Number(v))),
      );
    const n = Number(d2.attrs.nbobjs);
    if (idx.length === n && vals.length === n * n) {
      const pos = new Map(idx.map((v, i) => [v, i]));
      const sorted = [...ids].sort((a, b) => a - b);
      if (sorted.every((id) => pos.has(id))) distances = sorted.map((a) => sorted.map((b) => vals[pos.get(a)! * n + pos.get(b)!]!));
    }
  } else {
    const d1 = findAll(x.root, "distances")[0];
    if (d1) {
      const n = Number(d1.attrs.nbobjs);
      const base = Number(d1.attrs.latency_base ?? 1);
      const lat = d1.children.filter((c) => c.name === "latency").map((c) => Number(c.attrs.value) * base);
      // 1.x lists nodes in logical order (document order); scale so local is 10, as the SLIT does
      if (n === nodes.length && lat.length === n * n && lat[0]! > 0) {
        const order = nodes.map((node) => node.id);
        const sorted = [...order].sort((a, b) => a - b);
        distances = sorted.map((a) => sorted.map((b) => Math.round((lat[order.indexOf(a) * n + order.indexOf(b)]! / lat[0]!) * 10)));
      }
    }
  }
  return buildTopology(name, "hwloc", { nodes, cpus, caches, ...(pciDevices.length > 0 ? { pciDevices } : {}), ...(distances ? { distances } : {}) }, [
    "free memory",
    "free huge pages (taken as all free)",
  ]);
}
