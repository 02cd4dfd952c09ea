// Errors as data: every problem with a user's input is a diagnostic that names what is
// wrong, where, and what to do. Exceptions are for bugs.

import type { ElementKind } from "../qemu/elements";

export type Severity = "error" | "warning" | "hint";

/** The one layout element a diagnostic is about, so the app can select it without parsing
 *  `At.path`. "arg" is an option Numadesk keeps verbatim in `layout.args`. */
export interface ElementRef {
  kind: ElementKind | "arg";
  /** backends and thread-contexts: their object id */
  id?: string;
  /** position in its list (backends, threadContexts, nodes, distances, args) */
  index?: number;
  /** guest nodes: the node id QEMU gives it (nodeid=, or its position when omitted) */
  nodeid?: number;
}

/** Where a diagnostic points. Any of the fields may be present. */
export interface At {
  /** JSON path into the layout, e.g. "backends[1].hostNodes" */
  path?: string;
  /** the element `path` points into, when it points at one element */
  element?: ElementRef;
  /** index of the token in the imported argv (after the binary and any prefix) */
  token?: number;
  /** character offsets [start, end) in the imported text */
  span?: [number, number];
  /** 1-based line and column of span start in the imported text */
  line?: number;
  column?: number;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  fix: string;
  at?: At;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, hint: 2 };

export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.code.localeCompare(b.code));
}
