// What several rules read from a layout the same way: id lists as numbers, guest node ids as
// QEMU assigns them, and a backend's name in a message.

import type { Backend, Layout } from "../../layout/schema";
import { parseIdList } from "../../cpulist/cpulist";

/** The ids of a "0-3,8" list; none when absent or malformed. */
export function ids(text: string | undefined): number[] {
  if (text === undefined) return [];
  const r = parseIdList(text);
  return r.ok ? r.ids : [];
}

/** Guest node ids as QEMU assigns them: an omitted nodeid is the node's position. */
export function guestNodeIds(layout: Layout): number[] {
  return layout.nodes.map((n, i) => n.nodeid ?? i);
}

export const backendLabel = (b: Backend) => `backend ${b.id}`;
