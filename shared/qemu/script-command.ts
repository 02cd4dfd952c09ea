// A shell script pasted into the importer: the QEMU command inside it, as a person means it.
// Numadesk's own exports are such scripts (qemu/generate.ts's generateScript: a #! line,
// comments, `set -eu`, `exec env A=B taskset -c L qemu-system-x86_64 … \`; and
// export/launch-script.ts: `QEMU=${QEMU:-qemu-system-x86_64}`, the pins as
// `vcpu_cpus[N]='…'`, `emulator_cpus='…'`, `io_cpus['IO id']='…'`, then
// `"$QEMU" … -S -chardev "pipe,id=numadesk-mon,path=$dir/mon" -mon chardev=numadesk-mon,mode=control &`).
// Read as one command line, every word of such a script became a QEMU argument. Here the script
// is cut into its commands the way a shell separates them (unquoted newlines, ; & |), the one
// that runs QEMU is kept and the rest is blanked with spaces, so every offset and line number a
// diagnostic gives still points into the pasted text.

import { tokenize, type Token } from "./tokenize";
import { ENV_ASSIGNMENT, looksLikeQemuBinary, numactlEnd, PREFIX_WORDS } from "./options";
import { startsTaskset } from "../pin/taskset";
import { vcpuGuestNodes } from "../pin/resolve";
import { formatIdList } from "../cpulist/cpulist";
import type { Layout } from "../layout/schema";
import type { VcpuPin } from "../pin/schema";

/** The QEMU command of a script, and what the script said around it. */
export interface ScriptCommand {
  /** the pasted text with every other command blanked (same length, same line breaks) */
  text: string;
  /** the layout's title, from the comment Numadesk's scripts start with ("# QEMU command line for TITLE, written by Numadesk.") */
  title?: string;
  /** the binary a launch script's `QEMU=${QEMU:-…}` defaults to (its command runs "$QEMU") */
  binary?: string;
  /** a launch script's pins: host CPU lists by vCPU, the emulator's, by I/O thread name ("IO id", cut to 15 bytes) */
  pins?: { vcpus: Map<number, string>; emulator?: string; iothreads: Map<string, string> };
}

interface Segment {
  start: number;
  end: number;
}

/** The script's simple commands: cut at unquoted newlines, `;`, `&` and `|`; comments and `\`-newline continuations as a shell reads them. */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  let wordStart = true;
  const cut = (at: number, next: number) => {
    if (text.slice(start, at).trim() !== "") out.push({ start, end: at });
    start = next;
    wordStart = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      i++; // an escaped character or a continuation: never a separator
      wordStart = false;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      i = close < 0 ? text.length : close;
      wordStart = false;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      i = j;
      wordStart = false;
      continue;
    }
    if (c === "#" && wordStart) {
      const nl = text.indexOf("\n", i);
      i = (nl < 0 ? text.length : nl) - 1; // the newline itself ends the command
      continue;
    }
    if (c === "\n" || c === ";" || c === "&" || c === "|") {
      cut(i, i + 1);
      continue;
    }
    wordStart = c === " " || c === "\t" || c === "\r" || c === "(";
  }
  cut(text.length, text.length);
  return out;
}

const QEMU_VARIABLE = /^\$\{?QEMU\}?$/;
// a command that may run QEMU: its binary's name or the launch script's variable somewhere in it
const QEMU_WORD = /qemu|kvm|\$\{?QEMU\}?/;
// the assignments a launch script gives its binary and pins in
const SCRIPT_ASSIGNMENT = /^(QEMU=|vcpu_cpus\[|emulator_cpus=|io_cpus\[)/;
/** More commands than any script Numadesk writes (a launch script of 4096 vCPUs has about 4200): not read as one. */
const MAX_COMMANDS = 20_000;

/** The index of a command's program word, past assignments, exec/env/time and a taskset; the words it skipped. */
function programAt(words: readonly string[]): number {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (ENV_ASSIGNMENT.test(w) || PREFIX_WORDS.has(w)) i++;
    else if (w === "numactl") i = numactlEnd(words, i);
    else if (startsTaskset(w)) {
      // taskset [-a] [-c] LIST: its options, then the list
      i++;
      while (i < words.length && words[i]!.startsWith("-")) i++;
      i++;
    } else break;
  }
  return i;
}

const isQemu = (word: string | undefined) => word !== undefined && (looksLikeQemuBinary(word) || QEMU_VARIABLE.test(word));

/** The launch script's own words after QEMU's arguments: the -S it starts with and its monitor pipe. */
const LAUNCH_TAIL = /^-chardev$|^pipe,id=numadesk-mon,path=|^-mon$|^chardev=numadesk-mon,mode=control$/;

/**
 * The QEMU command of a pasted shell script, or undefined when the text is not a script (one
 * command, or lines that are options on their own: a line written without `\`, read as before).
 */
export function scriptCommand(text: string): ScriptCommand | undefined {
  // one scan of the text; words are split only in the commands that can matter (a pasted line of
  // 30 000 options is one command and is not split twice)
  const segs = segments(text);
  if (segs.length < 2 || segs.length > MAX_COMMANDS) return undefined;
  const raw = (s: Segment) => text.slice(s.start, s.end).trimStart();
  // a line that starts with an option belongs to the command above it: not a script
  if (segs.some((s) => raw(s).startsWith("-"))) return undefined;
  const withTokens = (s: Segment) => ({ ...s, tokens: tokenize(text.slice(s.start, s.end)).tokens });
  const qemu = segs
    .filter((s) => QEMU_WORD.test(raw(s)))
    .map(withTokens)
    .find((c) => isQemu(c.tokens[programAt(c.tokens.map((t) => t.text))]?.text));
  if (!qemu) return undefined;
  const cmds = segs.filter((s) => SCRIPT_ASSIGNMENT.test(raw(s))).map(withTokens);

  // blanked by UTF-16 unit, as token offsets count
  const units = text.split("");
  const blankUnits = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (units[k] !== "\n" && units[k] !== "\r") units[k] = " ";
  };
  blankUnits(0, qemu.start);
  blankUnits(qemu.end, text.length);
  const at = (t: Token) => [qemu.start + t.start, qemu.start + t.end] as const;
  const words = qemu.tokens.map((t) => t.text);
  const program = programAt(words);
  const result: ScriptCommand = { text: "" };
  // `exec` and the `env` before assignments are how a script runs QEMU, not part of the command line
  for (let k = 0; k < program; k++) if (words[k] === "exec" || (words[k] === "env" && ENV_ASSIGNMENT.test(words[k + 1] ?? ""))) blankUnits(...at(qemu.tokens[k]!));
  if (QEMU_VARIABLE.test(words[program]!)) {
    // a launch script: the binary is its QEMU variable's default; its -S and monitor are its own
    blankUnits(...at(qemu.tokens[program]!));
    const binary = variableDefault(cmds, "QEMU");
    if (binary !== undefined) result.binary = binary;
    let end = qemu.tokens.length;
    while (end > program + 1 && LAUNCH_TAIL.test(words[end - 1]!)) end--;
    if (end < qemu.tokens.length && words[end - 1] === "-S") end--;
    if (end < qemu.tokens.length) blankUnits(qemu.start + qemu.tokens[end]!.start, qemu.end);
    result.pins = launchPins(cmds.map((c) => c.tokens.map((t) => t.text)));
  }
  const title = /^# QEMU (?:command line|launch script) for (.+?), written by Numadesk[.:]/m.exec(text.slice(0, qemu.start));
  if (title) result.title = title[1]!;
  result.text = units.join("");
  return result;
}

/** `NAME=${NAME:-DEFAULT}` or `NAME=VALUE`: the value a script gives a variable. */
function variableDefault(cmds: ReadonlyArray<{ tokens: Token[] }>, name: string): string | undefined {
  for (const c of cmds) {
    const w = c.tokens[0]?.text;
    if (c.tokens.length !== 1 || !w?.startsWith(`${name}=`)) continue;
    const v = w.slice(name.length + 1);
    const m = new RegExp(`^\\$\\{${name}:?-(.*)\\}$`).exec(v);
    return m ? m[1] : v;
  }
  return undefined;
}

/** The pins a launch script sets: `vcpu_cpus[N]=LIST`, `emulator_cpus=LIST`, `io_cpus[NAME]=LIST` (empty lists pin nothing). */
function launchPins(commands: readonly string[][]): NonNullable<ScriptCommand["pins"]> {
  const pins: NonNullable<ScriptCommand["pins"]> = { vcpus: new Map(), iothreads: new Map() };
  for (const words of commands) {
    if (words.length !== 1) continue;
    const w = words[0]!;
    let m = /^vcpu_cpus\[(\d{1,6})\]=(.*)$/s.exec(w);
    if (m) {
      if (m[2] !== "") pins.vcpus.set(Number(m[1]), m[2]!);
      continue;
    }
    m = /^emulator_cpus=(.*)$/s.exec(w);
    if (m) {
      if (m[1] !== "") pins.emulator = m[1]!;
      continue;
    }
    m = /^io_cpus\[(.*)\]=(.*)$/s.exec(w);
    if (m && m[2] !== "") pins.iothreads.set(m[1]!, m[2]!);
  }
  return pins;
}

/**
 * A launch script's pins as the layout's: a guest node whose vCPUs all share one list pins the
 * node (as `plan --pin node` writes it), other vCPUs are pinned in runs that share a list; the
 * emulator's list and each I/O thread's (matched by its cut name) as they were. Exporting the
 * launch script again gives the same lists.
 */
export function applyLaunchPins(layout: Layout, pins: NonNullable<ScriptCommand["pins"]>): void {
  const vcpuPins: VcpuPin[] = [];
  const nodeOf = vcpuGuestNodes(layout);
  const left = new Map(pins.vcpus);
  const members = new Map<number, number[]>();
  for (const [v, g] of nodeOf) members.set(g, [...(members.get(g) ?? []), v]);
  for (const [g, vs] of members) {
    const first = pins.vcpus.get(vs[0]!);
    if (first === undefined || !vs.every((v) => pins.vcpus.get(v) === first)) continue;
    vcpuPins.push({ node: g, hostCpus: first });
    for (const v of vs) left.delete(v);
  }
  const byList = new Map<string, number[]>();
  for (const [v, list] of [...left].sort((a, b) => a[0] - b[0])) byList.set(list, [...(byList.get(list) ?? []), v]);
  for (const [list, vs] of byList) vcpuPins.push({ vcpus: formatIdList(vs), hostCpus: list });
  const pinning: NonNullable<Layout["pinning"]> = { ...layout.pinning };
  if (vcpuPins.length > 0) pinning.vcpus = vcpuPins;
  if (pins.emulator !== undefined) pinning.emulator = pins.emulator;
  if (Object.keys(pinning).length > 0) layout.pinning = pinning;
  for (const t of layout.iothreads ?? []) {
    const list = pins.iothreads.get(`IO ${t.id}`.slice(0, 15));
    if (list !== undefined) t.hostCpus = list;
  }
}
