// Read the layout a command works on: a saved layout (JSON) or a QEMU command line, from a
// file or from standard input ("-").

import { readFileSync, statSync } from "node:fs";
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

export function readInputText(file: string): string {
  if (file === "-") {
    try {
      return readFileSync(0, "utf8");
    } catch (e) {
      throw new InputError(`cannot read standard input: ${(e as Error).message}`);
    }
  }
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file} is a folder; give a layout file (*.numadesk.json) or a file with a QEMU command line`);
    if (st.size > MAX_LAYOUT_TEXT) throw new InputError(`${file} is ${st.size} bytes, too large to be a layout or a command line`);
    return readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `${file} does not exist` : `cannot read ${file}: ${code ?? (e as Error).message}`);
  }
}

export function readInput(file: string): LoadedInput {
  const text = readInputText(file);
  if (text.trimStart().startsWith("{")) {
    const r = loadLayoutText(text);
    return r.ok ? { kind: "layout", layout: r.layout, diagnostics: [], text } : { kind: "layout", layout: undefined, diagnostics: r.diagnostics, text };
  }
  const r = parseCommandLine(text);
  return { kind: "cmdline", layout: r.layout, diagnostics: r.diagnostics, text };
}
