// Where QEMU's threads may run: how vCPUs are pinned (node-wide, one PU each, none), the host
// CPUs kept for the host, and the emulator's CPUs. Edits go through the store's edit (one undo
// step each); the rules and one-click fixes appear with the other diagnostics.

import { useContext } from "react";
import { StoreContext, useApp } from "./useApp";
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
  // each piece subscribed on its own: a drop on the canvas changes the layout, not these (npm run bench -- ui)
  const mode = useApp((s) => pinModeOf(s.layout));
  const reserved = useApp((s) => s.layout.pinning?.reserved ?? "");
  const emulator = useApp((s) => s.layout.pinning?.emulator ?? "");
  const store = useContext(StoreContext)!;
  const edit = useApp((s) => s.edit);
  const say = useApp((s) => s.say);

  const choose = (m: PinMode) => {
    const { host, layout } = store.getState();
    if (!host) return say("error", "choose a host first");
    const r = setPinMode(layout, host, m);
    if (!r.ok) return say("error", r.error);
    edit(() => r.layout);
  };
  const setList = (field: "reserved" | "emulator") => (text: string) => {
    const r = setPinList(store.getState().layout, field, text);
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
        reserved for the host <ValidatedInput value={reserved} label="host CPUs reserved for the host" placeholder="e.g. 0,52" check={listError} apply={setList("reserved")} />
      </label>
      <label>
        emulator <ValidatedInput value={emulator} label="host CPUs of the emulator thread" placeholder="not pinned" check={listError} apply={setList("emulator")} />
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
