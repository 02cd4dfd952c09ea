// What validation knows besides the layout: the target host, if any, and the QEMU that
// will run it, if known. Both are optional: a layout can be checked on its own.

import type { HostTopology } from "../topology/schema";
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Layout } from "../layout/schema";

export interface QemuFacts {
  /** "7.2.22" */
  version?: string;
  /** what the selected binary says it has (its -help, -object help, -machine help); absent: not known */
  help?: QemuHelp;
}

export interface QemuHelp {
  /** option names without dashes, from -help ("machine", "smp", "numa", …) */
  options: string[];
  /** user-creatable object types, from -object help */
  objectTypes: string[];
  /** machine types and aliases, from -machine help */
  machineTypes: string[];
  /** properties of the pc and q35 machine types: -machine TYPE,help and the -machine lines of -help */
  machineProps?: Record<string, string[]>;
}

/** What the target's file system says of a mem-path: a folder, a file, absent but its folder
 *  exists (QEMU creates it), or absent with its folder (QEMU fails at start). */
export type MemPathFact = "dir" | "file" | "creatable" | "missing";

export interface CheckContext {
  host?: HostTopology;
  qemu?: QemuFacts;
  /** mem-path → what the target host's file system says of it; known only for this host */
  memPaths?: Record<string, MemPathFact>;
}

export type Rule = (layout: Layout, ctx: CheckContext) => Diagnostic[];

/** [major, minor] from "7.2.22"; undefined if unreadable. */
export function versionOf(v: string | undefined): [number, number] | undefined {
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function versionBelow(v: string | undefined, major: number, minor: number): boolean {
  const p = versionOf(v);
  return p !== undefined && (p[0] < major || (p[0] === major && p[1] < minor));
}

/** Below a "major.minor" release, e.g. versionBefore("7.1.0", "7.2"); false when unknown. */
export function versionBefore(v: string | undefined, release: string): boolean {
  const r = versionOf(release);
  return r !== undefined && versionBelow(v, r[0], r[1]);
}
