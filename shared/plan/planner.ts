// The planner: host + guest memory + vCPUs + a preallocation thread budget → a layout that
// is correct by construction: one guest node per chosen host node, memory and vCPUs split
// evenly, each backend bound to its node and preallocated by threads that run on that node
// (one thread-context per node). On the seed host (256G, 104 vCPUs, 16 threads) this is the
// seed's fast command line plus -smp 104.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { emptyLayout, type Backend, type GuestNode, type Layout, type ThreadContext } from "../layout/schema";
import type { HostNode, HostTopology } from "../topology/schema";
import { formatIdList } from "../cpulist/cpulist";
import { formatSize, humanSize, MiB, parseSize } from "../size/size";
import { distance, freeHugepages, nearestCpuNode, nodeById, nodeIdList, onlineCpuCount, onlineCpusOf } from "../topology/query";
import { BYTES_PER_PREALLOC_THREAD, MAX_PREALLOC_THREADS, runsBackendsInParallel } from "../qemu/prealloc-rules";
import { checkLayout } from "../validate/check";
import { mirrorHostSmp, planPins, type PinRequest } from "../pin/plan-pins";

export interface PlanRequest extends PinRequest {
  /** guest memory, a QEMU size ("256G") */
  mem: string;
  vcpus: number;
  /** preallocation threads for the whole VM, split across nodes */
  threads: number;
  /** host nodes to use; default: every node with memory and online CPUs */
  nodes?: number[];
  /** memory backend type (default ram) */
  backend?: "ram" | "memfd";
  /** huge page size for a memfd backend ("2M", "1G"); implies hugetlb=on */
  hugepages?: string;
  /**
   * The QEMU the plan is for. From 9.0 QEMU preallocates backends in parallel, so a node whose
   * share of the budget is above QEMU's 16 workers per backend gets several backends (as
   * several guest nodes on that host node); older or unknown versions keep one per node.
   */
  qemuVersion?: string;
}

export type PlanResult = { ok: true; layout: Layout; notes: string[] } | { ok: false; diagnostics: Diagnostic[] };

function err(message: string, fix: string): Diagnostic {
  return { code: "PLAN001", severity: "error", message, fix };
}

// Sizes people can read: a node's share is a whole number of GiB when the memory allows it,
// else of the largest power-of-two MiB step that does and keeps the shares within an eighth of
// each other, the page (2 MiB, or the huge page) at
// the finest. 64G over 3 nodes is 22G + 21G + 21G, not 21846M + 21846M + 21844M; a node
// capped by its free memory gets whole GiB of it (28G of 28.6 GiB free, not 29296M).
const STEPS = [1024, 512, 256, 128, 64, 32, 16, 8, 4, 2].map((m) => m * MiB);

interface Shares {
  shares: number[];
  /** bytes no node had room for */
  over: number;
  /** nodes given less than an equal share, for want of room */
  capped: number[];
}

/** Equal shares of `total` in steps of `step`; what a node cannot hold goes to the nodes that have room. */
function shareInSteps(total: number, capacities: number[], step: number): Shares {
  const shares = split(total / step, capacities.length).map((units) => units * step);
  const room = capacities.map((c) => (Number.isFinite(c) ? Math.floor(c / step) * step : c));
  let over = 0;
  const capped: number[] = [];
  shares.forEach((s, g) => {
    if (s > room[g]!) {
      over += s - room[g]!;
      shares[g] = room[g]!;
      capped.push(g);
    }
  });
  shares.forEach((s, g) => {
    const more = Math.min(over, room[g]! - s);
    if (more > 0) {
      shares[g] = s + more;
      over -= more;
    }
  });
  return { shares, over, capped };
}

/** The coarsest readable step that fits every share in its node's room (see STEPS). */
function shareMemory(total: number, capacities: number[], page: number): Shares {
  // a step may leave the shares unequal by one step: at most an eighth of a share, unless they come out equal
  const k = capacities.length;
  const even = (s: number) => (total / s) % k === 0 || s <= total / k / 8;
  const steps = [...STEPS.filter((s) => s > page && s % page === 0 && total % s === 0 && total >= s * k && even(s)), page];
  for (const step of steps) {
    const r = shareInSteps(total, capacities, step);
    if (r.over === 0 && r.shares.every((s) => s > 0)) return r;
  }
  return shareInSteps(total, capacities, page);
}

/** `bytes` in `k` near-equal parts in the coarsest readable step that gives each part one (the page at the finest). */
function splitBytes(bytes: number, k: number, page: number): number[] {
  const step = STEPS.find((s) => s > page && s % page === 0 && bytes % s === 0 && bytes >= s * k) ?? page;
  return split(bytes / step, k).map((u) => u * step);
}

/** Split `total` units into `k` near-equal parts, the first ones larger. */
function split(total: number, k: number): number[] {
  const base = Math.floor(total / k);
  return Array.from({ length: k }, (_, i) => base + (i < total % k ? 1 : 0));
}

export function planLayout(host: HostTopology, req: PlanRequest): PlanResult {
  const problems: Diagnostic[] = [];
  const mem = parseSize(req.mem, "M");
  if (!mem.ok) problems.push(err(`--mem: ${mem.error}`, "give the guest memory like 256G or 4096M"));
  if (!Number.isSafeInteger(req.vcpus) || req.vcpus < 1 || req.vcpus > 4096) problems.push(err(`--vcpus ${req.vcpus} is not a vCPU count from 1 to 4096`, "give a whole number, e.g. --vcpus 8"));
  if (!Number.isSafeInteger(req.threads) || req.threads < 0 || req.threads > 65536)
    problems.push(err(`--threads ${req.threads} is not a thread count`, "give a whole number, e.g. --threads 16 (0: no preallocation)"));
  let page = 2 * MiB; // THP-sized pieces for anonymous memory
  if (req.hugepages !== undefined) {
    const h = parseSize(req.hugepages);
    if (!h.ok || h.bytes === 0) problems.push(err(`--hugepages: ${h.ok ? "0 is not a page size" : h.error}`, "use 2M or 1G"));
    else page = h.bytes;
  }
  const wanted = req.nodes ?? host.nodes.filter((n) => n.memTotal > 0 && onlineCpusOf(host, n).length > 0).map((n) => n.id);
  const absent = wanted.filter((id) => !nodeById(host, id));
  if (absent.length > 0) problems.push(err(`host node ${formatIdList(absent)} does not exist on ${host.name} (nodes: ${nodeIdList(host)})`, `choose from ${nodeIdList(host)}`));
  if (wanted.length === 0) problems.push(err(`${host.name} has no node with both memory and CPUs`, "name the nodes to use with --nodes"));
  if (problems.length > 0 || !mem.ok) return { ok: false, diagnostics: problems };
  if (mem.bytes % page !== 0 || mem.bytes < page * wanted.length) {
    return {
      ok: false,
      diagnostics: [
        err(`--mem ${req.mem} cannot be split into ${wanted.length} node${wanted.length > 1 ? "s" : ""} of whole ${humanSize(page)} pages`, `use a multiple of ${humanSize(page * wanted.length)}`),
      ],
    };
  }

  const nodes = [...new Set(wanted)].map((id) => nodeById(host, id)!);
  const notes: string[] = [];
  // backends left with one preallocation thread, said once for all of them
  const oneThread: string[] = [];
  const layout = emptyLayout(formatSize(mem.bytes, "M"));
  layout.title = `${humanSize(mem.bytes)}, ${req.vcpus} vCPUs on ${host.name}`;
  layout.name = { debugThreads: true };
  layout.smp = { cpus: req.vcpus };

  // Memory: equal shares in whole pages, as far as each node can hold its share. What a node
  // cannot hold (preallocated memory beyond its free memory, huge pages beyond its free pages:
  // QEMU would fail or the OOM killer would end it) goes to the chosen nodes that have room.
  const prealloc = req.threads > 0;
  const capacity = (n: HostNode) => (req.hugepages ? freeHugepages(n, page) * page : prealloc ? Math.floor(n.memFree / page) * page : Number.POSITIVE_INFINITY);
  const { shares: memShares, over, capped } = shareMemory(mem.bytes, nodes.map(capacity), page);
  for (const g of capped) {
    const n = nodes[g]!;
    notes.push(
      `host node ${n.id} has ${humanSize(capacity(n))} ${req.hugepages ? `in free ${humanSize(page)} huge pages` : "free"}: ram-node${g} gets ${humanSize(memShares[g]!)}, the other nodes take the rest`,
    );
  }
  if (over > 0) {
    const have = nodes.map((n) => `node ${n.id}: ${humanSize(capacity(n))}`).join(", ");
    return {
      ok: false,
      diagnostics: [
        {
          code: "PLAN002",
          severity: "error",
          message: `${humanSize(mem.bytes)} does not fit: the chosen nodes have ${req.hugepages ? `free ${humanSize(page)} huge pages for` : "free memory for"} ${humanSize(mem.bytes - over)} (${have}); QEMU would fail or the OOM killer would end it`,
          fix: req.hugepages ? "reserve more huge pages, use more nodes (--nodes) or less memory" : "use less memory, more nodes (--nodes), or free memory first",
        },
      ],
    };
  }
  if (memShares.some((b) => b === 0)) {
    return { ok: false, diagnostics: [err(`a chosen node has no room at all (${nodes.map((n) => `node ${n.id}: ${humanSize(capacity(n))}`).join(", ")})`, "leave that node out with --nodes")] };
  }

  // vCPUs: mirror the host's numbering when the guest fits in the chosen nodes' CPUs, so
  // guest vCPU k and host CPU k sit on the same node (the seed's cpus=0-25,cpus=52-77).
  const cpuNodes = nodes.filter((n) => onlineCpusOf(host, n).length > 0);
  const vcpuSets = new Map<number, number[]>();
  // vCPU → the host CPU it mirrors, so a split node keeps SMT siblings in one guest node
  const vcpuHostCpu = new Map<number, number>();
  const hostCpuCount = cpuNodes.reduce((a, n) => a + onlineCpusOf(host, n).length, 0);
  if (cpuNodes.length > 0 && req.vcpus <= hostCpuCount) {
    const want = split(req.vcpus, cpuNodes.length);
    // a node with fewer CPUs than its share gives the rest to the others
    let spill = 0;
    cpuNodes.forEach((n, i) => {
      const have = onlineCpusOf(host, n).length;
      if (want[i]! > have) {
        spill += want[i]! - have;
        want[i] = have;
      }
    });
    cpuNodes.forEach((n, i) => {
      const room = onlineCpusOf(host, n).length - want[i]!;
      const extra = Math.min(room, spill);
      want[i] = want[i]! + extra;
      spill -= extra;
    });
    const picked = cpuNodes.flatMap((n, i) =>
      onlineCpusOf(host, n)
        .slice(0, want[i])
        .map((cpu) => ({ cpu, node: n.id })),
    );
    picked
      .sort((a, b) => a.cpu - b.cpu)
      .forEach((p, rank) => {
        vcpuSets.set(p.node, [...(vcpuSets.get(p.node) ?? []), rank]);
        vcpuHostCpu.set(rank, p.cpu);
      });
  } else {
    const counts = split(req.vcpus, Math.max(1, cpuNodes.length));
    let next = 0;
    (cpuNodes.length > 0 ? cpuNodes : nodes.slice(0, 1)).forEach((n, i) => {
      vcpuSets.set(
        n.id,
        Array.from({ length: counts[i]! }, (_, k) => next + k),
      );
      next += counts[i]!;
    });
    if (cpuNodes.length > 0) notes.push(`${req.vcpus} vCPUs is more than the ${hostCpuCount} host CPUs of the chosen nodes: vCPUs are split in blocks, not mirrored`);
  }

  // Preallocation threads: the budget split over the nodes. With fewer threads than nodes
  // every backend still preallocates, with 1 thread each.
  const threadShares = split(req.threads, nodes.length).map((t) => (req.threads > 0 ? Math.max(1, t) : 0));
  if (req.threads > 0 && req.threads < nodes.length) {
    notes.push(
      `${req.threads} thread${req.threads > 1 ? "s" : ""} for ${nodes.length} nodes: every backend is preallocated by 1 thread, QEMU's main thread, one backend after another and with no thread-context, so its pages are touched from wherever that thread runs; give at least ${2 * nodes.length} threads for a context per node`,
    );
  }
  const hostCpus = onlineCpuCount(host);
  const contexts = new Map<number, ThreadContext>();
  const engine = runsBackendsInParallel(req.qemuVersion);
  // guest node index → host node, for the distances of split nodes
  const hostOfGuest: number[] = [];
  nodes.forEach((n, g) => {
    const budget = threadShares[g]!;
    // Pieces: QEMU gives one backend at most 16 workers and one worker per 64 MiB
    // (get_memset_num_threads). Above 16 per node only several backends preallocated at once
    // (QEMU >= 9.0, each with a prealloc-context) use more of the node's CPUs.
    let pieces = 1;
    if (budget > MAX_PREALLOC_THREADS) {
      const want = Math.ceil(budget / MAX_PREALLOC_THREADS);
      if (!engine.parallel) {
        notes.push(
          `host node ${n.id}: ${budget} threads asked, but a backend gets at most ${MAX_PREALLOC_THREADS} workers and ${engine.why}: splitting its memory into ${want} backends would still run ${MAX_PREALLOC_THREADS} at a time, so it keeps one backend`,
        );
      } else {
        // the fewest pieces that give the most workers: each piece keeps 64 MiB per worker
        const workersWith = (p: number) => {
          const mem = splitBytes(memShares[g]!, p, page);
          return split(budget, p).reduce((a, t, j) => a + Math.min(t, MAX_PREALLOC_THREADS, hostCpus, Math.max(1, Math.floor(mem[j]! / BYTES_PER_PREALLOC_THREAD))), 0);
        };
        const maxPieces = Math.min(want, Math.floor(memShares[g]! / page));
        for (let p = 1; p <= maxPieces; p++) if (workersWith(p) > workersWith(pieces)) pieces = p;
        if (pieces < want) notes.push(`host node ${n.id}: ${humanSize(memShares[g]!)} gives ${pieces} backend${pieces > 1 ? "s" : ""} at most, not ${want}: QEMU starts one worker per 64 MiB`);
        if (pieces > 1)
          notes.push(
            `host node ${n.id}: ${budget} threads become ${pieces} backends of at most ${MAX_PREALLOC_THREADS} workers, preallocated in parallel by QEMU ${req.qemuVersion}; each is a guest node on host node ${n.id}`,
          );
      }
    }
    const memPieces = splitBytes(memShares[g]!, pieces, page);
    const threadPieces = split(budget, pieces);
    // in the order of their host cores (siblings side by side), then in blocks per piece
    const coreOf = (v: number) => {
      const c = vcpuHostCpu.get(v);
      const cpu = c === undefined ? undefined : host.cpus.find((x) => x.id === c);
      return cpu ? Math.min(cpu.id, ...cpu.siblings) : v;
    };
    const cpus = pieces > 1 ? [...(vcpuSets.get(n.id) ?? [])].sort((a, b) => coreOf(a) - coreOf(b) || a - b) : (vcpuSets.get(n.id) ?? []);
    const cpuPieces = split(cpus.length, pieces);
    let cpuAt = 0;
    for (let j = 0; j < pieces; j++) {
      const gid = layout.nodes.length;
      hostOfGuest.push(n.id);
      const memdev = `ram-node${gid}`;
      const guest: GuestNode = { nodeid: gid };
      const mine = cpus.slice(cpuAt, cpuAt + cpuPieces[j]!).sort((a, b) => a - b);
      cpuAt += cpuPieces[j]!;
      if (mine.length > 0) guest.cpus = formatIdList(mine);
      guest.memdev = memdev;
      layout.nodes.push(guest);
      const bytes = memPieces[j]!;
      const backend: Backend = { id: memdev, type: req.hugepages ? "memfd" : (req.backend ?? "ram"), size: formatSize(bytes) };
      if (req.hugepages) {
        backend.hugetlb = true;
        backend.hugetlbsize = formatSize(page);
      }
      backend.hostNodes = String(n.id);
      backend.policy = "bind";
      const share = threadPieces[j]!;
      if (share > 0) {
        backend.prealloc = true;
        const ctxNode = onlineCpusOf(host, n).length > 0 ? n : nearestCpuNode(host, n);
        // QEMU's own limits (util/oslib-posix.c): the host's online CPUs, 16, one per 64 MiB.
        // A node with fewer CPUs than threads still gets its context: the threads share them.
        const cap = Math.max(1, Math.min(share, hostCpus, MAX_PREALLOC_THREADS, Math.max(1, Math.floor(bytes / BYTES_PER_PREALLOC_THREAD))));
        if (cap < share) notes.push(`${memdev}: ${share} threads asked, ${cap} used (capped by the host's ${hostCpus} CPUs, QEMU's 16 or one per 64 MiB)`);
        const nodeCpus = ctxNode ? onlineCpusOf(host, ctxNode).length : 0;
        if (ctxNode && cap >= 2 && cap > nodeCpus) notes.push(`${memdev}: ${cap} threads share host node ${ctxNode.id}'s ${nodeCpus} CPU${nodeCpus > 1 ? "s" : ""}`);
        if (ctxNode && cap >= 2) {
          if (!contexts.has(ctxNode.id)) {
            const tc: ThreadContext = { id: `tc${ctxNode.id}`, nodeAffinity: String(ctxNode.id) };
            contexts.set(ctxNode.id, tc);
            layout.threadContexts.push(tc);
          }
          if (ctxNode !== n) notes.push(`host node ${n.id} has no CPUs: ${memdev} is preallocated by threads on the nearest node, ${ctxNode.id}`);
          backend.preallocContext = `tc${ctxNode.id}`;
        } else if (cap < 2) {
          oneThread.push(memdev);
        }
        backend.preallocThreads = cap;
      }
      layout.backends.push(backend);
    }
  });
  // when the budget was below one thread per backend, the note above already says so for all
  const budgetNote = req.threads > 0 && req.threads < nodes.length;
  if (oneThread.length > 0 && !(budgetNote && oneThread.length === layout.backends.length)) {
    notes.push(`${oneThread.join(", ")}: 1 preallocation thread${oneThread.length > 1 ? " each" : ""}, so QEMU uses its main thread and no thread-context is set`);
  }
  // Split host nodes: the guest sees each piece as a node; pieces of one host node are 11 apart
  // (Linux ignores a SLIT whose distances between different nodes are not above 10), the rest
  // as far apart as their host nodes. QEMU wants a distance for every pair once any is given.
  if (layout.nodes.length > nodes.length) {
    for (let a = 0; a < hostOfGuest.length; a++) {
      for (let b = a + 1; b < hostOfGuest.length; b++) {
        const val = hostOfGuest[a] === hostOfGuest[b] ? 11 : Math.max(11, distance(host, hostOfGuest[a]!, hostOfGuest[b]!) ?? 20);
        layout.distances.push({ src: a, dst: b, val });
      }
    }
  }
  // each guest node's host node (a split host node has several guest nodes)
  const guestHosts = hostOfGuest.map((id) => nodes.find((n) => n.id === id)!);
  // Pinning: a guest node's vCPUs on its host node (default), one PU each, or none.
  if (req.mirrorSmp) {
    const m = mirrorHostSmp(host, layout, guestHosts);
    if (!m.ok) return { ok: false, diagnostics: [err(m.message, m.fix)] };
    notes.push(...m.notes);
  }
  const pins = planPins(host, layout, guestHosts, req);
  if (!pins.ok) return { ok: false, diagnostics: [err(pins.message, pins.fix)] };
  notes.push(...pins.notes);
  // Correct by construction, and checked: never hand out a plan that fails the checker.
  const errors = checkLayout(layout, { host }).filter((d) => d.severity === "error");
  if (errors.length > 0) {
    return { ok: false, diagnostics: errors.map((d) => err(`the plan would fail its own check: ${d.code} ${d.message}`, d.fix)) };
  }
  return { ok: true, layout, notes };
}
