// How big the numbers in PU and vCPU cells are drawn. A cell keeps its size in canvas units, but
// its number grows when the fit shrinks the drawing, so at the default zoom (the fit) it comes
// out at least READABLE_PX on screen, as far as the cell has room for it (digits × an average
// digit advance across, up to 0.88 of the cell's height: digits are about 0.73 em tall, so they keep a margin).

/** The smallest number size, in CSS pixels on screen, that the fit should give. */
export const READABLE_PX = 10;

/** A digit's advance in ems (tabular figures of the UI font, DejaVu Sans/system-ui: about 0.6). */
const DIGIT_ADVANCE = 0.62;

export interface CellFont {
  /** font size in canvas units */
  font: number;
  /** what that comes out at on screen at zoom `k` */
  px: number;
}

/** The font for numbers of up to `digits` digits in a `w`×`h` cell, drawn at zoom `k`: at least `base`, READABLE_PX on screen when it fits. */
export function cellFont(base: number, k: number, w: number, h: number, digits: number): CellFont {
  // tenths of a unit: the wish rounded up (so it reaches READABLE_PX), the room rounded down
  const room = Math.floor(Math.min((w - 3) / (Math.max(1, digits) * DIGIT_ADVANCE), h * 0.88) * 10) / 10;
  const want = Math.ceil(Math.max(base, READABLE_PX / Math.max(k, 1e-3)) * 10) / 10;
  const font = Math.min(want, room);
  return { font, px: font * k };
}

/** Digits of the largest number in a list (1 for an empty one). */
export function digitsOf(max: number): number {
  return String(Math.max(0, Math.floor(max))).length;
}
