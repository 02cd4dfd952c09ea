// The diagnostics of the layout the panels show (store/shown.ts: a frame behind the canvas on
// a big host, so a drop paints before the check runs). Computed once per change of its inputs
// (selectors.ts), however many views ask.

import { useApp } from "./useApp";
import { diagnosticsOf } from "../store/selectors";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";

export function useDiagnostics(): Diagnostic[] {
  const shown = useApp((s) => s.shown);
  const qemu = useApp((s) => s.qemu);
  const importDiagnostics = useApp((s) => s.importDiagnostics);
  return diagnosticsOf({ layout: shown.layout, host: shown.host, qemu, importDiagnostics });
}
