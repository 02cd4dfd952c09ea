// Which saved runs belong to the target being looked at: a run is matched by the name of the
// topology it ran on (this host's name, or "lab: N nodes"), which is what listRuns carries;
// the fingerprint tells apart two hosts of the same name when the caller knows it.

export interface HistoryRow {
  hostName: string;
  fingerprint: string;
}

export function runsOnTarget<R extends HistoryRow>(rows: readonly R[], target: { name: string; fingerprint?: string } | undefined): R[] {
  if (!target) return [...rows];
  return rows.filter((r) => r.hostName === target.name && (target.fingerprint === undefined || r.fingerprint === target.fingerprint));
}
