// The canvas's pinning actions (pin-types.ts): each drop is one undoable edit made by
// shared/pin/edits.ts; a refused one (a reserved PU, too few PUs left) is said, nothing changes.

import { pinThread, pinVcpusToNode, pinVcpusToPu, toggleReserved, type PinEdit } from "../../shared/pin/edits";
import type { Full, SliceDeps } from "./slice";
import type { PinActions, PinState } from "./pin-types";

export type PinSlice = Pick<Full, keyof PinState | keyof PinActions>;

export function pinSlice({ set, get, commit }: SliceDeps): PinSlice {
  const apply = (make: (host: NonNullable<Full["host"]>) => PinEdit) => {
    const host = get().host;
    if (!host) return get().say("error", "choose a host first");
    const r = make(host);
    if (!r.ok) return get().say("error", r.error);
    commit(r.layout);
  };
  return {
    pinOverlay: true,
    vcpuSelection: [],
    setPinOverlay: (pinOverlay) => set({ pinOverlay }),
    focusPins: (pinFocus) => set({ pinFocus }),
    hoverPus: (pinHover) => set({ pinHover }),
    setVcpuSelection(vcpus) {
      const now = get().vcpuSelection;
      if (now.length === vcpus.length && now.every((v, i) => v === vcpus[i])) return;
      set({ vcpuSelection: vcpus });
    },
    pinVcpus: (vcpus, target) => apply((host) => ("pu" in target ? pinVcpusToPu(get().layout, host, vcpus, target.pu) : pinVcpusToNode(get().layout, host, vcpus, target.node))),
    pinThreadTo: (thread, target) => apply((host) => pinThread(get().layout, host, thread, target)),
    toggleReserve: (pu) => apply((host) => toggleReserved(get().layout, host, pu)),
  };
}
