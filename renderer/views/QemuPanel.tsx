// The QEMU binaries on this host, with what each can do, and what each would do with this
// layout's backends ("8 workers on node 1, parallel with ram-node0"; shared/qemu/prealloc-rules.ts).

import { useState } from "react";
import { useApp } from "./useApp";
import { describePrealloc, preallocPlan } from "../../shared/qemu/prealloc-rules";

export function QemuPanel() {
  const qemus = useApp((s) => s.qemus);
  const loadQemus = useApp((s) => s.loadQemus);
  const layout = useApp((s) => s.shown.layout);
  const host = useApp((s) => s.host);
  const [loading, setLoading] = useState(false);
  const cpus = host?.cpus.filter((c) => c.online).length;
  return (
    <details
      className="panel qemu-panel"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open && qemus === undefined && !loading) {
          setLoading(true);
          void loadQemus().finally(() => setLoading(false));
        }
      }}
    >
      <summary>QEMU binaries</summary>
      {qemus === undefined ? (
        <p>{loading ? "probing the QEMU binaries…" : ""}</p>
      ) : qemus.length === 0 ? (
        <p>No QEMU found. Install it (apt-get install qemu-system-x86) or add one with numadesk qemu add PATH.</p>
      ) : (
        <ul className="qemu-list">
          {qemus.map((q) => {
            const lines = q.version ? describePrealloc(preallocPlan(layout, q.version, cpus), layout) : new Map<string, string>();
            return (
              <li key={q.path} data-version={q.version ?? ""}>
                <div>
                  <strong>{q.version ? `QEMU ${q.version}` : "not usable"}</strong> <code>{q.path}</code> <span className="muted">({q.source})</span>
                </div>
                {q.error ? (
                  <div className="error-text">{q.error}</div>
                ) : (
                  <div className="muted">
                    accelerators {q.accelerators?.join(", ") || "?"}; {q.features?.threadContext ? "thread-context" : "no thread-context"}
                    {q.features?.threadContext && !q.features?.nodeAffinity ? " (no node-affinity)" : ""};{" "}
                    {q.features?.parallelPrealloc ? "backends preallocated in parallel" : "backends preallocated one after another"}; {q.objectTypes} object types
                  </div>
                )}
                {lines.size > 0 ? (
                  <ul className="qemu-backends">
                    {[...lines].map(([id, text]) => (
                      <li key={id}>
                        {id}: {text}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </details>
  );
}
