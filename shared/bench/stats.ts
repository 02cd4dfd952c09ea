// Medians and spread for noisy timings: benchmarks report these, never a single run.

export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
  /** (max - min) / median */
  spread: number;
}

export function spreadOf(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { n: v.length, median, min: v[0]!, max: v[v.length - 1]!, spread: median > 0 ? (v[v.length - 1]! - v[0]!) / median : 0 };
}
