// Read the layout a command works on: a saved layout (JSON) or a QEMU command line, from a
// file or from standard input ("-").

import { readBoundedText, readStdinBounded, ReadError } from "../files/read-bounded";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import type { Layout } from "../../shared/layout/schema";
import { loadLayoutText, MAX_LAYOUT_TEXT } from "../../shared/layout/load";
import { parseCommandLine } from "../../shared/qemu/parse";
import { InputError } from "./errors";

export interface LoadedInput {
  kind: "layout" | "cmdline";
  layout: Layout | undefined;
  /** problems found while reading (parse diagnostics, or the reasons a layout file failed) */
  diagnostics: Diagnostic[];
  text: string;
}

/** `what` names the input in a refusal ("… is a FIFO, not a topology text"). */
export function readInputText(file: string, what = "layout file or command line"): string {
  try {
    return file === "-" ? readStdinBounded(MAX_LAYOUT_TEXT, what) : readBoundedText(file, MAX_LAYOUT_TEXT, { what });
  } catch (e) {
    if (e instanceof ReadError) throw new InputError(e.message);
    throw e;
  }
}

export function readInput(file: string): LoadedInput {
  const text = readInputText(file);
  // a JSON array (or any JSON text) is no command line: say why it is not a layout instead of
  // reading a 100 000-bracket word as the QEMU binary
  if (/^\s*[{[]/.test(text)) {
    const r = loadLayoutText(text);
    return r.ok ? { kind: "layout", layout: r.layout, diagnostics: [], text } : { kind: "layout", layout: undefined, diagnostics: r.diagnostics, text };
  }
  const r = parseCommandLine(text);
  return { kind: "cmdline", layout: r.layout, diagnostics: r.diagnostics, text };
}
