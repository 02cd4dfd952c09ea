// What a guest node's title offers (right-click, Enter, the menu key): where its memory is bound
// (one host node, a further one for a node that spans two, or one taken away), its backend's
// name, its size, its vCPUs, its pin policy, split and remove. It offered only "bind its memory
// to host node N". Every item is one undoable edit; those that take a value open a field in the
// menu (MenuField.tsx), so the whole menu is reachable from the keyboard.

import type { MenuItem } from "./GuestMenu";
import type { Layout } from "../../shared/layout/schema";
import type { HostTopology } from "../../shared/topology/schema";
import type { AppActions } from "../store/store";
import { formatIdList, idList } from "../../shared/cpulist/cpulist";
import { sizeField, countField } from "../../shared/layout/fields";
import { guestNodePinMode } from "../../shared/pin/guest-node-pins";
import { useApp } from "../views/useApp";

type Actions = Pick<AppActions, "moveGuest" | "spanGuest" | "unspanGuest" | "renameGuestBackend" | "resize" | "setGuestVcpus" | "pinGuest" | "splitNode" | "removeNode">;

const nodesText = (ids: readonly number[]) => `host node${ids.length > 1 ? "s" : ""} ${formatIdList([...ids])}`;

/** The title menu's items for guest node `index`, whose memory is bound to `bound` (the box's host nodes). */
export function guestTitleMenu(index: number, layout: Layout, host: HostTopology, bound: readonly number[], a: Actions): MenuItem[] {
  const node = layout.nodes[index];
  if (!node) return [];
  const backend = node.memdev ? layout.backends.find((b) => b.id === node.memdev) : undefined;
  const vcpus = idList(node.cpus);
  const items: MenuItem[] = host.nodes.map((n) => ({
    label: bound.length > 1 && bound.includes(n.id) ? `bind its memory to host node ${n.id} only` : `bind its memory to host node ${n.id}`,
    disabled: bound.length === 1 && bound[0] === n.id,
    run: () => a.moveGuest(index, n.id),
  }));
  if (backend && bound.length > 0) {
    for (const n of host.nodes) {
      if (bound.includes(n.id)) continue;
      const set = formatIdList([...bound, n.id].sort((x, y) => x - y));
      items.push({ label: `also bind its memory to host node ${n.id} (host-nodes=${set})`, run: () => a.spanGuest(index, n.id) });
    }
    if (bound.length > 1) for (const n of bound) items.push({ label: `take host node ${n} out of its memory's nodes`, run: () => a.unspanGuest(index, n) });
  }
  if (backend) {
    items.push({
      label: `rename its backend (${backend.id})…`,
      run: () => undefined,
      field: { label: "backend id", value: backend.id, apply: (t) => a.renameGuestBackend(index, t) },
    });
    items.push({
      label: `set its memory size (${backend.size})…`,
      run: () => undefined,
      field: {
        label: "memory size",
        value: backend.size,
        apply: (t) => {
          const r = sizeField(t);
          return r.ok ? a.resize(backend.id, r.value.text) : r.error;
        },
      },
    });
  }
  items.push({
    label: `set its vCPUs (${vcpus.length}${vcpus.length ? `: ${formatIdList(vcpus)}` : ""})…`,
    run: () => undefined,
    field: {
      label: "vCPUs",
      value: String(vcpus.length),
      apply: (t) => {
        const r = countField(t, { min: 0, max: 4096, what: "vCPUs" });
        return r.ok ? a.setGuestVcpus(index, r.value ?? 0) : r.error;
      },
    },
  });
  items.push({ label: "add a vCPU", run: () => void a.setGuestVcpus(index, vcpus.length + 1) });
  if (vcpus.length > 0) items.push({ label: `remove a vCPU (${vcpus[vcpus.length - 1]})`, run: () => void a.setGuestVcpus(index, vcpus.length - 1) });
  if (vcpus.length > 0 && bound.length > 0) {
    const mode = guestNodePinMode(layout, index);
    const where = nodesText(bound);
    const now = (m: string) => (mode === m ? " (now)" : "");
    items.push({ label: `pin its vCPUs node-wide on ${where}${now("node")}`, disabled: mode === "node", run: () => a.pinGuest(index, "node") });
    items.push({ label: `pin its vCPUs one PU each on ${where}${now("cpu")}`, disabled: mode === "cpu", run: () => a.pinGuest(index, "cpu") });
    items.push({ label: `unpin its vCPUs${now("none")}`, disabled: mode === "none", run: () => a.pinGuest(index, "none") });
  }
  if (backend) items.push({ label: "split it in two on the same host node", run: () => a.splitNode(index) });
  items.push({ label: `remove guest node ${node.nodeid ?? index}${backend ? ` and ${backend.id}` : ""}`, run: () => a.removeNode(index) });
  return items;
}

/** The store's actions the title menu calls, for GuestNodes.tsx. */
export function useGuestTitleActions(): Actions {
  const moveGuest = useApp((s) => s.moveGuest);
  const spanGuest = useApp((s) => s.spanGuest);
  const unspanGuest = useApp((s) => s.unspanGuest);
  const renameGuestBackend = useApp((s) => s.renameGuestBackend);
  const resize = useApp((s) => s.resize);
  const setGuestVcpus = useApp((s) => s.setGuestVcpus);
  const pinGuest = useApp((s) => s.pinGuest);
  const splitNode = useApp((s) => s.splitNode);
  const removeNode = useApp((s) => s.removeNode);
  return { moveGuest, spanGuest, unspanGuest, renameGuestBackend, resize, setGuestVcpus, pinGuest, splitNode, removeNode };
}
