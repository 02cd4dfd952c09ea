// Where a QEMU command line may wrap on screen: after a comma (between an option's properties) or
// at a space, not inside a word. Used by the command panel (CommaBreakText.tsx, which writes the
// same pieces into its <pre> by hand) and the comparison's command lines.

import type React from "react";

/**
 * A long `-object …,prealloc-context=tc0` wraps after a comma, between its properties, not inside
 * one ("prea|lloc-context"): a break opportunity (<wbr>, no character when copied) after every comma.
 * Chromium also breaks after a hyphen or a slash ("prealloc-" on one line, "context=tc0" on the
 * next, read as two words at 1920): words holding one are kept whole (styles.css .nobr). A line past
 * NOBR_MAX words keeps only the commas' breaks (a span per word would cost its paste's frame).
 */
export function withCommaBreaks(text: string): React.ReactNode[] {
  const whole = keepsWords(text);
  return text.split(",").flatMap((part, i) => {
    const words: React.ReactNode[] = wordsOf(part, whole).map(([w, nobr], k) =>
      nobr ? (
        <span key={`${i}.${k}`} className="nobr">
          {w}
        </span>
      ) : (
        w
      ),
    );
    return i === 0 ? words : [",", <wbr key={i} />, ...words];
  });
}
const NOBR_MAX = 4000;

/** whether a line is short enough for its hyphenated words to be kept whole */
export const keepsWords = (text: string) => text.length <= NOBR_MAX * 8;

/** The words of the text between two commas, each with whether it is kept whole (it holds a hyphen or a slash). */
export function wordsOf(part: string, whole: boolean): Array<[string, boolean]> {
  if (!whole) return part ? [[part, false]] : [];
  return part
    .split(/(\S*[-/]\S*)/)
    .map((w, k): [string, boolean] => [w, k % 2 === 1])
    .filter(([w]) => w !== "");
}
