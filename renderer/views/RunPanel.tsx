// Launch the layout on this host and watch where its preallocation threads run; then the
// summary, the run history, and runs side by side.

import { useApp } from "./useApp";
import { diagnosticsOf } from "../store/store";
import { hasErrors } from "../../shared/diagnostics/diagnostic";
import { PlacementPlot } from "./PlacementPlot";
import { humanSize } from "../../shared/size/size";
import type { RunRecord } from "../../shared/run/types";
import { unpackSamples } from "../../shared/run/summarize";
import { CompareChart } from "./CompareChart";

export function RunPanel() {
  const target = useApp((s) => s.target);
  const host = useApp((s) => s.host);
  const layout = useApp((s) => s.layout);
  const qemu = useApp((s) => s.qemu);
  const importDiagnostics = useApp((s) => s.importDiagnostics);
  const run = useApp((s) => s.run);
  const launch = useApp((s) => s.launch);
  const runLabDemo = useApp((s) => s.runLabDemo);
  const cancelRun = useApp((s) => s.cancelRun);
  const history = useApp((s) => s.history);
  const compare = useApp((s) => s.compare);
  const toggleCompare = useApp((s) => s.toggleCompare);
  const deleteRun = useApp((s) => s.deleteRun);

  const errors = hasErrors(diagnosticsOf({ layout, host, qemu, importDiagnostics }));
  const lab = target?.kind === "lab";
  const why =
    target?.kind !== "host" && !lab
      ? "Runs happen on this host or in the lab: choose “this host” or a lab target to launch (a sample or imported host can be designed and exported)."
      : !qemu?.available
        ? `QEMU is not available: ${qemu?.error ?? "unknown"}`
        : errors
          ? "Fix the errors above first: they would make QEMU refuse the layout or hurt the host."
          : layout.backends.every((b) => !b.prealloc)
            ? "Nothing is preallocated: set prealloc (drop a thread budget on a node) to see touch_pages threads."
            : undefined;
  const busy = run.status === "starting" || run.status === "running";
  const elapsed = run.preallocMs ?? (run.record?.timings.preallocMs);

  return (
    <section className="panel run-panel" aria-label="run">
      <header>
        <h2>{lab ? `Run in the lab (${target?.nodes} virtual nodes)` : "Run on this host"}</h2>
        <div className="row">
          <button type="button" className="primary" disabled={Boolean(why) || busy} onClick={() => void launch()}>
            {lab ? "launch in the lab" : "launch"}
          </button>
          {lab ? (
            <button type="button" disabled={busy || !qemu?.available} onClick={() => void runLabDemo()} title="the same backend on the last node, without and with a thread-context, side by side">
              demo: without and with thread-context
            </button>
          ) : null}
          {busy ? (
            <button type="button" onClick={() => void cancelRun()}>
              cancel
            </button>
          ) : null}
          <span className="status" data-testid="run-status" data-status={run.status}>
            {run.status === "idle" ? "" : run.status}
            {elapsed !== undefined ? ` · preallocated in ${(elapsed / 1000).toFixed(2)} s` : ""}
          </span>
        </div>
      </header>
      {why && !busy ? <p className="muted">{why}</p> : null}
      {lab && !why && !busy && run.status === "idle" ? (
        <p className="muted">The lab boots a small Linux guest with {target?.nodes} NUMA nodes under QEMU (a few seconds) and runs the layout with this host&apos;s QEMU inside it.</p>
      ) : null}
      {busy && run.statusText ? (
        <p className="muted" data-testid="run-status-text">
          {run.statusText}
        </p>
      ) : null}
      {run.error ? <p className="error-line">{run.error}</p> : null}
      {run.diagnostics?.length ? (
        <ul className="diagnostics">
          {run.diagnostics.map((d, i) => (
            <li key={i} className={d.severity}>
              <code>{d.code}</code> {d.message}
            </li>
          ))}
        </ul>
      ) : null}
      {host && (run.samples.length > 0 || busy) ? <PlacementPlot host={host} layout={run.record?.layout ?? run.layout ?? layout} samples={run.samples} count={run.sampleCount ?? run.samples.length} /> : null}
      {run.record ? <RunSummary record={run.record} /> : null}

      <h3>History</h3>
      {history.length === 0 ? <p className="muted">No runs yet.</p> : null}
      <ul className="history">
        {history.map((h) => (
          <li key={h.id}>
            <label>
              <input type="checkbox" checked={compare.some((r) => r.id === h.id)} onChange={() => void toggleCompare(h.id)} aria-label={`compare ${h.id}`} />
              {h.label ?? h.id} · {humanSize(h.preallocBytes)} · {h.preallocMs !== undefined ? `${(h.preallocMs / 1000).toFixed(2)} s` : h.outcome}
            </label>
            <button type="button" className="link" onClick={() => void deleteRun(h.id)} aria-label={`delete ${h.id}`}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      {compare.length > 0 ? <Comparison runs={compare} /> : null}
    </section>
  );
}

function RunSummary({ record }: { record: RunRecord }) {
  return (
    <table className="summary" data-testid="run-summary">
      <thead>
        <tr>
          <th>backend</th>
          <th>size</th>
          <th>host nodes</th>
          <th>threads</th>
          <th>on its node</th>
          <th>GiB/s</th>
        </tr>
      </thead>
      <tbody>
        {record.backends.map((b) => {
          const ms = b.firstMs !== undefined && b.lastMs !== undefined ? b.lastMs - b.firstMs : undefined;
          return (
            <tr key={b.id}>
              <td>{b.id}</td>
              <td>{humanSize(b.bytes)}</td>
              <td>{b.hostNodes.join(",") || "any"}</td>
              <td>
                {b.seenThreads}/{b.expectedThreads}
              </td>
              <td>{b.locality !== undefined ? `${Math.round(b.locality * 100)} %` : "–"}</td>
              <td>{ms ? (b.bytes / 2 ** 30 / (ms / 1000)).toFixed(2) : "–"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Comparison({ runs }: { runs: RunRecord[] }) {
  const host = useApp((s) => s.host);
  return (
    <div className="compare">
      <CompareChart runs={runs} />
      {host
        ? runs.map((r) => (
            <PlacementPlot key={r.id} host={host} layout={r.layout} samples={unpackSamples(r)} width={520} height={160} label={`placement in run ${r.label ?? r.id}`} />
          ))
        : null}
    </div>
  );
}
