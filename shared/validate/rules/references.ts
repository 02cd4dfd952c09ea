// References: every id an option names exists, ids are unique and well formed, guest node ids
// have no gaps, and every backend is used by something.

import type { At, Diagnostic } from "../../diagnostics/diagnostic";
import { formatIdList } from "../../cpulist/cpulist";
import { argRefs, deviceMemdevs } from "../../layout/refs";
import { backendLabel, guestNodeIds } from "./layout-facts";
import { atAllNodes, atArg, atBackend, atDistance, atMachine, atNode, atThreadContext } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const NUMA005: RuleMeta = { code: "NUMA005", severity: "error", title: "`memdev=` / `memory-backend=` names no backend", concern: "references", policy: false };
const NUMA006: RuleMeta = { code: "NUMA006", severity: "error", title: "`prealloc-context=` names no thread-context", concern: "references", qemu: { min: "7.2" }, policy: false };
const NUMA007: RuleMeta = { code: "NUMA007", severity: "error", title: "an object id used twice", concern: "references", policy: false };
const NUMA008: RuleMeta = { code: "NUMA008", severity: "error", title: "a malformed object id", concern: "references", policy: false };
const NUMA009: RuleMeta = { code: "NUMA009", severity: "error", title: "guest node ids duplicated or with gaps", concern: "references", policy: false };
const NUMA027: RuleMeta = { code: "NUMA027", severity: "warning", title: "a backend nothing uses (still allocated and preallocated)", concern: "references", policy: false };
const NUMA028: RuleMeta = { code: "NUMA028", severity: "error", title: "a guest distance naming a missing node, or an impossible value", concern: "references", policy: false };

// NUMA005: memdev= / memory-backend= must name a memory backend.
export const danglingMemdev: RuleDef = {
  name: "danglingMemdev",
  codes: [NUMA005],
  check: (layout) => {
    const backends = new Set(layout.backends.map((b) => b.id));
    const otherBackends = new Set(argRefs(layout).flatMap((r) => (r.qomType?.startsWith("memory-backend-") && r.id ? [r.id] : [])));
    const known = (id: string) => backends.has(id) || otherBackends.has(id);
    const out: Diagnostic[] = [];
    const fix = (id: string) =>
      backends.size > 0 ? `use one of ${[...backends].join(", ")}, or add -object memory-backend-ram,id=${id},size=...` : `add -object memory-backend-ram,id=${id},size=...`;
    layout.nodes.forEach((n, i) => {
      if (n.memdev !== undefined && !known(n.memdev)) {
        out.push(emit(NUMA005, `guest node ${n.nodeid ?? i} uses memdev=${n.memdev}, but no memory backend has that id`, fix(n.memdev), atNode(layout, i, "memdev")));
      }
    });
    const boot = layout.machine?.memoryBackend;
    if (boot !== undefined && !known(boot)) {
      out.push(emit(NUMA005, `-machine memory-backend=${boot} names no memory backend`, fix(boot), atMachine("memoryBackend")));
    }
    for (const r of argRefs(layout)) {
      if (r.option === "-device" && r.memdev !== undefined && !known(r.memdev)) {
        out.push(emit(NUMA005, `-device ${r.driver ?? ""} uses memdev=${r.memdev}, but no memory backend has that id`, fix(r.memdev), atArg(r.arg)));
      }
    }
    return out;
  },
};

// NUMA006: prealloc-context= must name a thread-context.
export const danglingContext: RuleDef = {
  name: "danglingContext",
  codes: [NUMA006],
  check: (layout) => {
    const contexts = new Set(layout.threadContexts.map((t) => t.id));
    const out: Diagnostic[] = [];
    layout.backends.forEach((b, i) => {
      if (b.preallocContext !== undefined && !contexts.has(b.preallocContext)) {
        out.push(
          emit(
            NUMA006,
            `${backendLabel(b)} uses prealloc-context=${b.preallocContext}, but there is no thread-context with that id`,
            contexts.size > 0 ? `use one of ${[...contexts].join(", ")}` : `add -object thread-context,id=${b.preallocContext},node-affinity=N`,
            atBackend(b, i, "preallocContext"),
          ),
        );
      }
    });
    return out;
  },
};

// QEMU's id_wellformed(): a letter first, then letters, digits, '-', '.' or '_'.
const ID_RE = /^[A-Za-z][A-Za-z0-9._-]*$/;

// NUMA007 / NUMA008: object ids are unique and well formed.
export const objectIds: RuleDef = {
  name: "objectIds",
  codes: [NUMA007, NUMA008],
  check: (layout) => {
    const out: Diagnostic[] = [];
    const all: Array<{ id: string; at: At }> = [
      ...layout.backends.map((b, i) => ({ id: b.id, at: atBackend(b, i, "id") })),
      ...layout.threadContexts.map((t, i) => ({ id: t.id, at: atThreadContext(t, i, "id") })),
      ...argRefs(layout).flatMap((r) => (r.option === "-object" && r.id !== undefined ? [{ id: r.id, at: atArg(r.arg) }] : [])),
    ];
    const seen = new Set<string>();
    for (const { id, at } of all) {
      if (seen.has(id)) {
        out.push(emit(NUMA007, `the object id '${id}' is used twice; QEMU refuses duplicate ids`, `rename one of them`, at));
      }
      seen.add(id);
      if (!ID_RE.test(id)) {
        out.push(
          emit(
            NUMA008,
            `the object id '${id}' is not well formed; QEMU wants a letter first, then letters, digits, '-', '.' or '_'`,
            `rename it, e.g. ${id.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z]*/, "id-") || "ram0"}`,
            at,
          ),
        );
      }
    }
    return out;
  },
};

// NUMA009: guest node ids unique and without gaps (QEMU: "numa: Node ID missing").
export const guestNodeIdsRule: RuleDef = {
  name: "guestNodeIds",
  codes: [NUMA009],
  check: (layout) => {
    const out: Diagnostic[] = [];
    const gids = guestNodeIds(layout);
    const seen = new Set<number>();
    gids.forEach((g, i) => {
      if (seen.has(g)) out.push(emit(NUMA009, `guest node id ${g} is used twice`, "give each -numa node its own nodeid", atNode(layout, i, "nodeid")));
      seen.add(g);
    });
    const max = gids.length ? Math.max(...gids) : -1;
    const missing: number[] = [];
    for (let g = 0; g <= max && g < 65536; g++) if (!seen.has(g)) missing.push(g);
    if (missing.length > 0) {
      out.push(emit(NUMA009, `guest node ids ${formatIdList(missing)} are missing; QEMU wants ids 0-${max} without gaps`, "number the guest nodes 0, 1, 2, …", atAllNodes()));
    }
    return out;
  },
};

// NUMA027: a backend nothing uses is still allocated (and preallocated).
export const unusedBackend: RuleDef = {
  name: "unusedBackend",
  codes: [NUMA027],
  check: (layout) => {
    const used = new Set<string>([...layout.nodes.flatMap((n) => (n.memdev ? [n.memdev] : [])), ...deviceMemdevs(layout)]);
    if (layout.machine?.memoryBackend) used.add(layout.machine.memoryBackend);
    return layout.backends.flatMap((b, i) =>
      used.has(b.id)
        ? []
        : [
            emit(
              NUMA027,
              `${backendLabel(b)} is not used by any guest node, device or -machine memory-backend=, but QEMU still ${b.prealloc ? "preallocates" : "creates"} it`,
              `use it (memdev=${b.id}) or remove it`,
              atBackend(b, i),
            ),
          ],
    );
  },
};

// NUMA028: -numa dist must name existing guest nodes.
export const distanceNodes: RuleDef = {
  name: "distanceNodes",
  codes: [NUMA028],
  check: (layout) => {
    const gids = new Set(guestNodeIds(layout));
    return layout.distances.flatMap((x, i) => {
      const bad = [x.src, x.dst].filter((n) => !gids.has(n));
      if (bad.length > 0)
        return [emit(NUMA028, `-numa dist src=${x.src},dst=${x.dst} names guest node ${formatIdList(bad)}, which does not exist`, "use the ids of -numa node options", atDistance(i))];
      if (x.src === x.dst && x.val !== 10) return [emit(NUMA028, `-numa dist: a node's distance to itself must be 10, not ${x.val}`, "use val=10", atDistance(i))];
      // QEMU 7.2 takes 10 between two nodes and refuses below ("NUMA distance (9) is invalid,
      // it shouldn't be less than 10"; oracle corpus)
      if (x.src !== x.dst && x.val < 10)
        return [
          emit(NUMA028, `-numa dist src=${x.src},dst=${x.dst}: val=${x.val}; QEMU says "NUMA distance (${x.val}) is invalid, it shouldn't be less than 10"`, "use 10 or more (e.g. 21)", atDistance(i)),
        ];
      return [];
    });
  },
};

export const REFERENCE_RULES: readonly RuleDef[] = [danglingMemdev, danglingContext, objectIds, guestNodeIdsRule, unusedBackend, distanceNodes];
