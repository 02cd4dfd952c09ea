// The topology text formats Numadesk reads, by the name the CLI and the UI use.

import type { ImportResult } from "./build";
import { importNumactl } from "./numactl";
import { importLscpu, importLscpuParsable } from "./lscpu";
import { importHwloc } from "./hwloc";
import { importLibvirtCaps } from "./libvirt-caps";

export const TOPOLOGY_FORMATS = {
  numactl: { read: importNumactl, what: "numactl --hardware" },
  lscpu: { read: importLscpu, what: "lscpu" },
  "lscpu-p": { read: importLscpuParsable, what: "lscpu -p" },
  hwloc: { read: importHwloc, what: "lstopo --of xml" },
  libvirt: { read: importLibvirtCaps, what: "virsh capabilities" },
} as const;

export type TopologyFormat = keyof typeof TOPOLOGY_FORMATS;

// Longer than any real output of these tools; refusing early keeps the parsers bounded.
export const MAX_TOPOLOGY_TEXT = 32 * 1024 * 1024;

export function importTopology(format: TopologyFormat, text: string, name?: string): ImportResult {
  if (text.length > MAX_TOPOLOGY_TEXT) return { ok: false, error: `the text is ${text.length} bytes, more than Numadesk reads` };
  const f = TOPOLOGY_FORMATS[format];
  return name === undefined ? f.read(text) : f.read(text, name);
}

/** Guess the format from the text, for pasting in the UI. */
export function detectTopologyFormat(text: string): TopologyFormat | undefined {
  const t = text.trimStart();
  if (t.startsWith("<")) return /<topology[\s>]/.test(t.slice(0, 4096)) && !/<capabilities/.test(t.slice(0, 4096)) ? "hwloc" : "libvirt";
  if (/^available: \d+ nodes?/m.test(t)) return "numactl";
  if (/^#\s*CPU,/m.test(t) && !/^CPU\(s\):/m.test(t)) return "lscpu-p";
  if (/^\s*CPU\(s\):/m.test(t)) return "lscpu";
  return undefined;
}
