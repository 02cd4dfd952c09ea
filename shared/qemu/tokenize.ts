// Split a command line the way a POSIX shell would, without expanding anything:
// backslash-newline continuations, single and double quotes, backslash escapes, comments.
// Every token keeps its character span so diagnostics can point into the pasted text.

import type { Diagnostic } from "../diagnostics/diagnostic";

export interface Token {
  text: string;
  start: number;
  end: number;
}

export interface TokenizeResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

// A command line longer than this is not something a person pasted; refusing it keeps the
// app responsive (QEMU's own limit is the kernel's ARG_MAX, 2 MiB).
export const MAX_COMMAND_TEXT = 2 * 1024 * 1024;

// Nor a line of more than 10 000 words (a libvirt line for a large guest has a few hundred):
// QEMU 7.2 starts with 100 000 -S, but reading, checking and drawing them in the app took a
// 5 s frame, and 19 000 words still took 0.4–2 s on a loaded 2-core machine. Refused at once.
export const MAX_COMMAND_WORDS = 10_000;

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

export function tokenize(text: string): TokenizeResult {
  const diagnostics: Diagnostic[] = [];
  const tokens: Token[] = [];
  if (text.length > MAX_COMMAND_TEXT) {
    diagnostics.push({
      code: "PARSE001",
      severity: "error",
      message: `the command line is ${text.length} characters long, more than the ${MAX_COMMAND_TEXT} Numadesk reads`,
      fix: "paste only the QEMU command line, not a whole log file",
    });
    return { tokens, diagnostics };
  }
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      i += text[i + 1] === "\n" ? 2 : 3;
      continue;
    }
    if (c === "#") {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    // a word begins: at most MAX_COMMAND_WORDS of them, however the text ends (the export's
    // bound, export/line-bound.ts, counts the same words)
    if (tokens.length >= MAX_COMMAND_WORDS) {
      diagnostics.push({
        code: "PARSE001",
        severity: "error",
        message: `the command line has more than ${MAX_COMMAND_WORDS} words, more than Numadesk reads from a paste (open a layout file for a larger layout)`,
        fix: "paste only the QEMU command line, not a whole log file",
      });
      return { tokens: [], diagnostics };
    }
    const start = i;
    let value = "";
    while (i < n && !isSpace(text[i]!)) {
      const ch = text[i]!;
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === undefined) {
          i++;
          break;
        }
        if (next === "\n") {
          i += 2; // continuation inside a word joins the two parts
          continue;
        }
        if (next === "\r" && text[i + 2] === "\n") {
          i += 3;
          continue;
        }
        value += next;
        i += 2;
        continue;
      }
      if (ch === "'") {
        const close = text.indexOf("'", i + 1);
        if (close < 0) {
          diagnostics.push(unterminated("'", text, i));
          value += text.slice(i + 1);
          i = n;
          break;
        }
        value += text.slice(i + 1, close);
        i = close + 1;
        continue;
      }
      if (ch === '"') {
        let j = i + 1;
        let closed = false;
        while (j < n) {
          const d = text[j]!;
          if (d === '"') {
            closed = true;
            break;
          }
          if (d === "\\" && j + 1 < n && '"\\$`\n'.includes(text[j + 1]!)) {
            if (text[j + 1] !== "\n") value += text[j + 1];
            j += 2;
            continue;
          }
          value += d;
          j++;
        }
        if (!closed) {
          diagnostics.push(unterminated('"', text, i));
          i = n;
          break;
        }
        i = j + 1;
        continue;
      }
      value += ch;
      i++;
    }
    tokens.push({ text: value, start, end: i });
  }
  return { tokens, diagnostics };
}

function unterminated(quote: string, text: string, at: number): Diagnostic {
  const { line, column } = lineColumn(text, at);
  return {
    code: "PARSE002",
    severity: "error",
    message: `the quote ${quote} at line ${line}, column ${column} is never closed`,
    fix: `close the quote with ${quote}, or remove it`,
    at: { span: [at, text.length], line, column },
  };
}

// Characters that never need quoting in a POSIX shell word.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one argument for a POSIX shell; plain words stay as they are. */
export function shellQuote(arg: string): string {
  if (arg !== "" && SAFE_WORD.test(arg)) return arg;
  return "'" + arg.replace(/'/g, `'\\''`) + "'";
}
