// A finished run's pinning, as the record has it (host and lab runs alike): every QEMU thread,
// its role, the CPUs the kernel allowed it after pinning (read from /proc, inside the lab for
// a lab run), the design's set, and whether they match — the table `numadesk run` prints.

import type { PinReport } from "../../shared/run/pin-report";
import { pinHeadline } from "../../shared/run/pin-report";

export function RunPinning({ report }: { report: PinReport }) {
  const bad = report.threads.some((t) => t.matches === false) || (report.errors?.length ?? 0) > 0;
  return (
    <div className="run-pinning" data-testid="run-pinning">
      <p className={bad ? "error-line" : "muted"}>{pinHeadline(report)}</p>
      <table className="summary">
        <thead>
          <tr>
            <th>thread</th>
            <th>tid</th>
            <th>role</th>
            <th>allowed</th>
            <th>design</th>
            <th>matches</th>
          </tr>
        </thead>
        <tbody>
          {report.threads.map((t) => (
            <tr key={t.tid} data-role={t.role} data-of={t.of ?? ""} data-matches={t.matches === undefined ? "" : String(t.matches)}>
              <td>{t.name}</td>
              <td>{t.tid}</td>
              <td>{t.role + (t.of !== undefined ? ` ${t.of}` : "")}</td>
              <td>{t.allowed}</td>
              <td>{t.expected ?? "(not pinned)"}</td>
              <td>{t.matches === undefined ? "" : t.matches ? "yes" : "NO"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.errors?.length ? (
        <ul className="diagnostics">
          {report.errors.map((e, i) => (
            <li key={i} className="error">
              {e}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
