// Launch the layout on this host and watch where its preallocation threads run; then the
// summary, the run history, and runs side by side.

import { useApp } from "./useApp";
import { withCommaBreaks } from "./line-breaks";
import { useDiagnostics } from "./useDiagnostics";
import { blocksRun } from "../../shared/run/gate";
import { PlacementPlot } from "./PlacementPlot";
import { RunPinning } from "./RunPinning";
import { humanSize } from "../../shared/size/size";
import type { RunRecord } from "../../shared/run/types";
import { unpackSamples } from "../../shared/run/summarize";
import { CompareChart } from "./CompareChart";
import { useEffect, useRef, useState } from "react";
import { RunProgress } from "./RunProgress";
import { comparisonEvidence, runEvidence } from "../../shared/run/evidence";
import { REPLAY_SPEEDS } from "../../shared/run/replay";
import { MAX_RECORDING_TEXT, RECORDING_SUFFIX } from "../../shared/run/recording";
import { runReportHtml } from "../../shared/run/html-report";
import { downloadText } from "./download";
import { elapsedText, gibPerSecond, runPhase } from "../../shared/run/phase";
import { runsOnTarget } from "../../shared/run/history";
import { argvDiff, sharedDomainMs } from "../../shared/run/compare";
import { runTitle } from "../../shared/run/label";
import { LabProgressLine } from "./LabProgressLine";

/** The clock, ticking every 100 ms while `on`: the elapsed time of a run going on. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(t);
  }, [on]);
  return now;
}

export function RunPanel() {
  const target = useApp((s) => s.target);
  const host = useApp((s) => s.host);
  const layout = useApp((s) => s.shown.layout);
  const qemu = useApp((s) => s.qemu);
  const run = useApp((s) => s.run);
  const launch = useApp((s) => s.launch);
  const runLabDemo = useApp((s) => s.runLabDemo);
  const cancelRun = useApp((s) => s.cancelRun);
  const compare = useApp((s) => s.compare);
  const exact = useApp((s) => s.exact);
  const exactMode = useApp((s) => s.exactMode);
  const setExact = useApp((s) => s.setExact);

  const busy = run.status === "starting" || run.status === "running";
  const replay = run.replay;
  const now = useNow(busy);
  // launching re-checks on the backend; this only greys the button (a frame late on a big host)
  const errors = blocksRun(useDiagnostics());
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
  const preallocMs = run.preallocMs ?? run.record?.timings.preallocMs;
  // a lab run names its job when the guest begins it: until then the lab is being prepared or booted
  const phase = runPhase(run.status, preallocMs, lab && !replay && run.label === undefined);
  // a replay's clock runs in the recorded run's time
  const elapsed = run.startedAt !== undefined ? Math.min(((busy ? now : (run.endedAt ?? now)) - run.startedAt) * (replay?.speed ?? 1), replay?.endMs ?? Infinity) : undefined;
  // the run shown preallocated: a hint about the layout being edited would read as if about the run
  const runShown = run.status !== "idle";
  const nothingPreallocated = layout.backends.every((b) => !b.prealloc);
  // a run is drawn on the topology it ran on: its record's copy, or the target it was launched on
  const runHost = run.record?.topology ?? run.topology ?? host;
  // which run the plot below is: after the lab demo it is the second of two, in a replay a saved one
  const shownTitle = run.record ? runTitle(run.record) : run.label;
  // beside a run, a hint about the layout being edited would read as if about the run: it goes
  // below the run, said of the layout, and "nothing is preallocated" not at all (the run did)
  const hint = why && !runShown ? why : undefined;
  const later = why && runShown && !(nothingPreallocated && !errors && qemu?.available) ? why : undefined;

  return (
    <section className={`panel run-panel${compare.length > 0 ? " comparing" : ""}`} aria-label="run">
      {/* the run's own view; a comparison goes beside it (styles.css: the panel then spans the page) */}
      <div className="run-main">
        <header>
          <h2>{lab ? `Run in the lab (${target?.nodes} virtual nodes)` : "Run on this host"}</h2>
          <div className="row">
            <button type="button" className="primary" disabled={Boolean(why) || busy} title={why} onClick={() => void launch()}>
              {lab ? "launch in the lab" : "launch"}
            </button>
            {lab ? (
              <button type="button" disabled={busy || !qemu?.available} onClick={() => void runLabDemo()} title="the same backend on the last node, without and with a thread-context, side by side">
                demo: without and with thread-context
              </button>
            ) : null}
            {target?.kind === "host" && exactMode?.available ? (
              <label
                className="small"
                title="watch QEMU's threads through the scheduler's tracepoints: every switch and migration, instead of sampling /proc at 200 Hz; the record says if it fell back"
              >
                <input type="checkbox" checked={exact} onChange={(e) => setExact(e.target.checked)} aria-label="exact mode" /> exact mode
              </label>
            ) : null}
            {busy ? (
              <button type="button" onClick={() => void cancelRun()}>
                {replay ? "stop replay" : "cancel"}
              </button>
            ) : null}
            {replay ? (
              <span className="badge" data-testid="replay-badge">
                replay {replay.speed}×
              </span>
            ) : null}
            <span className={`status phase-${(phase ?? "idle").replace(/ /g, "-")}`} data-testid="run-status" data-status={run.status} data-phase={phase}>
              {phase ? <b>{phase}</b> : null}
              {elapsed !== undefined && phase ? <span data-testid="run-elapsed"> · {elapsedText(elapsed)}</span> : null}
              {preallocMs !== undefined && run.status !== "cancelled" ? ` · preallocated in ${(preallocMs / 1000).toFixed(2)} s` : ""}
            </span>
          </div>
        </header>
        {hint && !busy ? <p className="muted">{hint}</p> : null}
        {lab && !why && !busy && run.status === "idle" ? (
          <p className="muted">The lab boots a small Linux guest with {target?.nodes} NUMA nodes under QEMU (a few seconds) and runs the layout with this host&apos;s QEMU inside it.</p>
        ) : null}
        {busy && run.progress ? <LabProgressLine progress={run.progress} /> : null}
        {busy && run.statusText && !run.progress ? (
          <p className="muted" data-testid="run-status-text">
            {run.statusText}
          </p>
        ) : null}
        {run.error ? <p className="error-line">{run.error}</p> : null}
        {run.error && run.errorDetail ? (
          <details className="error-detail">
            <summary>what QEMU said</summary>
            <pre>{run.errorDetail}</pre>
          </details>
        ) : null}
        {run.diagnostics?.length ? (
          <ul className="diagnostics">
            {run.diagnostics.map((d, i) => (
              <li key={i} className={d.severity}>
                <code>{d.code}</code> {d.message}
              </li>
            ))}
          </ul>
        ) : null}
        {runHost && shownTitle && (run.samples.length > 0 || busy) && !(busy && run.statusText && !run.progress) ? (
          <h4 className="run-shown" data-testid="run-title">
            {shownTitle}
          </h4>
        ) : null}
        {runHost ? <RunProgress run={run} layout={run.record?.layout ?? run.layout ?? layout} host={runHost} /> : null}
        {runHost && (run.samples.length > 0 || busy) ? (
          <PlacementPlot
            host={runHost}
            layout={run.record?.layout ?? run.layout ?? layout}
            samples={run.samples}
            count={run.sampleCount ?? run.samples.length}
            {...(preallocMs !== undefined && run.status !== "cancelled" ? { markMs: preallocMs } : {})}
          />
        ) : null}
        {run.record ? <RunSummary record={run.record} /> : null}
        {run.record?.pinning ? <RunPinning report={run.record.pinning} /> : null}
        {later && !busy ? <p className="muted">To launch the layout being edited: {later.charAt(0).toLowerCase() + later.slice(1)}</p> : null}

        <History />
      </div>
      {compare.length > 0 ? <Comparison runs={compare} /> : null}
    </section>
  );
}

function History() {
  const target = useApp((s) => s.target);
  const host = useApp((s) => s.host);
  const history = useApp((s) => s.history);
  const compare = useApp((s) => s.compare);
  const toggleCompare = useApp((s) => s.toggleCompare);
  const deleteRun = useApp((s) => s.deleteRun);
  const replayRun = useApp((s) => s.replayRun);
  const saveRecording = useApp((s) => s.saveRecording);
  const run = useApp((s) => s.run);
  const busy = run.status === "starting" || (run.status === "running" && !run.replay);
  const [speed, setSpeed] = useState<number>(4);
  const [all, setAll] = useState(false);
  const [editing, setEditing] = useState<string | undefined>();
  // the runs of the target looked at; its topology's name is what a run record keeps
  const shown = all ? history : runsOnTarget(history, host ? { name: host.name } : undefined);
  const hidden = history.length - shown.length;
  return (
    <>
      <h3>
        History <span className="muted small">{all ? "all targets" : `on ${target?.name ?? "this target"}`}</span>
      </h3>
      <label className="small">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} aria-label="runs of all targets" /> all targets{hidden > 0 ? ` (${hidden} more)` : ""}
      </label>
      <span className="row history-tools">
        <label className="small">
          replay speed{" "}
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-label="replay speed">
            {REPLAY_SPEEDS.map((x) => (
              <option key={x} value={x}>
                {x}×
              </option>
            ))}
          </select>
        </label>
        <ImportRecording />
      </span>
      {shown.length === 0 ? <p className="muted">{history.length === 0 ? "No runs yet." : "No runs on this target yet."}</p> : null}
      <ul className="history" data-testid="history">
        {shown.map((h) => (
          <li key={h.id} data-run={h.id}>
            {editing === h.id ? (
              <RenameRun id={h.id} label={h.label ?? ""} done={() => setEditing(undefined)} />
            ) : (
              <label title={`${h.id} · ${h.hostName}${h.hasTopology ? "" : " · recorded without its topology"}`}>
                <input type="checkbox" checked={compare.some((r) => r.id === h.id)} onChange={() => void toggleCompare(h.id)} aria-label={`compare ${h.title}`} />
                <span className={`run-title outcome-${h.outcome}`}>{h.title}</span>
                {all && h.hostName !== host?.name ? <span className="muted"> · {h.hostName}</span> : null}
              </label>
            )}
            <span className="row-tools">
              {editing === h.id ? null : (
                <>
                  <button
                    type="button"
                    className="link"
                    disabled={busy}
                    onClick={() => void replayRun(h.id, speed)}
                    aria-label={`replay ${h.title}`}
                    title={`play it back through the live view at ${speed}×`}
                  >
                    replay
                  </button>
                  <button
                    type="button"
                    className="link"
                    onClick={() =>
                      void saveRecording(h.id).then((how) => {
                        if (typeof how === "object") downloadText(`${h.id}${RECORDING_SUFFIX}`, "application/json", how.download);
                      })
                    }
                    aria-label={`export ${h.title}`}
                    title="save the run as a recording file, to replay it on another machine"
                  >
                    export
                  </button>
                  <button type="button" className="link" onClick={() => setEditing(h.id)} aria-label={`rename ${h.title}`}>
                    rename
                  </button>
                </>
              )}
              <button type="button" className="link" onClick={() => void deleteRun(h.id)} aria-label={`delete ${h.title}`}>
                ✕
              </button>
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

const MAX_PAGE_RECORDING = 3 * 1024 * 1024;

/** Import a recording: the desktop's dialog, or the page's file input (read bounded) in browser mode. */
function ImportRecording() {
  const openRecording = useApp((s) => s.openRecording);
  const importRecording = useApp((s) => s.importRecording);
  const say = useApp((s) => s.say);
  const input = useRef<HTMLInputElement>(null);
  const pick = async () => {
    if ((await openRecording()) === "page") input.current?.click();
  };
  const read = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_RECORDING_TEXT) return say("error", `${file.name} is ${humanSize(file.size)}, more than a recording may be (${humanSize(MAX_RECORDING_TEXT)})`);
    // the page's way is the browser mode's: its server takes requests up to 4 MiB, and the text travels JSON-escaped
    if (file.size > MAX_PAGE_RECORDING)
      return say("error", `${file.name} is ${humanSize(file.size)}: the browser mode imports recordings up to ${humanSize(MAX_PAGE_RECORDING)}; open it in the desktop app`);
    const problem = await importRecording(await file.text(), file.name);
    if (problem) say("error", problem);
  };
  return (
    <>
      <button type="button" onClick={() => void pick()} title="a run saved with export, from this or another machine">
        import recording…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="recording file"
        onChange={(e) => {
          void read(e.target.files?.[0]);
          e.target.value = "";
        }}
      />
    </>
  );
}

/** Inline rename: Enter keeps, Escape drops; an empty name gives the run back its description. */
function RenameRun({ id, label, done }: { id: string; label: string; done: () => void }) {
  const labelRun = useApp((s) => s.labelRun);
  const [text, setText] = useState(label);
  const [problem, setProblem] = useState<string | undefined>();
  const keep = async () => {
    const bad = await labelRun(id, text);
    if (bad) setProblem(bad);
    else done();
  };
  return (
    <form
      className="rename"
      onSubmit={(e) => {
        e.preventDefault();
        void keep();
      }}
    >
      <input
        autoFocus
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && done()}
        aria-label="run name"
        aria-invalid={problem ? true : undefined}
        placeholder="empty: its description"
      />
      <button type="submit">keep</button>
      {problem ? <span className="field-error">{problem}</span> : null}
    </form>
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
          {/* not the run's GiB/s (its size over the time to preallocation done, as the compare
              chart, the CLI and the report give it): this backend's bytes over the time its
              touch_pages threads were seen at work, so it says so */}
          <th title="the backend's size divided by the time from its first to its last touch_pages sample; the run's own rate is its size over the time to preallocation done">
            GiB/s while its threads ran
          </th>
        </tr>
      </thead>
      <tbody>
        {record.backends.map((b) => {
          const rate = gibPerSecond(b.bytes, b.firstMs !== undefined && b.lastMs !== undefined ? b.lastMs - b.firstMs : undefined, record.outcome);
          return (
            <tr key={b.id}>
              <td>{b.id}</td>
              <td>{humanSize(b.bytes)}</td>
              <td>{b.hostNodes.join(",") || "any"}</td>
              <td>
                {b.seenThreads}/{b.expectedThreads}
              </td>
              <td>{b.locality !== undefined ? `${Math.round(b.locality * 100)} %` : "–"}</td>
              <td>{rate !== undefined ? rate.toFixed(2) : "–"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Comparison({ runs }: { runs: RunRecord[] }) {
  const host = useApp((s) => s.host);
  const present = useApp((s) => s.present);
  const saveReport = useApp((s) => s.saveReport);
  // one time scale for every panel: the faster run must look shorter
  const domainMs = sharedDomainMs(runs);
  const pair = runs.length === 2 ? runs : undefined;
  const across = comparisonEvidence(runs);
  const report = async () => {
    if ((await saveReport(runs.map((r) => r.id))) === "download") downloadText("numadesk-report.html", "text/html", runReportHtml(runs, { generatedAt: new Date().toISOString() }));
  };
  return (
    <div className="compare">
      <div className="row">
        <button type="button" className="primary" onClick={() => present(runs)} title="full window, large type, one story at a time (→ next, ← back, Esc leaves)">
          present
        </button>
        <button type="button" onClick={() => void report()} title="one self-contained HTML file: plots, evidence, command lines (as numadesk runs report writes it)">
          save HTML report
        </button>
      </div>
      <CompareChart runs={runs} />
      {across.length ? (
        <ul className="evidence" data-testid="compare-evidence">
          {across.map((e, k) => (
            <li key={k}>{e}</li>
          ))}
        </ul>
      ) : null}
      {runs.map((r, i) => {
        const on = r.topology ?? host;
        if (!on) return null;
        const title = runTitle(r);
        return (
          <section key={r.id} className="compare-panel" aria-label={`run ${title}`}>
            <h4 data-testid="compare-title">{title}</h4>
            <PlacementPlot
              host={on}
              layout={r.layout}
              samples={unpackSamples(r)}
              height={160}
              domainMs={domainMs}
              {...(r.timings.preallocMs !== undefined && r.outcome === "ok" ? { markMs: r.timings.preallocMs } : {})}
              label={`placement in run ${title}`}
            />
            <ul className="evidence small" data-testid="run-evidence">
              {runEvidence(r).map((e, k) => (
                <li key={k}>{e}</li>
              ))}
            </ul>
            {r.topology ? null : <p className="muted">This record is older than saved topologies: drawn on the current target, {host?.name}; its node bands may not be the ones it ran on.</p>}
            {pair ? (
              <pre className="argv" data-testid="compare-argv">
                {argvDiff(r.argv, pair[1 - i]!.argv).map((p, k) => (
                  <span key={k} className={p.changed ? "changed" : undefined}>
                    {withCommaBreaks(p.text)}{" "}
                  </span>
                ))}
              </pre>
            ) : null}
          </section>
        );
      })}
      {pair ? <p className="muted small">Highlighted: the options one command line has and the other does not.</p> : null}
    </div>
  );
}
