// The guest's geometry for the layout under a host drawing, computed once per (layout, host
// geometry) and shared by whoever asks in that render (the canvas's fit, its guest layer). A
// box whose place, cells and host nodes did not change keeps its object from the last one, so
// its memoized view is not drawn again: a drop redraws the boxes it changed, not all of them.

import { guestGeometry, type GuestBox, type GuestGeometry, type VcpuCell } from "../../shared/layout/guest-geometry";
import type { HostGeometry } from "../../shared/topology/box-geometry";
import type { Layout } from "../../shared/layout/schema";
import { threadChips } from "../../shared/pin/pin-geometry";

let last: { layout: Layout; host: HostGeometry; result: GuestGeometry } | undefined;

export function guestGeometryOf(layout: Layout, host: HostGeometry): GuestGeometry {
  if (last && last.layout === layout && last.host === host) return last.result;
  const next = guestGeometry(layout, host);
  const result = last && last.host === host ? keepUnchanged(last.result, next) : next;
  last = { layout, host, result };
  return result;
}

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function sameBox(a: GuestBox, b: GuestBox): boolean {
  if (a === b) return true;
  if (a.index !== b.index || a.x !== b.x || a.y !== b.y || a.w !== b.w || a.h !== b.h || !sameList(a.hostNodes, b.hostNodes)) return false;
  return sameCells(a.cells, b.cells);
}

/** The same vCPUs in the same places of their box (a box that moved or was recoloured keeps its cells). */
export function sameCells(a: readonly VcpuCell[], b: readonly VcpuCell[]): boolean {
  return a === b || (a.length === b.length && a.every((c, i) => c.vcpu === b[i]!.vcpu && c.x === b[i]!.x && c.y === b[i]!.y));
}

function keepUnchanged(prev: GuestGeometry, next: GuestGeometry): GuestGeometry {
  const before = new Map(prev.boxes.map((b) => [b.index, b]));
  return {
    ...next,
    boxes: next.boxes.map((b) => {
      const p = before.get(b.index);
      return p && sameBox(p, b) ? p : b;
    }),
  };
}

/** What a fit of the canvas depends on: the guest's size in steps of `step` (a box more or less), not every moved vCPU. */
export function guestFootprint(guest: GuestGeometry, step: number): string {
  return `${Math.ceil((guest.height + chipsBelow(guest)) / step)}:${guest.boxes.length}:${guest.width}`;
}

/**
 * How far the emulator's chip reaches under the guest row: where "+ guest node" leaves no room beside
 * it (a one-node host), ThreadChips draws the chip on a row of its own, which the fit left out — on
 * a 2-PU host at 1280 and 1920 the chip was cut in half by the canvas's edge. Measured on an unpinned
 * emulator's chip ("→ any CPU"); I/O threads' chips are not counted.
 */
function chipsBelow(guest: GuestGeometry): number {
  const [chip] = threadChips({ threads: [{ kind: "emulator", id: "emulator", pus: undefined }] }, guest);
  return chip ? Math.max(0, chip.y + chip.h - (guest.top + guest.height)) : 0;
}
