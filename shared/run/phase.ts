// What a run is doing, in the words the run view shows: QEMU preallocates before it answers
// on QMP, so "preallocating" lasts from spawn until the prealloc-done event (the QMP greeting),
// and a run the user stopped is "cancelled", not "failed".

export type RunPhase = "starting" | "booting the lab" | "preallocating" | "preallocated" | "done" | "cancelled" | "failed";

/** `labBooting`: a lab run whose guest has not begun a job yet (its QEMU inside is not started: nothing preallocates). */
export function runPhase(status: "idle" | "starting" | "running" | "done" | "cancelled" | "failed", preallocMs: number | undefined, labBooting = false): RunPhase | undefined {
  switch (status) {
    case "idle":
      return undefined;
    case "running":
      if (labBooting) return "booting the lab";
      return preallocMs === undefined ? "preallocating" : "preallocated";
    default:
      return status;
  }
}

/** "0.4 s", "12.3 s", "2 min 05 s": an elapsed time that reads at a glance on a projector. */
export function elapsedText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.floor(s - m * 60)).padStart(2, "0")} s`;
}

/** A rate is only meaningful for a run that finished its preallocation. */
export function gibPerSecond(bytes: number, ms: number | undefined, outcome: string): number | undefined {
  if (outcome !== "ok" || !ms || ms <= 0) return undefined;
  return bytes / 2 ** 30 / (ms / 1000);
}
