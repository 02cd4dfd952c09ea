// One guest node's edits, as its title's menu on the canvas and the layout panel make them: bind
// its memory to a further host node or take one away (shared/layout/node-span.ts), rename its
// backend, set its vCPU count (guest-node-edits.ts), set its pin policy (pin/guest-node-pins.ts).
// Each is one undoable step; a refused one is said and changes nothing (the returned error is
// for a field that shows it).

import { spanGuestNode, unspanGuestNode } from "../../shared/layout/node-span";
import { renameBackend, setGuestNodeVcpus } from "../../shared/layout/guest-node-edits";
import { pinGuestNode } from "../../shared/pin/guest-node-pins";
import type { PinMode } from "../../shared/pin/plan-pins";
import type { Full, SliceDeps } from "./slice";

export interface GuestNodeActions {
  /** also bind guest node `index`'s memory to host node `hostNode` (host-nodes=0-1) */
  spanGuest(index: number, hostNode: number): void;
  /** take host node `hostNode` out of guest node `index`'s memory nodes */
  unspanGuest(index: number, hostNode: number): void;
  /** rename guest node `index`'s memory backend; an error when refused */
  renameGuestBackend(index: number, id: string): string | undefined;
  /** give guest node `index` `count` vCPUs; an error when refused */
  setGuestVcpus(index: number, count: number): string | undefined;
  /** pin guest node `index`'s vCPUs node-wide, one PU each, or not at all */
  pinGuest(index: number, mode: PinMode): void;
}

export function guestNodeSlice({ get, commit }: SliceDeps): GuestNodeActions {
  const refused = (r: { ok: true; layout: Full["layout"] } | { ok: false; error: string }) => {
    if (!r.ok) return r.error;
    commit(r.layout);
    return undefined;
  };
  return {
    spanGuest: (index, hostNode) => commit(spanGuestNode(get().layout, index, hostNode, get().host)),
    unspanGuest: (index, hostNode) => commit(unspanGuestNode(get().layout, index, hostNode, get().host)),
    renameGuestBackend: (index, id) => refused(renameBackend(get().layout, index, id)),
    setGuestVcpus: (index, count) => refused(setGuestNodeVcpus(get().layout, index, count)),
    pinGuest(index, mode) {
      const host = get().host;
      if (!host) return get().say("error", "choose a host first");
      const error = refused(pinGuestNode(get().layout, host, index, mode));
      if (error) get().say("error", error);
    },
  };
}
