// Layout → QEMU argv. Imported elements come back at their place with their own text
// (patched only where edited); new elements go after the last element of their kind, in the
// order people usually write them: -name, -machine, console (-nographic, -monitor), -m, -smp, other options, -numa node,
// -numa dist, thread-contexts, memory backends.

import type { Layout } from "../layout/schema";
import { SPECS, type ElementKind, type ElementSpec } from "./elements";
import { patchElement, readFromText, renderElement } from "./codec";
import { shellQuote } from "./tokenize";
import { optionName, takesArgument } from "./options";
import { tasksetWords } from "../pin/taskset";
import { placeHostDevices } from "./device-placement";
import { displayTokens, monitorTokens } from "../layout/guest-console";

export const DEFAULT_BINARY = "qemu-system-x86_64";

type ItemKind = ElementKind | "console" | "arg" | "hostDevice";

const RANK: Record<ItemKind, number> = {
  name: 0,
  machine: 1,
  console: 1.5,
  memory: 2,
  smp: 3,
  arg: 4,
  node: 5,
  distance: 6,
  threadContext: 7,
  backend: 8,
  iothread: 9,
  hostDevice: 10,
};

interface Item {
  kind: ItemKind;
  at: number | undefined;
  tokens: () => string[];
}

export function elementTokens(spec: ElementSpec, e: Record<string, unknown>): string[] {
  const origin = e.origin as { tokens: string[] } | undefined;
  const { origin: _o, ...current } = e;
  if (origin && origin.tokens.length === 2) {
    const [opt, text] = origin.tokens as [string, string];
    const original = readFromText(spec, text).element;
    return [opt, patchElement(spec, current, text, original)];
  }
  return [spec.option, renderElement(spec, current)];
}

function layoutItems(layout: Layout): Item[] {
  const items: Item[] = [];
  const add = (kind: ElementKind, e: Record<string, unknown> | undefined) => {
    if (!e) return;
    const origin = e.origin as { at: number } | undefined;
    items.push({ kind, at: origin?.at, tokens: () => elementTokens(SPECS[kind], e) });
  };
  add("name", layout.name);
  add("machine", layout.machine);
  const c = layout.console;
  if (c?.display) items.push({ kind: "console", at: c.at?.display, tokens: () => displayTokens(c.display!) });
  if (c?.monitor) items.push({ kind: "console", at: c.at?.monitor, tokens: () => monitorTokens(c.monitor!) });
  add("memory", layout.memory);
  add("smp", layout.smp);
  for (const a of layout.args) items.push({ kind: "arg", at: a.at, tokens: () => a.tokens });
  for (const n of layout.nodes) add("node", n);
  for (const d of layout.distances) add("distance", d);
  for (const t of layout.threadContexts) add("threadContext", t);
  for (const b of layout.backends) add("backend", b);
  for (const t of layout.iothreads ?? []) add("iothread", t);
  // each on its guest node through an expander bridge (device-placement.ts)
  for (const words of placeHostDevices(layout).args) items.push({ kind: "hostDevice", at: undefined, tokens: () => words });
  return items;
}

/** The QEMU arguments (without the binary), ready for spawn(). */
export function generateArgs(layout: Layout): string[] {
  const items = layoutItems(layout);
  const placed = items.filter((x) => x.at !== undefined).sort((a, b) => a.at! - b.at!);
  for (const item of items) {
    if (item.at !== undefined) continue;
    // after the last placed item of the same or an earlier kind
    let pos = 0;
    for (let j = placed.length - 1; j >= 0; j--) {
      if (RANK[placed[j]!.kind] <= RANK[item.kind]) {
        pos = j + 1;
        break;
      }
    }
    placed.splice(pos, 0, item);
  }
  return placed.flatMap((x) => x.tokens());
}

/** Backend ids in the order QEMU creates (and, before 9.0, preallocates) them: their order on the command line. */
export function backendOrder(layout: Layout, args: readonly string[] = generateArgs(layout)): string[] {
  const position = (id: string) => args.findIndex((a) => a.includes(`id=${id},`) || a.endsWith(`id=${id}`) || a.includes(`"id":"${id}"`));
  return layout.backends.map((b) => b.id).sort((a, b) => position(a) - position(b));
}

/** The words before the binary: the prefix as imported, then a taskset for the process's CPU set. */
function headWords(layout: Layout): string[] {
  const process = layout.pinning?.process;
  return [...(layout.qemu?.prefix ?? []), ...(process ? tasksetWords(process) : [])];
}

/** Every word of the command line: prefix, binary, arguments. */
export function generateArgv(layout: Layout): string[] {
  return [...headWords(layout), layout.qemu?.binary ?? DEFAULT_BINARY, ...generateArgs(layout)];
}

/** Group arguments into one option (and its value) per entry, the way QEMU reads them: an option that takes a value takes the next word, whatever it looks like. */
export function optionGroups(args: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = optionName(a);
    if (name !== undefined && takesArgument(name) && i + 1 < args.length) groups.push([a, args[++i]!]);
    else groups.push([a]);
  }
  return groups;
}

/** The command line for a terminal: shell-quoted, one option per line, `\` continued. */
export function generateShellLine(layout: Layout): string {
  const head = [...headWords(layout).map((w) => [w]), [layout.qemu?.binary ?? DEFAULT_BINARY]];
  const lines = [...head, ...optionGroups(generateArgs(layout))].map((g) => g.map(shellQuote).join(" "));
  return lines.map((l, i) => (i === 0 ? l : `  ${l}`)).join(" \\\n") + "\n";
}

/** A runnable POSIX shell script that execs QEMU with the layout's arguments. */
export function generateScript(layout: Layout): string {
  const env = (layout.qemu?.prefix ?? []).filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  const words: string[][] = [["exec"]];
  if (env.length > 0) words.push(["env"], ...env.map((w) => [w]));
  if (layout.pinning?.process) words.push(tasksetWords(layout.pinning.process));
  words.push([layout.qemu?.binary ?? DEFAULT_BINARY], ...optionGroups(generateArgs(layout)));
  const body = words.map((g) => g.map(shellQuote).join(" ")).reduce((acc, l, i) => (i === 0 ? l : i === 1 ? `${acc} ${l}` : `${acc} \\\n  ${l}`), "");
  const title = layout.title ? ` for ${layout.title.replace(/\n/g, " ")}` : "";
  return `#!/bin/sh\n# QEMU command line${title}, written by Numadesk.\nset -eu\n${body}\n`;
}
