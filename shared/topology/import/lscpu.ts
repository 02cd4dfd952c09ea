// `lscpu` (the human form) and `lscpu -p` (the parsable form).
// Human form: node CPU lists and socket/core/thread counts, but not which CPU is where.
// Parsable form: per CPU its core, socket and node; no memory, no distances.

import { parseIdList } from "../../cpulist/cpulist";
import { buildTopology, type ImportResult, type PartialCpu, type PartialNode } from "./build";
import { quotedLine } from "../../text/printable";
import type { Cache } from "../schema";

function field(text: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*${name.replace(/[()]/g, "\\$&")}:\\s*(.*)$`, "mi").exec(text);
  return m?.[1]?.trim();
}

export function importLscpu(text: string, name = "lscpu"): ImportResult {
  const nodes: PartialNode[] = [];
  for (const m of text.matchAll(/^\s*NUMA node(\d+) CPU\(s\):\s*(.*)$/gm)) {
    const r = parseIdList(m[2]!.trim(), `node ${m[1]} CPU list`);
    if (!r.ok) return { ok: false, error: r.error };
    nodes.push({ id: Number(m[1]), cpus: r.ids });
  }
  const online = field(text, "On-line CPU(s) list");
  const total = Number(field(text, "CPU(s)"));
  if (nodes.length === 0) {
    if (!online && !Number.isInteger(total)) return { ok: false, error: "this does not look like lscpu output (no 'CPU(s):' or 'NUMA nodeN CPU(s):' lines)" };
    const r = online ? parseIdList(online) : { ok: true as const, ids: Array.from({ length: total }, (_, i) => i) };
    if (!r.ok) return { ok: false, error: r.error };
    nodes.push({ id: 0, cpus: r.ids });
  }
  const sockets = Number(field(text, "Socket(s)") ?? field(text, "CPU socket(s)"));
  const lacks = ["huge pages", "which core each CPU is on (SMT siblings unknown)"];
  const cpus: PartialCpu[] = [];
  // With as many nodes per socket in order, node i is on socket floor(i / per): a guess, said.
  if (Number.isInteger(sockets) && sockets > 0 && nodes.length % sockets === 0) {
    const per = nodes.length / sockets;
    [...nodes].sort((a, b) => a.id - b.id).forEach((n, i) => n.cpus.forEach((c) => cpus.push({ id: c, node: n.id, socket: Math.floor(i / per) })));
    lacks.push("sockets (guessed from node order)");
  } else lacks.push("sockets");
  const onlineSet = online ? parseIdList(online) : undefined;
  if (onlineSet?.ok) for (const c of cpus) c.online = onlineSet.ids.includes(c.id);
  return buildTopology(name, "lscpu", { nodes, cpus }, lacks);
}

export function importLscpuParsable(text: string, name = "lscpu -p"): ImportResult {
  const lines = text.split(/\r?\n/);
  // The last "# CPU,Core,..." line names the columns of the rows after it.
  const headerIndex = lines.map((l) => /^#\s*CPU,/.test(l)).lastIndexOf(true);
  const header =
    headerIndex >= 0
      ? lines[headerIndex]!.replace(/^#\s*/, "")
          .split(",")
          .map((h) => h.trim().toLowerCase())
      : ["cpu", "core", "socket", "node"];
  const col = (n: string) => header.indexOf(n);
  const [ci, co, so, no, onl] = [col("cpu"), col("core"), col("socket"), col("node"), col("online")];
  if (ci < 0) return { ok: false, error: "lscpu -p output needs a CPU column" };
  const cpus: PartialCpu[] = [];
  for (const l of lines.slice(headerIndex + 1)) {
    if (!l.trim() || l.startsWith("#")) {
      if (cpus.length > 0 && l.startsWith("#")) break; // a second table follows
      continue;
    }
    const f = l.split(",");
    const num = (i: number) => (i >= 0 && f[i] !== undefined && /^\d+$/.test(f[i]!) ? Number(f[i]) : undefined);
    const id = num(ci);
    if (id === undefined) return { ok: false, error: `line '${quotedLine(l)}' does not start with a CPU number` };
    const cpu: PartialCpu = { id };
    const core = num(co);
    const socket = num(so);
    const node = num(no);
    if (core !== undefined) cpu.core = core;
    if (socket !== undefined) cpu.socket = socket;
    if (node !== undefined) cpu.node = node;
    if (onl >= 0) cpu.online = /^(y|yes)$/i.test(f[onl] ?? "y");
    cpus.push(cpu);
  }
  if (cpus.length === 0) return { ok: false, error: "no CPU rows found; expected lines like 0,0,0,0,,0,0,0,0" };
  const caches = cacheColumns(header, lines.slice(headerIndex + 1));
  const nodes = new Map<number, PartialNode>();
  for (const c of cpus) {
    const id = c.node ?? 0;
    const n = nodes.get(id) ?? { id, cpus: [] };
    n.cpus.push(c.id);
    nodes.set(id, n);
  }
  return buildTopology(
    name,
    "lscpu-p",
    { nodes: [...nodes.values()], cpus, caches },
    caches.length > 0 ? ["huge pages", "cache sizes (lscpu -p gives which CPUs share a cache, not its size)"] : ["huge pages"],
  );
}

const CACHE_COLUMNS: Record<string, Pick<Cache, "level" | "type">> = {
  l1d: { level: 1, type: "data" },
  l1i: { level: 1, type: "instruction" },
  l1: { level: 1, type: "unified" },
  l2: { level: 2, type: "unified" },
  l3: { level: 3, type: "unified" },
  l4: { level: 4, type: "unified" },
};

/** Caches from lscpu -p's cache columns: one column per cache ("L1d,L1i,L2,L3", util-linux ≥ 2.19
 *  with commas), or all in one column joined by colons ("L1d:L1i:L2:L3", older releases). The
 *  value is the cache's id: CPUs with the same id in a column share that cache. */
function cacheColumns(header: string[], rows: string[]): Cache[] {
  const kinds: Array<{ at: number; part: number; kind: Pick<Cache, "level" | "type"> }> = [];
  header.forEach((h, at) =>
    h.split(":").forEach((name, part) => {
      const kind = CACHE_COLUMNS[name];
      if (kind) kinds.push({ at, part, kind });
    }),
  );
  const groups = new Map<string, Cache>();
  for (const l of rows) {
    if (!l.trim()) continue;
    if (l.startsWith("#")) break;
    const f = l.split(",");
    const cpu = /^\d+$/.test(f[0] ?? "") ? Number(f[0]) : undefined;
    if (cpu === undefined) continue;
    for (const k of kinds) {
      const v = (f[k.at] ?? "").split(":")[k.part];
      if (v === undefined || !/^\d+$/.test(v)) continue;
      const key = `${k.kind.level}/${k.kind.type}/${v}`;
      const g = groups.get(key) ?? { ...k.kind, size: 0, cpus: [] };
      g.cpus.push(cpu);
      groups.set(key, g);
    }
  }
  return [...groups.values()];
}
