// A validation rule as data: the codes a check emits, each with its severity, title, concern,
// QEMU version range and whether it is Numadesk's policy rather than QEMU's refusal, beside the
// check itself. The README's table, the app and the tests read the metadata without running
// a check.

import type { At, Diagnostic, Severity } from "../../diagnostics/diagnostic";
import type { Rule } from "../context";

/** The folder's modules, one per concern. */
export type Concern = "memory" | "cpus" | "references" | "host fit" | "preallocation" | "qemu version" | "machine" | "safety";

/** QEMU releases as "major.minor"; `min` inclusive, `max` exclusive. */
export interface QemuRange {
  min?: string;
  max?: string;
}

export interface RuleMeta {
  /** stable code, "NUMA013" */
  code: string;
  /** the severity the check emits this code with */
  severity: Severity;
  /** the check emits this code with another severity in some cases */
  severityVaries?: true;
  /** what the code finds, one line of Markdown */
  title: string;
  concern: Concern;
  /** the QEMU releases that have the option or behaviour the code is about; absent: all */
  qemu?: QemuRange;
  /** an error by Numadesk's policy (the target host's resources, the selected QEMU's version)
   *  where QEMU itself might accept the line; false where QEMU refuses it, and for warnings
   *  and hints (QEMU accepts those) */
  policy: boolean;
}

export interface RuleDef {
  /** the check's name, for reading and for test titles */
  name: string;
  /** every code the check can emit */
  codes: readonly RuleMeta[];
  check: Rule;
}

export function emit(meta: RuleMeta, message: string, fix: string, at?: At): Diagnostic {
  const { code, severity } = meta;
  return at === undefined ? { code, severity, message, fix } : { code, severity, message, fix, at };
}
