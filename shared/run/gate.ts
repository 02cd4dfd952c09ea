// Which diagnostics stop a run. A run launches an argv rendered afresh from the modelled
// elements (prepare.ts): no console (it uses -display none and its own QMP socket), so an error
// about the console the layout would export (NUMA045, -nographic with -monitor stdio) cannot
// happen in a run and does not stop one; every other error does.

import type { Diagnostic } from "../diagnostics/diagnostic";

/** Codes about options a run leaves out (allow.ts lists them as left out, with why). */
const NOT_IN_A_RUN = new Set(["NUMA045"]);

/** The errors that would stop a run of the layout. */
export function runBlockers(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags.filter((d) => d.severity === "error" && !NOT_IN_A_RUN.has(d.code));
}

export function blocksRun(diags: readonly Diagnostic[]): boolean {
  return runBlockers(diags).length > 0;
}
