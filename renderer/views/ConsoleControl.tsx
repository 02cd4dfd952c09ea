// The guest's console in the machine settings: display (-nographic, -display none, or QEMU's
// default window) and monitor (-monitor stdio, none, or QEMU's default), so a line that ends
// with the seed's -nographic -monitor stdio can be designed, not only imported. A run leaves
// both out (it brings its own, shared/run/allow.ts).

import { useApp } from "./useApp";
import { layoutConsoleConflict, withConsole, type ConsoleDisplay, type ConsoleMonitor } from "../../shared/layout/guest-console";

export function ConsoleControl() {
  // the console and its clash only (NUMA045's own test: -nodefaults or -serial kept as written
  // take the default serial port away), so an edit elsewhere does not draw this again or
  // render the argv in a drop's frame
  const c = useApp((s) => s.layout.console);
  const conflict = useApp((s) => layoutConsoleConflict(s.layout));
  const edit = useApp((s) => s.edit);
  return (
    <span className="console-control" role="group" aria-label="console">
      <label>
        display
        <select
          aria-label="display"
          value={c?.display ?? ""}
          onChange={(e) => edit((l) => ({ ...l, console: withConsole(l.console, { display: (e.target.value || undefined) as ConsoleDisplay | undefined }) }))}
        >
          <option value="">default</option>
          <option value="nographic">-nographic</option>
          <option value="none">-display none</option>
        </select>
      </label>
      <label>
        monitor
        <select
          aria-label="monitor"
          value={c?.monitor ?? ""}
          onChange={(e) => edit((l) => ({ ...l, console: withConsole(l.console, { monitor: (e.target.value || undefined) as ConsoleMonitor | undefined }) }))}
        >
          <option value="">default</option>
          <option value="stdio">stdio</option>
          <option value="none">none</option>
        </select>
      </label>
      {conflict ? (
        <span className="field-error console-conflict" role="alert">
          {conflict}{" "}
          <button type="button" onClick={() => edit((l) => ({ ...l, console: withConsole(l.console, { display: "none" }) }))}>
            use -display none
          </button>
        </span>
      ) : null}
    </span>
  );
}
