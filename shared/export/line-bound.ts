// The command-line exports and the paste importer hold the same bound. The importer reads at
// most MAX_COMMAND_WORDS words and MAX_COMMAND_TEXT characters (qemu/tokenize.ts): a paste of
// 4096 backends with their guest nodes (16 389 words) took an 11 s frame in the page, 24 581
// words (with a thread-context each) 17 s, measured in Chromium at load 8, so the cap cannot
// grow to the schema's largest layout (4096 backends, nodes, contexts, 65 536 distances).
// A command line over it would export but never paste back, so the line exports refuse it and
// say to save the layout as a file, which keeps every element at any size the schema allows.

import type { Layout } from "../layout/schema";
import { generateArgv, generateShellLine } from "../qemu/generate";
import { MAX_COMMAND_TEXT, MAX_COMMAND_WORDS } from "../qemu/tokenize";

/** Why the layout's command line cannot be exported (it could not be pasted back), or undefined when it can. */
/** `shellLine`: the layout's generateShellLine, when the caller has written it already. */
export function lineExportRefusal(layout: Layout, shellLine?: string): string | undefined {
  const words = generateArgv(layout).length;
  const chars = words > MAX_COMMAND_WORDS ? 0 : (shellLine ?? generateShellLine(layout)).length;
  if (words <= MAX_COMMAND_WORDS && chars <= MAX_COMMAND_TEXT) return undefined;
  const size = words > MAX_COMMAND_WORDS ? `${words} words, more than the ${MAX_COMMAND_WORDS}` : `${chars} characters, more than the ${MAX_COMMAND_TEXT}`;
  return `this layout's command line has ${size} Numadesk reads back from a paste, so it could not be imported again: save the layout as a file (layout JSON keeps every element), or make it smaller`;
}
