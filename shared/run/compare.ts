// Runs side by side on one time scale, and what differs between their command lines: the
// faster run must look shorter, and the one option that changed must stand out.

import type { RunRecord } from "./types";

/** The time axis every panel shares: the longest run's last sample (or its end), rounded up to a whole half second. */
export function sharedDomainMs(runs: ReadonlyArray<Pick<RunRecord, "samples" | "timings">>): number {
  let last = 0;
  for (const r of runs) {
    const t = r.samples.t;
    last = Math.max(last, t.length ? t[t.length - 1]! : 0, r.timings.preallocMs ?? 0);
  }
  return Math.max(500, Math.ceil(last / 500) * 500);
}

export interface ArgPart {
  text: string;
  /** absent from the other command line */
  changed: boolean;
}

/**
 * The command line split into options ("-object memory-backend-ram,…" stays one part), each
 * marked when the other command line has no identical option. Options compare whole: a
 * changed property marks its option.
 */
export function argvDiff(mine: readonly string[], other: readonly string[]): ArgPart[] {
  const group = (argv: readonly string[]) => {
    const out: string[] = [];
    for (const a of argv) {
      if (out.length && !a.startsWith("-") && out[out.length - 1]!.startsWith("-") && !out[out.length - 1]!.includes(" ")) out[out.length - 1] += ` ${a}`;
      else out.push(a);
    }
    return out;
  };
  const theirs = new Set(group(other));
  // the QMP socket and pid file name each run's own files: plumbing, not a difference
  const plumbing = (text: string) => /^-(qmp|pidfile) /.test(text);
  return group(mine).map((text) => ({ text, changed: !plumbing(text) && !theirs.has(text) }));
}
