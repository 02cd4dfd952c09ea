// The layout's diagnostics for a view. On most hosts the check is done in the render, so the
// list is never behind the layout. On a big host (over 256 CPUs) whose last check was slow
// (checkLayout took 3–10 ms for 8 × 128 CPUs) it is done after the frame that shows the edit,
// so a drop paints at once and the list follows a frame later, marked aria-busy meanwhile
// (npm run bench -- ui).

import { useEffect, useState } from "react";
import { useApp } from "./useApp";
import { cachedDiagnostics, diagnosticsOf, lastCheckCost } from "../store/selectors";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";

/** a check that took longer than this last time waits for the frame… */
const SLOW_CHECK_MS = 2;
/** …on a host with more CPUs than this */
const BIG_HOST_CPUS = 256;

export function useDiagnostics(): { list: Diagnostic[]; pending: boolean } {
  const layout = useApp((s) => s.layout);
  const host = useApp((s) => s.host);
  const qemu = useApp((s) => s.qemu);
  const importDiagnostics = useApp((s) => s.importDiagnostics);
  const input = { layout, host, qemu, importDiagnostics };
  const cached = cachedDiagnostics(input);
  // only a big host's check waits: on a small one the list is never behind (and tests can read it at once)
  const slow = (host?.cpus.length ?? 0) > BIG_HOST_CPUS && lastCheckCost() > SLOW_CHECK_MS;
  const now = cached ?? (slow ? undefined : diagnosticsOf(input));
  const [shown, setShown] = useState<Diagnostic[]>(() => now ?? diagnosticsOf(input));
  const [, setTick] = useState(0);
  useEffect(() => {
    if (cachedDiagnostics({ layout, host, qemu, importDiagnostics })) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        setShown(diagnosticsOf({ layout, host, qemu, importDiagnostics }));
        setTick((t) => t + 1);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [layout, host, qemu, importDiagnostics]);
  return now ? { list: now, pending: false } : { list: shown, pending: true };
}
