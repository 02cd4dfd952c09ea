// Text from a run record (hostile: a file anyone may hand over) placed in HTML or SVG: every
// character that could open a tag, close an attribute or start an entity is escaped, and
// control characters are shown as escapes so they cannot hide text.

import { printable } from "./printable";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Safe as element text and inside a double- or single-quoted attribute. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
