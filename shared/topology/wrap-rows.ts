// Boxes flowing left to right and wrapping into rows, as text does: the one flow of the canvas
// (cores in a card, L3 frames in a card, guest boxes under the host).

export interface Sized {
  w: number;
  h: number;
}

/** Items placed from 0,0, a new row whenever the next would pass `rowMax`; w and h are the room they take. */
export function wrapRows<T extends Sized>(items: readonly T[], rowMax: number, gap: number): { placed: Array<T & { x: number; y: number }>; w: number; h: number } {
  const placed: Array<T & { x: number; y: number }> = [];
  let x = 0;
  let y = 0;
  let rowH = 0;
  let w = 0;
  for (const b of items) {
    if (x > 0 && x + b.w > rowMax) {
      x = 0;
      y += rowH + gap;
      rowH = 0;
    }
    // Object.assign, not a spread: V8 copies a spread object several times slower, and a 1024-PU host places 512 cores
    placed.push(Object.assign({}, b, { x, y }));
    x += b.w + gap;
    w = Math.max(w, x - gap);
    rowH = Math.max(rowH, b.h);
  }
  return { placed, w, h: items.length ? y + rowH : 0 };
}
