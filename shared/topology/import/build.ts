// Turn what a text format says about a host into a full topology, filling what it does not
// say with plain defaults and saying so in `lacks`.

import { TOPOLOGY_VERSION, topologySchema, type Cache, type HostCpu, type HostTopology, type Hugepages, type PciDevice } from "../schema";
import { topologyName } from "../name";
import { topologyInconsistency } from "../consistency";

export interface PartialNode {
  id: number;
  cpus: number[];
  memTotal?: number;
  memFree?: number;
  hugepages?: Hugepages[];
}

export interface PartialCpu {
  id: number;
  node?: number;
  socket?: number;
  die?: number;
  core?: number;
  siblings?: number[];
  online?: boolean;
}

export interface PartialHost {
  nodes: PartialNode[];
  cpus?: PartialCpu[];
  distances?: number[][];
  caches?: Cache[];
  pciDevices?: PciDevice[];
}

export type ImportResult = { ok: true; topology: HostTopology; lacks: string[] } | { ok: false; error: string };

export function buildTopology(name: string, kind: HostTopology["source"]["kind"], p: PartialHost, lacks: string[]): ImportResult {
  if (p.nodes.length === 0) return { ok: false, error: "no NUMA node found in the text" };
  const nodes = [...p.nodes].sort((a, b) => a.id - b.id);
  const ids = new Set<number>();
  for (const n of nodes) {
    if (ids.has(n.id)) return { ok: false, error: `node ${n.id} is described twice` };
    ids.add(n.id);
  }
  const missingMem = nodes.some((n) => n.memTotal === undefined);
  const missingFree = nodes.some((n) => n.memFree === undefined);
  if (missingMem) lacks.push("memory sizes (taken as 0)");
  else if (missingFree) lacks.push("free memory (taken as the node's total)");
  const byId = new Map((p.cpus ?? []).map((c) => [c.id, c]));
  const nodeOf = new Map<number, number>();
  for (const n of nodes) for (const c of n.cpus) nodeOf.set(c, n.id);
  const allIds = [...new Set([...nodeOf.keys(), ...byId.keys()])].sort((a, b) => a - b);
  const cpus: HostCpu[] = allIds.map((id) => {
    const c = byId.get(id);
    const cpu: HostCpu = {
      id,
      node: c?.node ?? nodeOf.get(id) ?? nodes[0]!.id,
      socket: c?.socket ?? 0,
      core: c?.core ?? id,
      siblings: c?.siblings ?? [id],
      online: c?.online ?? true,
    };
    if (c?.die !== undefined) cpu.die = c.die;
    return cpu;
  });
  // Siblings from shared (socket, core) when the format gave cores but not siblings.
  if (p.cpus && p.cpus.every((c) => c.siblings === undefined) && p.cpus.some((c) => c.core !== undefined)) {
    const groups = new Map<string, number[]>();
    for (const c of cpus) groups.set(`${c.socket}/${c.core}`, [...(groups.get(`${c.socket}/${c.core}`) ?? []), c.id]);
    for (const c of cpus) c.siblings = groups.get(`${c.socket}/${c.core}`)!;
  }
  let distances = p.distances;
  if (!distances || distances.length !== nodes.length || distances.some((r) => r.length !== nodes.length)) {
    if (nodes.length > 1) lacks.push("node distances (taken as 10 local, 20 remote)");
    distances = nodes.map((a) => nodes.map((b) => (a.id === b.id ? 10 : 20)));
  }
  const topology: HostTopology = {
    version: TOPOLOGY_VERSION,
    name: topologyName(name),
    source: { kind, lacks },
    nodes: nodes.map((n) => ({
      id: n.id,
      cpus: [...n.cpus].sort((a, b) => a - b),
      memTotal: n.memTotal ?? 0,
      memFree: n.memFree ?? n.memTotal ?? 0,
      hugepages: n.hugepages ?? [],
    })),
    cpus,
    distances,
    ...(p.caches && p.caches.length > 0 ? { caches: p.caches } : {}),
    ...(p.pciDevices ? { pciDevices: p.pciDevices } : {}),
  };
  // A damaged paste can still parse into impossible numbers (NaN memory, a huge CPU id):
  // say where instead of handing on a broken topology.
  const checked = topologySchema.safeParse(topology);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return { ok: false, error: `the text gives an impossible value for ${issue.path.join(".")}: ${issue.message}` };
  }
  const wrong = topologyInconsistency(topology);
  if (wrong) return { ok: false, error: `the text contradicts itself: ${wrong}` };
  return { ok: true, topology, lacks };
}
