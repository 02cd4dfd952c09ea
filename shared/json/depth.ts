// How deep a JSON text nests, found by a scan before any parser (or a walk over the parsed
// value) recurses into it: a hostile file of a million '[' must be refused, not recursed into.

/** The first position where the nesting of `text` passes `max` levels, or -1 if it never does. */
export function jsonTooDeepAt(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
