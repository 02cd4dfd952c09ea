// "1 core", "2 cores": a count with its noun, for every sentence and label that counts things.

/** `n` with `word`, and an "s" unless n is 1. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
