// What a preallocation run may hand to QEMU. A run launches only what Numadesk understands:
// its command line is rendered afresh from the modelled elements (never from the text they
// were imported from, never from passthrough options), keeping only the properties on the
// lists below, and the finished argv is read back and checked against the same lists before
// anything is spawned. A layout file someone hands you can shape NUMA and memory; it cannot
// make a run open, write or delete files, start processes or open sockets.

import type { Backend, Layout } from "../layout/schema";
import { splitValue } from "../qemu/codec";
import { SPECS, type ElementKind } from "../qemu/elements";
import { escapeCommas, parseKeyval, renderEntry } from "../qemu/keyval";
import { optionName } from "../qemu/options";
import { displayTokens, monitorTokens } from "../layout/guest-console";

/** Backend types a run creates. Others (epc, shm, types Numadesk does not know) are refused. */
export const RUN_BACKEND_TYPES = new Set(["ram", "memfd", "file"]);

// Backend properties besides the modelled ones that change nothing outside QEMU's own memory.
// Left out on purpose: share (writes guest memory through to the file), discard-data (throws
// the file's content away at exit), readonly/rom/pmem/offset (they concern a file's data).
const BACKEND_EXTRA: Record<string, ReadonlySet<string>> = {
  ram: new Set(["merge", "dump", "reserve", "x-use-canonical-path-for-ramblock-id"]),
  memfd: new Set(["merge", "dump", "reserve", "seal", "x-use-canonical-path-for-ramblock-id"]),
  file: new Set(["merge", "dump", "reserve", "align", "x-use-canonical-path-for-ramblock-id"]),
};
const BACKEND_DROPPED_FIELDS = ["share"] as const;

// -machine: the type, the boot RAM backend, and hmat (which -numa hmat-lb needs). Everything
// else (dumpdtb= writes a file, firmware and kernel options read them) stays out.
const MACHINE_EXTRA = new Set(["hmat"]);
const SMP_EXTRA = new Set(["books", "drawers"]);

// -numa forms Numadesk does not model, kept for runs because they shape the guest's NUMA and
// touch nothing outside QEMU (qapi/machine.json, QEMU 7.2–10.x): their keys.
const NUMA_PASSTHROUGH: Record<string, ReadonlySet<string>> = {
  cpu: new Set(["type", "node-id", "drawer-id", "book-id", "socket-id", "die-id", "cluster-id", "core-id", "thread-id"]),
  "hmat-lb": new Set(["type", "initiator", "target", "hierarchy", "data-type", "latency", "bandwidth"]),
  "hmat-cache": new Set(["type", "node-id", "size", "level", "associativity", "policy", "line"]),
};

// Names a run passes to -name guest= and -machine type=: plain words. The guest name is cosmetic
// in a preallocation run, so anything else is left out rather than refused.
const GUEST_NAME = /^[A-Za-z0-9 ._:@+-]{1,64}$/;
const MACHINE_TYPE = /^[A-Za-z0-9._-]{1,64}$/;

/** The options a run's argv may hold, with the number of values each takes. */
const RUN_OPTIONS: Record<string, 0 | 1> = {
  name: 1,
  machine: 1,
  m: 1,
  smp: 1,
  numa: 1,
  object: 1,
  S: 0,
  nodefaults: 0,
  "no-user-config": 0,
  display: 1,
  accel: 1,
  qmp: 1,
};

export interface RunLayout {
  layout: Layout;
  /** what the run leaves out, one line each: the option or property as written, and why */
  dropped: string[];
  /** why the layout cannot be run at all (empty when it can) */
  refused: string[];
}

type Extra = NonNullable<Backend["extra"]>;

function keepExtra(extra: Extra | undefined, allowed: ReadonlySet<string>, what: string, dropped: string[]): Extra | undefined {
  if (!extra) return undefined;
  const kept: Extra = {};
  for (const [k, v] of Object.entries(extra)) {
    if (allowed.has(k) && (typeof v === "string" || typeof v === "number" || typeof v === "boolean")) kept[k] = v;
    else dropped.push(`${what}: ${k}=${String(v)} (a run passes only what shapes memory and NUMA)`);
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function runBackend(b: Backend, dropped: string[], refused: string[]): Backend | undefined {
  const what = `-object memory-backend-${b.type},id=${b.id}`;
  if (!RUN_BACKEND_TYPES.has(b.type)) {
    refused.push(`${what}: a run creates only memory-backend-ram, -memfd and -file backends`);
    return undefined;
  }
  const { origin: _o, extra, ...fields } = b;
  const out: Backend = { ...fields };
  for (const f of BACKEND_DROPPED_FIELDS) {
    if (out[f] !== undefined) {
      dropped.push(`${what}: ${f}=${out[f] ? "on" : "off"} (a run never shares its memory with a file)`);
      delete out[f];
    }
  }
  // properties of another backend type (QEMU refuses them; the checker says so as NUMA029)
  const foreign: Array<[keyof Backend, string, boolean]> = [
    ["memPath", "mem-path", b.type !== "file"],
    ["hugetlb", "hugetlb", b.type !== "memfd"],
    ["hugetlbsize", "hugetlbsize", b.type !== "memfd"],
  ];
  for (const [field, key, drop] of foreign) {
    if (drop && out[field] !== undefined) {
      dropped.push(`${what}: ${key}=${String(out[field])} (memory-backend-${b.type} has no ${key})`);
      delete out[field];
    }
  }
  const kept = keepExtra(extra, BACKEND_EXTRA[b.type]!, what, dropped);
  if (kept) out.extra = kept;
  return out;
}

/** A -numa passthrough value rebuilt from its keys, or undefined when a run does not keep it. */
function runNumaPassthrough(value: string): string | undefined {
  const entries = parseKeyval(value, "type");
  const type = entries.find((e) => e.key === "type")?.value;
  const keys = type !== undefined ? NUMA_PASSTHROUGH[type] : undefined;
  if (!keys || entries.some((e) => !keys.has(e.key) || e.value === undefined)) return undefined;
  return entries.map((e) => renderEntry(e.key, e.value!, e.key === "type")).join(",");
}

/** The layout a run launches: modelled elements only, rendered fresh, unknown properties left out. */
export function runLayout(layout: Layout): RunLayout {
  const dropped: string[] = [];
  const refused: string[] = [];
  const run: Layout = {
    version: layout.version,
    nodes: layout.nodes.map(({ origin: _o, extra, ...n }) => {
      if (extra) keepExtra(extra, new Set(), "-numa node", dropped);
      return n;
    }),
    distances: layout.distances.map(({ origin: _o, extra, ...d }) => {
      if (extra) keepExtra(extra, new Set(), "-numa dist", dropped);
      return d;
    }),
    threadContexts: layout.threadContexts.map(({ origin: _o, extra, ...t }) => {
      if (extra) keepExtra(extra, new Set(), `-object thread-context,id=${t.id}`, dropped);
      return t;
    }),
    backends: layout.backends.flatMap((b) => {
      const r = runBackend(b, dropped, refused);
      return r ? [r] : [];
    }),
    args: [],
  };
  // An I/O thread object creates one idle event-loop thread in QEMU and touches nothing
  // outside it; runs keep it (id only) so its pin can be applied and read back.
  if (layout.iothreads && layout.iothreads.length > 0) {
    run.iothreads = layout.iothreads.map(({ origin: _o, extra, ...t }) => {
      if (extra) keepExtra(extra, new Set(), `-object iothread,id=${t.id}`, dropped);
      return t;
    });
  }
  // pinning is applied from outside QEMU (sched_setaffinity), never on its command line
  if (layout.pinning) run.pinning = structuredClone(layout.pinning);
  if (layout.memory) {
    const { origin: _o, extra, ...m } = layout.memory;
    if (extra) keepExtra(extra, new Set(), "-m", dropped);
    run.memory = m;
  }
  if (layout.smp) {
    const { origin: _o, extra, ...s } = layout.smp;
    run.smp = s;
    const kept = keepExtra(extra, SMP_EXTRA, "-smp", dropped);
    if (kept) run.smp.extra = kept;
  }
  if (layout.machine) {
    const { origin: _o, extra, type, memoryBackend } = layout.machine;
    run.machine = {};
    if (type !== undefined) {
      if (MACHINE_TYPE.test(type)) run.machine.type = type;
      else refused.push(`-machine type=${type.slice(0, 60)}: not a machine type name (letters, digits, '.', '_', '-')`);
    }
    if (memoryBackend !== undefined) run.machine.memoryBackend = memoryBackend;
    const kept = keepExtra(extra, MACHINE_EXTRA, "-machine", dropped);
    if (kept) run.machine.extra = kept;
  }
  if (layout.name) {
    const { guest, debugThreads, extra } = layout.name;
    run.name = {};
    if (guest !== undefined) {
      if (GUEST_NAME.test(guest)) run.name.guest = guest;
      else dropped.push(`-name guest=${JSON.stringify(guest.slice(0, 60))} (a run passes only plain guest names)`);
    }
    if (debugThreads !== undefined) run.name.debugThreads = debugThreads;
    if (extra) keepExtra(extra, new Set(), "-name", dropped);
  }
  // A run brings its own console (-nodefaults -display none, and its QMP socket: prepare.ts);
  // the layout's -nographic or -monitor stdio would tie QEMU to Numadesk's stdin.
  if (layout.console?.display) dropped.push(`${displayTokens(layout.console.display).join(" ")} (a run has no console: it uses -display none and its own QMP socket)`);
  if (layout.console?.monitor) dropped.push(`${monitorTokens(layout.console.monitor).join(" ")} (a run has no console: it uses -display none and its own QMP socket)`);
  // Never a host device: VFIO would take it from its host driver (README, "Sharing layouts safely").
  for (const d of layout.hostDevices ?? []) dropped.push(`-device vfio-pci,host=${d.host} (a run never passes a host device through)`);
  for (const a of layout.args) {
    const name = optionName(a.tokens[0] ?? "");
    const value = a.tokens[1];
    const rebuilt = name === "numa" && value !== undefined ? runNumaPassthrough(value) : undefined;
    if (rebuilt !== undefined) run.args.push({ tokens: ["-numa", rebuilt] });
    else dropped.push(`${a.tokens.join(" ").slice(0, 200)} (a run passes only memory and NUMA options)`);
  }
  return { layout: run, dropped, refused };
}

// ── The check of the finished argv ────────────────────────────────────────────────────────

const OBJECT_KEYS: Record<string, ReadonlySet<string>> = {
  "thread-context": new Set(["qom-type", ...SPECS.threadContext.fields.map((f) => f.key)]),
  iothread: new Set(["qom-type", ...SPECS.iothread.fields.map((f) => f.key)]),
};
for (const type of RUN_BACKEND_TYPES) {
  const modelled = SPECS.backend.fields.map((f) => f.key).filter((k) => k !== "share" && (type === "file" || k !== "mem-path") && (type === "memfd" || (k !== "hugetlb" && k !== "hugetlbsize")));
  OBJECT_KEYS[`memory-backend-${type}`] = new Set(["qom-type", ...modelled, ...BACKEND_EXTRA[type]!]);
}

const fieldKeys = (kind: ElementKind, extra: Iterable<string> = []) => new Set([...SPECS[kind].fields.map((f) => f.key), ...extra]);
const OPTION_KEYS: Record<string, ReadonlySet<string>> = {
  name: fieldKeys("name"),
  machine: fieldKeys("machine", MACHINE_EXTRA),
  m: fieldKeys("memory"),
  smp: fieldKeys("smp", SMP_EXTRA),
};
const NUMA_KEYS: Record<string, ReadonlySet<string>> = {
  node: new Set(["type", ...SPECS.node.fields.map((f) => f.key)]),
  dist: new Set(["type", ...SPECS.distance.fields.map((f) => f.key)]),
  ...NUMA_PASSTHROUGH,
};

export interface RunArgvFacts {
  /** the QMP socket the run listens on */
  qmpSocket: string;
  /** mem-path values the host side has checked and allows */
  memPaths: ReadonlySet<string>;
}

/** The -qmp value for a socket path; commas in the path are doubled so they cannot add options. */
export function qmpArg(socket: string): string {
  return `unix:${escapeCommas(socket)},server=on,wait=off`;
}

/**
 * Read a run's argv back the way QEMU will and say what in it is not allowed (empty: all of
 * it is). This is the last gate before spawn; anything it finds is a bug in the rendering,
 * and the run is refused rather than launched.
 */
export function checkRunArgv(args: readonly string[], facts: RunArgvFacts): string[] {
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(word)) problems.push(`argument ${i} holds a control character`);
    const name = optionName(word);
    if (name === undefined || !(name in RUN_OPTIONS) || word.startsWith("--")) {
      problems.push(`argument ${i} (${word.slice(0, 40)}) is not an option a run uses`);
      continue;
    }
    if (RUN_OPTIONS[name] === 0) continue;
    const value = args[++i];
    if (value === undefined) {
      problems.push(`${word} has no value`);
      continue;
    }
    problems.push(...checkValue(name, value, facts));
  }
  return problems;
}

function keysOutside(entries: Array<{ key: string }>, allowed: ReadonlySet<string>): string[] {
  return entries.map((e) => e.key).filter((k) => !allowed.has(k));
}

function checkValue(name: string, value: string, facts: RunArgvFacts): string[] {
  const bad = (what: string) => [`-${name} ${value.slice(0, 60)}: ${what}`];
  switch (name) {
    case "display":
      return value === "none" ? [] : bad("a run has no display");
    case "accel":
      return value === "tcg" ? [] : bad("a run uses TCG");
    case "qmp":
      return value === qmpArg(facts.qmpSocket) ? [] : bad("not the run's own QMP socket");
    case "numa": {
      const entries = parseKeyval(value, "type");
      const type = entries.find((e) => e.key === "type")?.value;
      const allowed = type !== undefined ? NUMA_KEYS[type] : undefined;
      if (!allowed) return bad(`-numa ${type ?? "(no type)"} is not kept in runs`);
      const outside = keysOutside(entries, allowed);
      return outside.length ? bad(`properties ${outside.join(", ")} are not kept in runs`) : [];
    }
    case "object": {
      const split = splitValue(SPECS.backend, value);
      if (split.error) return bad(split.error);
      const type = split.entries.find((e) => e.key === "qom-type")?.value;
      const allowed = typeof type === "string" ? OBJECT_KEYS[type] : undefined;
      if (!allowed) return bad(`object type ${String(type)} is not created in runs`);
      const outside = keysOutside(split.entries, allowed);
      if (outside.length) return bad(`properties ${outside.join(", ")} are not kept in runs`);
      const path = split.entries.find((e) => e.key === "mem-path")?.value;
      if (path !== undefined && !facts.memPaths.has(String(path))) return bad(`mem-path ${String(path)} was not checked`);
      return [];
    }
    default: {
      const allowed = OPTION_KEYS[name];
      if (!allowed) return bad("not an option a run uses");
      const outside = keysOutside(parseKeyval(value, SPECS[name === "m" ? "memory" : (name as ElementKind)].impliedKey), allowed);
      return outside.length ? bad(`properties ${outside.join(", ")} are not kept in runs`) : [];
    }
  }
}
