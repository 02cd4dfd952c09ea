// While a run goes (or a saved one replays): how much of each backend is populated, from
// QEMU's smaps, and when each was full; the dashed line in the plot is where QEMU said
// preallocation was done.

import { humanSize } from "../../shared/size/size";
import { backendBytes } from "../../shared/qemu/prealloc";
import type { Layout } from "../../shared/layout/schema";
import type { RunState } from "../store/store";
import { backendColor } from "./palette";
import type { HostTopology } from "../../shared/topology/schema";

const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);

export function RunProgress({ run, layout, host }: { run: RunState; layout: Layout; host: HostTopology }) {
  const pre = layout.backends.filter((b) => b.prealloc);
  if (!run.populated || pre.length === 0) return null;
  const bytes = run.populated.bytes;
  return (
    <table className="progress" data-testid="run-progress" aria-label="memory populated per backend">
      <tbody>
        {pre.map((b) => {
          const size = backendBytes(b);
          const have = bytes[b.id] ?? 0;
          const full = run.fullAt?.[b.id];
          return (
            <tr key={b.id} data-backend={b.id} data-bytes={have}>
              <th>{b.id}</th>
              <td className="bar-cell">
                <span className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={size} aria-valuenow={have} aria-label={`${b.id} populated`}>
                  <i style={{ width: `${Math.min(100, (100 * have) / Math.max(1, size))}%`, background: backendColor(host, b) }} />
                </span>
              </td>
              <td className="num">
                {gib(have)} / {gib(size)} GiB
              </td>
              <td className="muted">{full !== undefined ? `all there by ${(full / 1000).toFixed(2)} s` : have > 0 ? `${humanSize(size - have)} to go` : "not mapped yet"}</td>
            </tr>
          );
        })}
      </tbody>
      <caption className="muted small">GiB populated per backend: the pages present in each backend&apos;s mapping (QEMU&apos;s /proc/PID/smaps), read 5 times a second</caption>
    </table>
  );
}
