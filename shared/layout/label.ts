// A short, recognisable label for the layout element a diagnostic points at, written the way
// the user would see it on the command line: "-object memory-backend-ram,id=ram-node1".

import type { Layout } from "./schema";
import { elementTokens } from "../qemu/generate";
import { SPECS, type ElementKind } from "../qemu/elements";

const SLOT_KIND: Record<string, ElementKind> = {
  name: "name",
  machine: "machine",
  memory: "memory",
  smp: "smp",
  nodes: "node",
  distances: "distance",
  threadContexts: "threadContext",
  backends: "backend",
};

const MAX_LABEL = 60;

function shorten(option: string, value: string): string {
  const parts = value.split(",");
  let out = "";
  for (const p of parts) {
    const next = out ? `${out},${p}` : p;
    if (next.length > MAX_LABEL && out) return `${option} ${out},…`;
    out = next;
    if (p.startsWith("id=")) return `${option} ${out}`;
  }
  return `${option} ${out}`;
}

export function labelAt(layout: Layout, path: string | undefined): string | undefined {
  if (!path) return undefined;
  const m = /^\$?\.?([A-Za-z]+)(?:\[(\d+)\])?/.exec(path);
  if (!m) return undefined;
  const [, slot, index] = m;
  if (slot === "args" && index !== undefined) {
    const a = layout.args[Number(index)];
    return a ? shorten(a.tokens[0]!, a.tokens.slice(1).join(" ")) : undefined;
  }
  const kind = slot ? SLOT_KIND[slot] : undefined;
  if (!kind) return undefined;
  const spec = SPECS[kind];
  const holder = (layout as Record<string, unknown>)[spec.slot];
  if (Array.isArray(holder)) {
    if (index === undefined) return spec.kind === "node" ? "-numa node" : spec.option;
    const e = holder[Number(index)] as Record<string, unknown> | undefined;
    if (!e) return undefined;
    const [opt, value] = elementTokens(spec, e);
    return shorten(opt!, value ?? "");
  }
  if (holder === undefined || holder === null) return spec.option;
  const [opt, value] = elementTokens(spec, holder as Record<string, unknown>);
  return shorten(opt!, value ?? "");
}
