// Diagnostics for a terminal: one line each, `error[NUMA010] -object memory-backend-ram,id=ram-node1: …`,
// with the fix on the next line.

import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import type { Layout } from "../../shared/layout/schema";
import { labelAt } from "../../shared/layout/label";
import { printableLine } from "../../shared/text/printable";

export function formatDiagnostic(d: Diagnostic, layout: Layout | undefined, file?: string): string {
  // a parse problem names its element itself ("-smp 8,cores=0: …"): the label is not said twice
  const found = layout ? labelAt(layout, d.at?.path) : undefined;
  const label = found !== undefined && !d.message.startsWith(`${found}:`) ? found : undefined;
  const where = d.at?.line !== undefined && file ? `${file}:${d.at.line}:${d.at.column}: ` : "";
  const head = `${d.severity}[${d.code}] ${printableLine(where)}${label ? `${printableLine(label)}: ` : ""}${printableLine(d.message)}`;
  return `${head}\n  fix: ${printableLine(d.fix)}`;
}

export function summaryLine(diags: readonly Diagnostic[]): string {
  const n = (s: string) => diags.filter((d) => d.severity === s).length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
  return `${plural(n("error"), "error")}, ${plural(n("warning"), "warning")}, ${plural(n("hint"), "hint")}`;
}
