// Import a QEMU command line as people and tools write it into a layout. Lossless: every
// element remembers the tokens it came from, and everything Numadesk does not model is kept
// as a passthrough argument, so exporting without an edit gives the same argv back.

import type { Diagnostic } from "../diagnostics/diagnostic";
import { emptyLayout, layoutSchema, type Layout, type PassthroughArg } from "../layout/schema";
import { lineColumn, MAX_COMMAND_TEXT, tokenize, type Token } from "./tokenize";
import { applyLaunchPins, scriptCommand } from "./script-command";
import { OPTION_ALIASES, SPECS, type ElementKind, type ElementSpec } from "./elements";
import { closest, readFromSplit, splitValue, type ReadProblem, type SplitValue } from "./codec";
import { readTaskset, startsTaskset } from "../pin/taskset";
import { readConsoleOption } from "../layout/guest-console";
import { ENV_ASSIGNMENT, looksLikeQemuBinary, numactlEnd, optionName, OTHER_OBJECT_TYPES, PREFIX_WORDS, takesArgument } from "./options";

export interface ParseResult {
  layout: Layout;
  /** the QEMU arguments after the binary, as tokens; origins index into this */
  args: Token[];
  diagnostics: Diagnostic[];
}

// -numa's types in QEMU 7.2–10.x (qapi/machine.json NumaOptionsType)
const NUMA_TYPES = ["node", "dist", "cpu", "hmat-lb", "hmat-cache"];

// Backend types whose properties Numadesk knows (QEMU 7.2–10.x: hostmem-*.c); every other
// memory-backend-* is imported as a backend too, its unknown properties kept as written.
const MODELLED_BACKENDS = new Set(["memory-backend-ram", "memory-backend-memfd", "memory-backend-file", "memory-backend-epc", "memory-backend-shm"]);
const isBackendType = (t: string) => t.startsWith("memory-backend-") && /^memory-backend-[a-z][a-z0-9_-]{0,63}$/.test(t);

// libvirt's qemu log puts a "starting up libvirt version" line before the command.
const LIBVIRT_LOG_HEADER = /^\d{4}-\d\d-\d\d[ T][^\n]*: starting up[^\n]*\n/gm;

export function parseCommandLine(input: string): ParseResult {
  // a byte-order mark from an editor is no part of the first word; a space keeps every span
  const text = input.replace(/^\ufeff/, " ").replace(LIBVIRT_LOG_HEADER, (m) => " ".repeat(m.length - 1) + "\n");
  // a saved shell or launch script: only its QEMU command is read (its other lines blanked, offsets kept)
  const script = text.length <= MAX_COMMAND_TEXT ? scriptCommand(text) : undefined;
  const { tokens, diagnostics } = tokenize(script ? script.text : text);
  const layout: Layout = emptyLayout();
  delete layout.memory;
  const diag = (d: Omit<Diagnostic, "at">, tok?: Token, tokenIndex?: number, path?: string) => {
    const at: Diagnostic["at"] = {};
    if (path) at.path = path;
    if (tokenIndex !== undefined) at.token = tokenIndex;
    if (tok) {
      at.span = [tok.start, tok.end];
      Object.assign(at, lineColumn(text, tok.start));
    }
    diagnostics.push({ ...d, at });
  };

  // Words before the first option: environment, `time`, the binary.
  let i = 0;
  const prefix: string[] = [];
  let binary: string | undefined;
  while (i < tokens.length && optionName(tokens[i]!.text) === undefined) {
    const w = tokens[i]!.text;
    if (binary === undefined && startsTaskset(w)) {
      const t = readTaskset(
        tokens.map((x) => x.text),
        i,
      );
      if (t.ok) {
        layout.pinning = { ...layout.pinning, process: { hostCpus: t.hostCpus, words: t.words } };
      } else {
        diag({ code: "PARSE016", severity: "error", message: t.error, fix: "write taskset -c LIST before the QEMU binary, or leave taskset out" }, tokens[i]);
        prefix.push(...tokens.slice(i, t.next).map((x) => x.text));
      }
      i = t.next;
      continue;
    }
    if (binary === undefined && w === "numactl") {
      // numactl and its options run QEMU under a memory/CPU policy: kept as written, before the binary
      const next = numactlEnd(
        tokens.map((x) => x.text),
        i,
      );
      prefix.push(...tokens.slice(i, next).map((x) => x.text));
      i = next;
      continue;
    }
    if (binary === undefined && (ENV_ASSIGNMENT.test(w) || PREFIX_WORDS.has(w))) {
      prefix.push(w);
      i++;
      continue;
    }
    if (binary !== undefined) break;
    binary = w;
    if (!looksLikeQemuBinary(w)) {
      diag(
        {
          code: "PARSE003",
          severity: "warning",
          message: `'${w}' does not look like a QEMU binary; Numadesk reads it as one`,
          fix: "start the line with the QEMU binary (e.g. qemu-system-x86_64) or with its first option",
        },
        tokens[i],
      );
    }
    i++;
  }
  if (prefix.length > 0 || binary !== undefined) {
    layout.qemu = {};
    if (binary !== undefined) layout.qemu.binary = binary;
    if (prefix.length > 0) layout.qemu.prefix = prefix;
  }
  const args = tokens.slice(i);
  if (args.length === 0 && tokens.length === 0) {
    diagnostics.push({
      code: "PARSE004",
      severity: "error",
      message: "the command line is empty",
      fix: "paste a QEMU command line, e.g. qemu-system-x86_64 -m 4G -smp 4",
    });
  }

  const passthrough = (at: number, count: number) => {
    const a: PassthroughArg = { tokens: args.slice(at, at + count).map((t) => t.text), at };
    layout.args.push(a);
  };

  let k = 0;
  while (k < args.length) {
    const tok = args[k]!;
    const name = optionName(tok.text);
    if (name === undefined) {
      // QEMU reads a bare word as the first disk image.
      passthrough(k, 1);
      k++;
      continue;
    }
    if (!takesArgument(name)) {
      if (!takeConsole(k, tok.text, undefined)) passthrough(k, 1);
      k++;
      continue;
    }
    const valueTok = args[k + 1];
    if (valueTok === undefined) {
      diag({ code: "PARSE005", severity: "error", message: `${tok.text} needs a value and the line ends`, fix: `give ${tok.text} its value or remove it` }, tok, k);
      passthrough(k, 1);
      k++;
      continue;
    }
    if (takeConsole(k, tok.text, valueTok.text)) {
      k += 2;
      continue;
    }
    const option = OPTION_ALIASES[`-${name}`] ?? `-${name}`;
    // -numa and -object say what they are inside their value: split it once, here
    const split = option === "-numa" ? splitValue(SPECS.node, valueTok.text) : option === "-object" ? splitValue(SPECS.backend, valueTok.text) : undefined;
    const kind = elementKindFor(option, split);
    const handled = kind !== undefined && takeElement(kind, k, tok, valueTok, split);
    if (!handled) {
      if (option === "-object" && split) checkObjectType(k, valueTok, split);
      if (option === "-numa" && split) checkNumaType(k, valueTok, split);
      passthrough(k, 2);
    }
    k += 2;
  }
  // a launch script runs "$QEMU" (its default is the binary) and pins every thread from its own lists
  if (script?.binary !== undefined) layout.qemu = { ...layout.qemu, binary: script.binary };
  if (script?.pins) applyLaunchPins(layout, script.pins);
  if (script?.title !== undefined) layout.title = script.title;
  // Anything the schema would refuse (a vCPU count of a billion, 5000 guest nodes) is said
  // here, with the token, rather than when the layout is saved.
  const checked = layoutSchema.safeParse(layout);
  if (!checked.success) {
    for (const issue of checked.error.issues.slice(0, 20)) {
      const [slot, index] = issue.path;
      const holder = (layout as Record<string, unknown>)[String(slot)];
      const element = Array.isArray(holder) && typeof index === "number" ? (holder[index] as { origin?: { at: number } }) : (holder as { origin?: { at: number } } | undefined);
      const at = element?.origin?.at;
      diag(
        { code: "PARSE014", severity: "error", message: `${issue.path.join(".")}: ${issue.message}`, fix: "use a value QEMU accepts; Numadesk cannot save or run the layout as it is" },
        at !== undefined ? args[at + 1] : undefined,
        at !== undefined ? at + 1 : undefined,
        issue.path
          .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
          .join("")
          .replace(/^\./, ""),
      );
    }
  }
  notACommandLine();
  return { layout, args, diagnostics };

  /** PARSE017: a first word that is not QEMU and nothing a layout models after it ("hello world;
   *  rm -rf /", a sentence pasted by mistake) is refused, so an import never swaps the layout
   *  being designed for a list of disk images. QEMU itself would read the words as disk images. */
  function notACommandLine() {
    const binaryProblem = diagnostics.find((d) => d.code === "PARSE003");
    if (!binaryProblem) return;
    const modelled = layout.memory || layout.smp || layout.machine || layout.console || layout.nodes.length || layout.backends.length || layout.threadContexts.length;
    if (modelled) return;
    diagnostics.push({
      code: "PARSE017",
      severity: "error",
      message: `this does not look like a QEMU command line: it starts with '${binary ?? ""}' and has no -m, -smp, -machine, -numa or memory backend`,
      fix: "give the whole QEMU command line, starting with the QEMU binary (e.g. qemu-system-x86_64 -m 4G -smp 4)",
      at: { ...binaryProblem.at },
    });
  }

  /** -nographic, -display none, -monitor stdio|none: into the console, the first of each kind. */
  function takeConsole(at: number, option: string, value: string | undefined): boolean {
    const part = readConsoleOption(option, value);
    if (!part) return false;
    const key = "display" in part ? "display" : "monitor";
    if (layout.console?.[key] !== undefined) return false;
    layout.console = { ...layout.console, ...part, at: { ...layout.console?.at, [key]: at } };
    return true;
  }

  function takeElement(kind: ElementKind, at: number, optTok: Token, valueTok: Token, given: SplitValue | undefined): boolean {
    const qomType = kind === "backend" ? given?.entries.find((x) => x.key === "qom-type")?.value : undefined;
    const unknownBackend = typeof qomType === "string" && !MODELLED_BACKENDS.has(qomType);
    if (unknownBackend && !unknownBackendType(at, valueTok, qomType)) return false;
    // a backend type Numadesk does not know: its own properties are kept, not refused
    const spec = unknownBackend ? { ...SPECS.backend, otherKeys: "any" as const } : SPECS[kind];
    const slot = spec.slot;
    const single = slot === "name" || slot === "machine" || slot === "memory" || slot === "smp";
    if (single && layout[slot] !== undefined) {
      diag(
        {
          code: "PARSE006",
          severity: "warning",
          message: `${optTok.text} is given more than once; Numadesk edits the first and keeps the others as written`,
          fix: `merge the ${optTok.text} options into one`,
        },
        optTok,
        at,
      );
      return false;
    }
    const problems: ReadProblem[] = [];
    const split = given ?? splitValue(spec, valueTok.text);
    if (split.error) {
      diag({ code: "PARSE007", severity: "error", message: `${optTok.text}: ${split.error}`, fix: 'fix the JSON; libvirt writes it as one object with a "qom-type" key' }, valueTok, at + 1);
      return false;
    }
    const element = readFromSplit(spec, split, problems);
    if (slot === "iothreads") layout.iothreads ??= [];
    const list = layout[slot];
    const index = Array.isArray(list) ? list.length : undefined;
    const path = index === undefined ? slot : `${slot}[${index}]`;
    for (const p of problems) {
      diag(
        {
          code: p.severity === "error" ? "PARSE008" : "PARSE009",
          severity: p.severity,
          message: `${optTok.text} ${shortValue(valueTok.text)}: ${p.message}`,
          fix: p.fix ?? (p.severity === "error" ? "correct or remove the property; QEMU refuses the option as it is" : "keep one of them"),
        },
        valueTok,
        at + 1,
        `${path}.${p.key}`,
      );
    }
    const required = requiredMissing(spec, element);
    if (required) {
      diag({ code: "PARSE010", severity: "error", message: `${optTok.text} ${shortValue(valueTok.text)}: ${required}`, fix: "add the missing property" }, valueTok, at + 1, path);
      return false;
    }
    element.origin = { at, tokens: [optTok.text, valueTok.text] };
    if (Array.isArray(list)) (list as unknown[]).push(element);
    else (layout as Record<string, unknown>)[slot] = element;
    return true;
  }

  /** Say what an unknown memory-backend-* type is taken as; false when it is a typo of a known one. */
  function unknownBackendType(at: number, valueTok: Token, qomType: string): boolean {
    const near = closest(qomType, MODELLED_BACKENDS);
    if (near) {
      diag({ code: "PARSE012", severity: "error", message: `-object: QEMU has no object type '${qomType}'; did you mean '${near}'?`, fix: `write ${near}` }, valueTok, at + 1);
      return false;
    }
    diag(
      {
        code: "PARSE013",
        severity: "hint",
        message: `-object: Numadesk does not know the backend type '${qomType}'; it is imported as a memory backend (size, host-nodes, policy, prealloc) and its other properties are kept as written`,
        fix: "nothing to do if your QEMU has this type (numadesk check --qemu PATH says whether it does)",
      },
      valueTok,
      at + 1,
    );
    return true;
  }

  function checkNumaType(at: number, valueTok: Token, split: SplitValue) {
    const type = split.entries.find((x) => x.key === "type")?.value;
    if (typeof type !== "string" || NUMA_TYPES.includes(type)) return;
    const near = closest(type, NUMA_TYPES);
    diag(
      {
        code: "PARSE015",
        severity: "error",
        message: `-numa: QEMU has no -numa type '${type}'${near ? `; did you mean '${near}'?` : ""} (QEMU: "Parameter 'type' does not accept value '${type}'")`,
        fix: near ? `write -numa ${near},…` : `use one of ${NUMA_TYPES.join(", ")}`,
      },
      valueTok,
      at + 1,
    );
  }

  function checkObjectType(at: number, valueTok: Token, split: SplitValue) {
    if (split.error) {
      diag({ code: "PARSE007", severity: "error", message: `-object: ${split.error}`, fix: 'fix the JSON; libvirt writes it as one object with a "qom-type" key' }, valueTok, at + 1);
      return;
    }
    const qomType = split.entries.find((x) => x.key === "qom-type")?.value;
    if (typeof qomType !== "string") {
      diag(
        { code: "PARSE011", severity: "error", message: `-object ${shortValue(valueTok.text)} has no type`, fix: "start the value with the object type, e.g. memory-backend-ram,id=..." },
        valueTok,
        at + 1,
      );
      return;
    }
    // a memory backend or thread-context that did not parse has had its own diagnostics already
    if (OTHER_OBJECT_TYPES.includes(qomType) || isBackendType(qomType) || qomType === "thread-context") return;
    const backends = [...MODELLED_BACKENDS, ...OTHER_OBJECT_TYPES.filter((t) => t.startsWith("memory-backend-"))];
    const near = closest(qomType, [...MODELLED_BACKENDS, "thread-context", ...OTHER_OBJECT_TYPES]) ?? (qomType.startsWith("memory-backend-") ? backends.join("', '") : undefined);
    diag(
      near
        ? {
            code: "PARSE012",
            severity: "error",
            message: `-object: QEMU has no object type '${qomType}'; did you mean '${near}'?`,
            fix: `write ${near}`,
          }
        : {
            code: "PARSE013",
            severity: "hint",
            message: `-object: Numadesk does not know the object type '${qomType}' and keeps it as written`,
            fix: "nothing to do if your QEMU has this type",
          },
      valueTok,
      at + 1,
    );
  }
}

function elementKindFor(option: string, split: SplitValue | undefined): ElementKind | undefined {
  switch (option) {
    case "-name":
      return "name";
    case "-machine":
      return "machine";
    case "-m":
      return "memory";
    case "-smp":
      return "smp";
    case "-numa": {
      const type = split?.entries.find((x) => x.key === "type")?.value;
      return type === "node" ? "node" : type === "dist" ? "distance" : undefined;
    }
    case "-object": {
      const type = split?.entries.find((x) => x.key === "qom-type")?.value;
      if (typeof type !== "string") return undefined;
      if (isBackendType(type)) return "backend";
      if (type === "thread-context") return "threadContext";
      if (type === "iothread") return "iothread";
      return undefined;
    }
    default:
      return undefined;
  }
}

function requiredMissing(spec: ElementSpec, e: Record<string, unknown>): string | undefined {
  if (spec.kind === "backend") {
    if (e.id === undefined) return "a memory backend needs id=";
    if (e.size === undefined) return "a memory backend needs size=";
  }
  if (spec.kind === "threadContext" && e.id === undefined) return "a thread-context needs id=";
  if (spec.kind === "iothread" && e.id === undefined) return "an iothread needs id=";
  if (spec.kind === "distance" && (e.src === undefined || e.dst === undefined || e.val === undefined)) {
    return "-numa dist needs src=, dst= and val=";
  }
  if (spec.kind === "memory" && e.size === undefined) return "-m needs a size";
  return undefined;
}

export function shortValue(v: string): string {
  return v.length > 60 ? `${v.slice(0, 57)}…` : v;
}
