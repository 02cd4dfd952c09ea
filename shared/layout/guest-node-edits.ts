// Edits of one guest node that its title's menu on the canvas offers (and the layout panel
// beside it): rename its memory backend, set its vCPU count. Each is one undoable step that
// refuses bad input with a sentence; size, removal and split are edits.ts's, pins
// pin/guest-node-pins.ts's.

import type { Layout } from "./schema";
import { formatIdList, idList } from "../cpulist/cpulist";
import { copyData } from "./copy";
import { moveVcpus, unassignedVcpus } from "./edits";

export type GuestEdit = { ok: true; layout: Layout } | { ok: false; error: string };

// QEMU's id_wellformed() (util/id.c): a letter first, then letters, digits, '-', '.' or '_'
const ID_RE = /^[A-Za-z][A-Za-z0-9._-]{0,127}$/;

/** Rename guest node `index`'s memory backend; every reference to it (memdev=, -machine memory-backend=) follows. */
export function renameBackend(layout: Layout, index: number, text: string): GuestEdit {
  const id = text.trim();
  const old = layout.nodes[index]?.memdev;
  if (!old || !layout.backends.some((b) => b.id === old)) return { ok: false, error: "this guest node has no memory backend to rename" };
  if (id === old) return { ok: true, layout };
  if (!ID_RE.test(id)) return { ok: false, error: `'${id.slice(0, 40)}' is not a QEMU id: a letter first, then letters, digits, '-', '.' or '_'` };
  const taken = [...layout.backends.map((b) => b.id), ...layout.threadContexts.map((t) => t.id), ...(layout.iothreads ?? []).map((t) => t.id)];
  if (taken.includes(id)) return { ok: false, error: `the id '${id}' is taken; QEMU refuses duplicate ids` };
  const l = copyData(layout);
  l.backends.find((b) => b.id === old)!.id = id;
  for (const n of l.nodes) if (n.memdev === old) n.memdev = id;
  if (l.machine?.memoryBackend === old) l.machine.memoryBackend = id;
  return { ok: true, layout: l };
}

/**
 * Give guest node `index` `count` vCPUs. More: the vCPUs no node names first (lowest first), then
 * new ones after the highest -smp makes (-smp grows). Fewer: its highest vCPUs leave it; when
 * they were the highest -smp makes and -smp is a plain count, -smp shrinks with them, else they
 * wait unassigned (QEMU 7.2 puts them on guest node 0; unnamed-vcpus.ts).
 */
export function setGuestNodeVcpus(layout: Layout, index: number, count: number): GuestEdit {
  const node = layout.nodes[index];
  if (!node) return { ok: false, error: "no such guest node" };
  if (!Number.isInteger(count) || count < 0 || count > 4096) return { ok: false, error: "vCPUs: give a whole number from 0 to 4096" };
  const mine = idList(node.cpus);
  if (count === mine.length) return { ok: true, layout };
  if (count > mine.length) {
    const want = count - mine.length;
    const free = unassignedVcpus(layout).slice(0, want);
    const top = layout.nodes.flatMap((n) => idList(n.cpus)).reduce((a, c) => Math.max(a, c + 1), 0);
    const smpTop = Math.max(top, ...unassignedVcpus(layout).map((c) => c + 1));
    const fresh = Array.from({ length: want - free.length }, (_, i) => smpTop + i);
    return { ok: true, layout: moveVcpus(layout, [...free, ...fresh], index) };
  }
  const drop = mine.slice(count);
  let l = moveVcpus(layout, drop, -1);
  const smp = l.smp;
  const plain = smp && smp.maxcpus === undefined && smp.sockets === undefined && smp.dies === undefined && smp.clusters === undefined && smp.cores === undefined && smp.threads === undefined;
  if (plain && smp.cpus !== undefined) {
    // -smp ends where the highest vCPU still named or not dropped ends
    const named = l.nodes.flatMap((n) => idList(n.cpus));
    const dropped = new Set(drop);
    let cpus = smp.cpus;
    while (cpus > 1 && dropped.has(cpus - 1) && !named.includes(cpus - 1)) cpus--;
    if (cpus !== smp.cpus) {
      l = copyData(l);
      l.smp = { ...l.smp, cpus };
    }
  }
  return { ok: true, layout: l };
}

/** "4 vCPUs (0-3)" for a menu or a message. */
export function vcpuCountText(layout: Layout, index: number): string {
  const mine = idList(layout.nodes[index]?.cpus);
  return `${mine.length} vCPU${mine.length === 1 ? "" : "s"}${mine.length ? ` (${formatIdList(mine)})` : ""}`;
}
