// The canvas's pinning state and actions: the overlay toggle, what is highlighted (a hovered
// guest node or chip, a clicked PIN diagnostic), the vCPUs selected in the guest layer (so a
// PU's menu can pin them), and the drops (each one undoable edit from shared/pin/edits.ts).

import type { PinTarget, ThreadRef } from "../../shared/pin/edits";
import type { PinFocus } from "../../shared/pin/focus";

export interface PinState {
  /** draw the pins (bands, marks, reserved hatching) over the host */
  pinOverlay: boolean;
  /** what a clicked PIN diagnostic points at, outlined on the canvas */
  pinFocus?: PinFocus;
  /** host CPUs highlighted while a guest node or a thread chip is hovered */
  pinHover?: number[];
  /** the vCPUs selected in the guest layer */
  vcpuSelection: number[];
}

export interface PinActions {
  setPinOverlay(on: boolean): void;
  focusPins(f: PinFocus | undefined): void;
  hoverPus(pus: number[] | undefined): void;
  setVcpuSelection(vcpus: number[]): void;
  /** vCPUs dropped on a PU (one PU each from there) or a node (node-wide) */
  pinVcpus(vcpus: readonly number[], target: PinTarget): void;
  /** the emulator or an I/O thread dropped on a PU or a node; undefined unpins it */
  pinThreadTo(thread: ThreadRef, target: PinTarget | undefined): void;
  /** reserve a PU for the host, or release it */
  toggleReserve(pu: number): void;
}
