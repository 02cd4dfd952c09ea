// `numactl --hardware` (or -H): nodes, their CPUs, size and free memory in MB, distances.
// It does not say which socket or core a CPU is on, nor anything about huge pages.

import { buildTopology, type ImportResult, type PartialNode } from "./build";
import { quotedLine } from "../../text/printable";

export function importNumactl(text: string, name = "numactl -H"): ImportResult {
  const nodes = new Map<number, PartialNode>();
  const node = (id: number) => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { id, cpus: [] }));
    return n;
  };
  const lines = text.split(/\r?\n/);
  let distances: number[][] | undefined;
  let header: number[] | undefined;
  let sawAvailable = false;
  for (const raw of lines) {
    const l = raw.trim();
    if (/^available:/.test(l)) {
      sawAvailable = true;
      continue;
    }
    let m = /^node (\d+) cpus:(.*)$/.exec(l);
    if (m) {
      const cpus = m[2]!.trim() ? m[2]!.trim().split(/\s+/).map(Number) : [];
      if (cpus.some((c) => !Number.isInteger(c) || c < 0 || c > 65535)) return { ok: false, error: `line '${quotedLine(l)}' has a CPU number that is not one` };
      node(Number(m[1])).cpus = cpus;
      continue;
    }
    m = /^node (\d+) (size|free): (\d+) MB$/.exec(l);
    if (m) {
      const bytes = Number(m[3]) * 2 ** 20;
      if (m[2] === "size") node(Number(m[1])).memTotal = bytes;
      else node(Number(m[1])).memFree = bytes;
      continue;
    }
    if (/^node distances:$/.test(l)) {
      distances = [];
      continue;
    }
    if (distances && /^node(\s+\d+)+$/.test(l)) {
      header = l.split(/\s+/).slice(1).map(Number);
      continue;
    }
    m = /^(\d+):((\s+\d+)+)$/.exec(l);
    if (distances && header && m) {
      distances.push(m[2]!.trim().split(/\s+/).map(Number));
      continue;
    }
  }
  if (!sawAvailable && nodes.size === 0) return { ok: false, error: "this does not look like numactl --hardware output (no 'available:' line, no 'node N cpus:' lines)" };
  // rows follow the header's node order; reorder to node id order
  if (distances && header) {
    const order = [...nodes.keys()].sort((a, b) => a - b).map((id) => header!.indexOf(id));
    if (order.every((i) => i >= 0 && distances![i]?.length === header!.length)) distances = order.map((i) => order.map((j) => distances![i]![j]!));
    else distances = undefined;
  }
  return buildTopology(name, "numactl", { nodes: [...nodes.values()], ...(distances ? { distances } : {}) }, ["sockets", "cores and SMT siblings", "huge pages"]);
}
