// The command line's text with a break opportunity after every comma, so a long
// `-object …,prealloc-context=tc0` wraps between its properties, not inside one ("prea|lloc-context"),
// and a word with a hyphen or a slash stays whole (line-breaks.tsx).
// A <wbr> adds no character when the text is selected and copied.
//
// Written into the <pre> by hand, not as React children: a pasted line of 2048 backends has
// 8192 commas, and React inserting 24 576 new children into a <pre> that is already on the page
// looks for each one's next sibling through all the others (react-dom's getHostSibling), which
// took 1.9 s of a 7.9 s frame (CPU profile of the import in Chromium). Building the nodes in a
// fragment and swapping them in once is linear.

import { useLayoutEffect, useRef } from "react";
import { keepsWords, wordsOf } from "./line-breaks";

export function CommaBreakText({ text, className, testId }: { text: string; className: string; testId: string }) {
  const ref = useRef<HTMLPreElement>(null);
  useLayoutEffect(() => {
    const pre = ref.current;
    if (!pre) return;
    const fragment = document.createDocumentFragment();
    const whole = keepsWords(text);
    text.split(",").forEach((part, i) => {
      if (i > 0) fragment.append(",", document.createElement("wbr"));
      // a word with a hyphen or a slash kept whole, as line-breaks.tsx says why
      for (const [w, nobr] of wordsOf(part, whole)) {
        if (!nobr) fragment.append(w);
        else {
          const span = document.createElement("span");
          span.className = "nobr";
          span.textContent = w;
          fragment.append(span);
        }
      }
    });
    pre.replaceChildren(fragment);
  }, [text]);
  return <pre ref={ref} className={className} data-testid={testId} />;
}
