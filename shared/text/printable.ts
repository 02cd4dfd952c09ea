// Text from a file someone handed us, made safe to print on a terminal: control characters
// (ESC sequences can move the cursor, rewrite earlier lines, set the window title or, on some
// terminals, answer back) and bidirectional overrides (which make a line read differently
// from what it holds) are shown as escapes instead of being sent to the terminal.

// C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

// the same set without the global flag: test() keeps no state between calls
const UNSAFE_ONE = new RegExp(UNSAFE_TEXT.source);

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Multi-line text (QEMU's stderr, a note) with newlines and tabs kept. */
export function printable(text: string): string {
  return text.replace(UNSAFE_TEXT, escape);
}

/** One line (a label, an id, a name): newlines escaped too, so it cannot forge further lines. */
export function printableLine(text: string): string {
  return text.replace(UNSAFE_LINE, escape);
}

/** Whether text holds a character printable() would escape (a control or a bidi override). */
export function hasUnsafeText(text: string): boolean {
  return UNSAFE_ONE.test(text);
}

/** A line of someone's file quoted in a message: printable and at most `max` characters (a 200 KB line is not a message). */
export function quotedLine(text: string, max = 80): string {
  const safe = printableLine(text);
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}
