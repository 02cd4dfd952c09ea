// Colors that people with the common kinds of color blindness can tell apart (Okabe & Ito),
// one per host node, and one per backend in the placement plot.

export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];

export function nodeColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export const OFF_NODE = "#D55E00";
