// What a layout takes from the host's huge-page pools, per node and page size, summed over
// every hugetlb backend: memfd with hugetlb=on (hugetlbsize=, or the default size), and file
// backends whose mem-path is on a hugetlbfs mount (pages of the mount's size). QEMU maps each
// backend's pages when it creates the backend, prealloc or not, one after another, so backends
// that fit alone can fail together (QEMU 7.2: "unable to map backing store for guest RAM:
// Cannot allocate memory").
//
// Where the pages come from: policy=bind (and interleave) takes them only from host-nodes;
// default and preferred take them from any node. A backend bound to one node has an exact
// claim on it; one bound to several, or unbound, takes what those nodes have left.

import type { Backend, Layout } from "../layout/schema";
import type { HostNode, HostTopology, HugetlbfsMount } from "../topology/schema";
import { parseIdList } from "../cpulist/cpulist";
import { backendBytes, backendPageSize } from "../qemu/prealloc";

export interface HugepageClaim {
  backend: string;
  index: number;
  pageSize: number;
  pages: number;
  /** the host nodes it may take pages from; empty: any node */
  nodes: number[];
  /** "memfd hugetlb" or "hugetlbfs /dev/hugepages" */
  via: string;
}

/** The hugetlbfs mount holding `path` (longest matching mount point), if any. */
export function mountOf(path: string, mounts: readonly HugetlbfsMount[]): HugetlbfsMount | undefined {
  return mounts.filter((m) => path === m.path || path.startsWith(m.path.endsWith("/") ? m.path : m.path + "/")).sort((a, b) => b.path.length - a.path.length)[0];
}

function nodesOf(b: Backend): number[] {
  if (b.policy !== "bind" && b.policy !== "interleave") return [];
  const r = b.hostNodes !== undefined ? parseIdList(b.hostNodes) : undefined;
  return r && r.ok ? r.ids : [];
}

/** The backends that take huge pages, with what each takes; sizes that are not a whole number
 *  of pages are NUMA014's and left out. */
export function hugepageClaims(layout: Layout, host?: HostTopology): HugepageClaim[] {
  const out: HugepageClaim[] = [];
  layout.backends.forEach((b, index) => {
    let pageSize: number | undefined;
    let via = "";
    if (b.hugetlb) {
      pageSize = backendPageSize(b);
      via = "memfd hugetlb";
    } else if (b.type === "file" && b.memPath !== undefined && host?.hugetlbfs) {
      const m = mountOf(b.memPath, host.hugetlbfs);
      if (m) {
        pageSize = m.pageSize;
        via = `hugetlbfs ${m.path}`;
      }
    }
    if (pageSize === undefined || pageSize <= 0) return;
    const bytes = backendBytes(b);
    if (bytes === 0 || bytes % pageSize !== 0) return;
    out.push({ backend: b.id, index, pageSize, pages: bytes / pageSize, nodes: nodesOf(b), via });
  });
  return out;
}

export interface HugepageShortfall {
  pageSize: number;
  /** the nodes the short claims may take from; empty: any node of the host */
  nodes: number[];
  /** pages the claims need there */
  need: number;
  /** pages free there (after the single-node claims on those nodes, for a multi-node group) */
  free: number;
  /** need − free: what is missing */
  short: number;
  claims: HugepageClaim[];
  /** the host's reservations (resv_hugepages) are what make it short */
  reservedBy?: number;
  /** where to reserve the missing pages: node → pages to add to its pool */
  add: Map<number, number>;
}

const freeOf = (n: HostNode, size: number) => n.hugepages.find((h) => h.pageSize === size)?.free ?? 0;
const key = (nodes: number[]) => nodes.join(",");

/** Per page size: single-node claims against their node, then multi-node and unbound claims
 *  against what is left on their nodes, then the total against the host's free pages minus
 *  the pages already promised to other mappings (resv_hugepages, counted per size only). */
export function hugepageShortfalls(layout: Layout, host: HostTopology): HugepageShortfall[] {
  const claims = hugepageClaims(layout, host).filter((c) => c.nodes.every((n) => host.nodes.some((h) => h.id === n)));
  const out: HugepageShortfall[] = [];
  for (const size of [...new Set(claims.map((c) => c.pageSize))].sort((a, b) => a - b)) {
    const ofSize = claims.filter((c) => c.pageSize === size);
    const left = new Map(host.nodes.map((n) => [n.id, freeOf(n, size)]));
    const shortBefore = out.length;
    const groups = new Map<string, HugepageClaim[]>();
    for (const c of ofSize) groups.set(key(c.nodes), [...(groups.get(key(c.nodes)) ?? []), c]);
    // exact claims first: a page a one-node backend needs is not there for the others
    const ordered = [...groups.entries()].sort(([a], [b]) => (a.split(",").length === 1 && a !== "" ? 0 : 1) - (b.split(",").length === 1 && b !== "" ? 0 : 1));
    for (const [, group] of ordered) {
      const nodes = group[0]!.nodes;
      const pool = nodes.length > 0 ? nodes : host.nodes.map((n) => n.id);
      const need = group.reduce((a, c) => a + c.pages, 0);
      const free = pool.reduce((a, n) => a + (left.get(n) ?? 0), 0);
      let rest = need;
      for (const n of pool) {
        const take = Math.min(rest, left.get(n) ?? 0);
        left.set(n, (left.get(n) ?? 0) - take);
        rest -= take;
      }
      if (rest > 0) {
        // spread what is missing over the group's nodes, the first ones taking the remainder
        const add = new Map<number, number>();
        const targets = nodes.length > 0 ? nodes : [pool[0]!];
        targets.forEach((n, i) => {
          const share = Math.floor(rest / targets.length) + (i < rest % targets.length ? 1 : 0);
          if (share > 0) add.set(n, share);
        });
        out.push({ pageSize: size, nodes, need, free, short: rest, claims: group, add });
      }
    }
    // Reservations: free_hugepages counts pages another mapping has reserved but not touched.
    const reserved = host.hugepagePools?.find((p) => p.pageSize === size)?.reserved ?? 0;
    if (reserved > 0 && out.length === shortBefore) {
      const need = ofSize.reduce((a, c) => a + c.pages, 0);
      const free = host.nodes.reduce((a, n) => a + freeOf(n, size), 0) - reserved;
      if (need > free) {
        const first = ofSize[0]!;
        const node = first.nodes[0] ?? host.nodes[0]!.id;
        out.push({ pageSize: size, nodes: [], need, free: Math.max(0, free), short: need - Math.max(0, free), claims: ofSize, reservedBy: reserved, add: new Map([[node, need - Math.max(0, free)]]) });
      }
    }
  }
  return out;
}

/** sysfs path of a node's pool for one page size */
export function nrHugepagesPath(node: number, pageSize: number): string {
  return `/sys/devices/system/node/node${node}/hugepages/hugepages-${pageSize / 1024}kB/nr_hugepages`;
}

export interface ReserveStep {
  node: number;
  pageSize: number;
  /** nr_hugepages now */
  from: number;
  /** what to write */
  to: number;
  path: string;
}

/** The writes that give every short group its pages: each node's pool grows by what it lacks. */
export function reserveSteps(shortfalls: HugepageShortfall[], host: HostTopology): ReserveStep[] {
  const add = new Map<string, ReserveStep>();
  for (const s of shortfalls) {
    for (const [node, pages] of s.add) {
      const k = `${node}/${s.pageSize}`;
      const total = host.nodes.find((n) => n.id === node)?.hugepages.find((h) => h.pageSize === s.pageSize)?.total ?? 0;
      const step = add.get(k) ?? { node, pageSize: s.pageSize, from: total, to: total, path: nrHugepagesPath(node, s.pageSize) };
      step.to += pages;
      add.set(k, step);
    }
  }
  return [...add.values()].sort((a, b) => a.pageSize - b.pageSize || a.node - b.node);
}
