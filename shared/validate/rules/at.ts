// Where a rule's diagnostic points: the layout path the CLI labels, and the element the app
// selects, built together so they cannot disagree.

import type { At } from "../../diagnostics/diagnostic";
import type { Backend, Layout, ThreadContext } from "../../layout/schema";

const field = (base: string, name: string | undefined) => (name === undefined ? base : `${base}.${name}`);

export const atBackend = (b: Backend, i: number, name?: string): At => ({ path: field(`backends[${i}]`, name), element: { kind: "backend", id: b.id, index: i } });

export const atThreadContext = (t: ThreadContext, i: number, name?: string): At => ({
  path: field(`threadContexts[${i}]`, name),
  element: { kind: "threadContext", id: t.id, index: i },
});

/** A guest node by its position; `nodeid` is the id QEMU gives it (its position if omitted). */
export const atNode = (layout: Layout, i: number, name?: string): At => ({
  path: field(`nodes[${i}]`, name),
  element: { kind: "node", index: i, nodeid: layout.nodes[i]?.nodeid ?? i },
});

export const atDistance = (i: number): At => ({ path: `distances[${i}]`, element: { kind: "distance", index: i } });

/** An option kept verbatim in layout.args (an -object or -device Numadesk does not model). */
export const atArg = (i: number): At => ({ path: `args[${i}]`, element: { kind: "arg", index: i } });

export const atMemory = (): At => ({ path: "memory", element: { kind: "memory" } });
export const atSmp = (): At => ({ path: "smp", element: { kind: "smp" } });
export const atName = (): At => ({ path: "name", element: { kind: "name" } });
export const atMachine = (name?: string): At => ({ path: field("machine", name), element: { kind: "machine" } });

/** Every guest node at once: no single element to select. */
export const atAllNodes = (): At => ({ path: "nodes" });
