// Run every rule over a layout. Each rule is independent; their diagnostics are sorted
// errors first.

import { sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic";
import type { Layout } from "../layout/schema";
import type { CheckContext } from "./context";
import { RULES } from "./rules/registry";

export function checkLayout(layout: Layout, ctx: CheckContext = {}): Diagnostic[] {
  return sortDiagnostics(RULES.flatMap((rule) => rule.check(layout, ctx)));
}
