// Where a QEMU command line may wrap on screen: after a comma (between an option's properties) or
// at a space, not inside a word. Used by the command panel and the comparison's command lines.

import type React from "react";

/**
 * A long `-object …,prealloc-context=tc0` wraps after a comma, between its properties, not inside
 * one ("prea|lloc-context"): a break opportunity (<wbr>, no character when copied) after every comma.
 * Chromium also breaks after a hyphen or a slash ("prealloc-" on one line, "context=tc0" on the
 * next, read as two words at 1920): words holding one are kept whole (styles.css .nobr). A line past
 * NOBR_MAX words keeps only the commas' breaks (a span per word would cost its paste's frame).
 */
export function withCommaBreaks(text: string): React.ReactNode[] {
  const whole = text.length <= NOBR_MAX * 8;
  return text.split(",").flatMap((part, i) => {
    const words: React.ReactNode[] = whole
      ? part.split(/(\S*[-/]\S*)/).map((w, k) =>
          k % 2 === 1 && w ? (
            <span key={`${i}.${k}`} className="nobr">
              {w}
            </span>
          ) : (
            w
          ),
        )
      : [part];
    return i === 0 ? words : [",", <wbr key={i} />, ...words];
  });
}
const NOBR_MAX = 4000;
