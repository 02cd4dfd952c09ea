// A leading `taskset` in a pasted command line: `taskset -c 0-3 qemu-system-x86_64 …` or
// `taskset 0xf qemu…` (util-linux taskset(1): a hex mask, or with -c/--cpu-list a cpulist).
// Every thread QEMU creates inherits the affinity of the process, so it is the CPU set of all
// of QEMU's threads until something pins them one by one.

import { formatIdList, parseIdList } from "../cpulist/cpulist";

export type TasksetRead = { ok: true; hostCpus: string; words: string[]; next: number } | { ok: false; error: string; next: number };

const isTaskset = (w: string) => w === "taskset" || w.endsWith("/taskset");

export function startsTaskset(word: string): boolean {
  return isTaskset(word);
}

/** A hex mask (taskset's default form, comma-separated 32-bit groups allowed) as a cpulist. */
export function maskToCpuList(mask: string): string | undefined {
  const hex = mask.replace(/^0x/i, "").replace(/,/g, "");
  if (!/^[0-9a-f]{1,16384}$/i.test(hex)) return undefined;
  const cpus: number[] = [];
  for (let i = 0; i < hex.length; i++) {
    const nibble = parseInt(hex[hex.length - 1 - i]!, 16);
    for (let b = 0; b < 4; b++) if (nibble & (1 << b)) cpus.push(i * 4 + b);
  }
  return cpus.length > 0 ? formatIdList(cpus) : undefined;
}

/** Read taskset and its options from words[at]; `next` is the index of the command it runs. */
export function readTaskset(words: readonly string[], at: number): TasksetRead {
  let i = at + 1;
  let list = false;
  while (i < words.length && words[i]!.startsWith("-")) {
    const w = words[i]!;
    if (w === "--cpu-list" || /^-[a]*c[a]*$/.test(w)) list = true;
    else if (!(w === "-a" || w === "--all-tasks")) {
      return { ok: false, error: `taskset ${w}: Numadesk reads only -c/--cpu-list and -a before the QEMU binary`, next: i + 1 };
    }
    i++;
  }
  const value = words[i];
  if (value === undefined) return { ok: false, error: "taskset needs a CPU list or mask before the QEMU binary", next: i };
  let hostCpus: string | undefined;
  if (list) {
    const r = parseIdList(value, "taskset CPU list");
    if (!r.ok) return { ok: false, error: r.error, next: i + 1 };
    hostCpus = formatIdList(r.ids);
  } else {
    hostCpus = maskToCpuList(value);
    if (hostCpus === undefined) return { ok: false, error: `taskset: '${value.slice(0, 40)}' is not a CPU mask (hex, e.g. 0xf) and -c was not given`, next: i + 1 };
  }
  return { ok: true, hostCpus, words: words.slice(at, i + 1) as string[], next: i + 1 };
}

/** The words to write before the binary: as imported when the CPU set is unchanged. */
export function tasksetWords(process: { hostCpus: string; words?: string[] }): string[] {
  const as = process.words;
  if (as) {
    const again = readTaskset([...as, "qemu"], 0);
    if (again.ok && again.hostCpus === formatIdList(parseIdListOr(process.hostCpus))) return as;
  }
  return ["taskset", "-c", process.hostCpus];
}

function parseIdListOr(text: string): number[] {
  const r = parseIdList(text);
  return r.ok ? r.ids : [];
}
