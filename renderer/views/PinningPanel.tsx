// Where QEMU's threads may run: how vCPUs are pinned (node-wide, one PU each, none), the host
// CPUs kept for the host, and the emulator's CPUs. Edits go through the store's edit (one undo
// step each); the rules and one-click fixes appear with the other diagnostics.

import { useApp } from "./useApp";
import { ValidatedInput } from "./ValidatedInput";
import { parseIdList } from "../../shared/cpulist/cpulist";
import { pinModeOf, setPinList, setPinMode } from "../../shared/pin/edits";
import type { PinMode } from "../../shared/pin/plan-pins";

const MODES: Array<{ mode: PinMode; label: string }> = [
  { mode: "node", label: "node-wide" },
  { mode: "cpu", label: "one PU per vCPU" },
  { mode: "none", label: "none" },
];

const listError = (t: string) => {
  if (t.trim() === "") return undefined;
  const r = parseIdList(t.trim(), "host CPU list");
  return r.ok ? undefined : r.error;
};

export function PinningPanel() {
  const host = useApp((s) => s.host);
  const layout = useApp((s) => s.layout);
  const edit = useApp((s) => s.edit);
  const say = useApp((s) => s.say);
  const mode = pinModeOf(layout);

  const choose = (m: PinMode) => {
    if (!host) return say("error", "choose a host first");
    const r = setPinMode(layout, host, m);
    if (!r.ok) return say("error", r.error);
    edit(() => r.layout);
  };
  const setList = (field: "reserved" | "emulator") => (text: string) => {
    const r = setPinList(layout, field, text);
    if (!r.ok) return r.error;
    edit(() => r.layout);
    return undefined;
  };

  return (
    <section className="panel pinning-panel" aria-label="pinning">
      <h2>Pinning</h2>
      <div role="radiogroup" aria-label="vCPU pinning">
        {MODES.map(({ mode: m, label }) => (
          <label key={m}>
            <input type="radio" name="pin-mode" value={m} checked={mode === m} onChange={() => choose(m)} /> {label}
          </label>
        ))}
      </div>
      <label>
        reserved for the host <ValidatedInput value={layout.pinning?.reserved ?? ""} label="host CPUs reserved for the host" placeholder="e.g. 0,52" check={listError} apply={setList("reserved")} />
      </label>
      <label>
        emulator <ValidatedInput value={layout.pinning?.emulator ?? ""} label="host CPUs of the emulator thread" placeholder="not pinned" check={listError} apply={setList("emulator")} />
      </label>
      <p className="muted">
        {mode === "none"
          ? "vCPUs may run on any host CPU."
          : mode === "node"
            ? "each guest node's vCPUs run on its memory's host node."
            : "each vCPU has its own PU; a core's siblings go to consecutive vCPUs."}{" "}
        Reserved CPUs are left out when the mode is chosen again.
      </p>
    </section>
  );
}
