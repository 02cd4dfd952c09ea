// What the target's source did not say (a sysfs copy missing a file, an lscpu text without
// memory sizes), kept in the top bar beside the target for as long as that target is open: the
// message that says it when the target opens goes after 8 s, and a reader planning on the host
// must still be able to see which figures are Numadesk's defaults.

import { useApp } from "./useApp";
import { lacksNote } from "../../shared/topology/lacks-note";

export function TargetLacks() {
  const host = useApp((s) => s.host);
  const lacks = host?.source.lacks ?? [];
  if (!host || lacks.length === 0) return null;
  const head = lacksNote(host)!.split("\n")[0]!;
  return (
    <details className="target-lacks" data-testid="target-lacks">
      {/* short, so the bar stays one row at 1280 px beside a long target name; the title and the list say the rest */}
      <summary title={head} aria-label={`${lacks.length} default${lacks.length === 1 ? "" : "s"}: what the target's source does not say`}>
        ⚠ {lacks.length}
      </summary>
      <div className="target-lacks-list" role="note" aria-label="what the target's source does not say">
        <p>{head}</p>
        <ul>
          {lacks.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      </div>
    </details>
  );
}
