// What a run is called in lists, plot titles and reports: the user's label when there is
// one, else a description built from the record itself — "with thread-context, 2 × 256 MiB,
// lab 2 nodes, 0.94 s" — so two runs side by side say how they differ.

import { humanSize } from "../size/size";
import { backendBytes } from "../qemu/prealloc";
import { MAX_RUN_LABEL, type RunRecord } from "./types";

type Describable = Pick<RunRecord, "layout" | "kind" | "host" | "outcome" | "timings"> & Partial<Pick<RunRecord, "lab" | "label">>;

const MAX_HOST_NAME = 40;

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** "2 × 256 MiB", "256 MiB + 2 × 1 GiB": the preallocated backends by size, smallest first. */
export function preallocSizes(layout: RunRecord["layout"]): string {
  const counts = new Map<number, number>();
  for (const b of layout.backends) if (b.prealloc) counts.set(backendBytes(b), (counts.get(backendBytes(b)) ?? 0) + 1);
  if (counts.size === 0) return "nothing preallocated";
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bytes, n]) => (n > 1 ? `${n} × ${humanSize(bytes)}` : humanSize(bytes)))
    .join(" + ");
}

/** Whether the preallocation ran in a thread-context: every preallocated backend, some, or none. */
export function contextUse(layout: RunRecord["layout"]): "with thread-context" | "without thread-context" | "partly with thread-context" {
  const pre = layout.backends.filter((b) => b.prealloc);
  const inContext = pre.filter((b) => b.preallocContext !== undefined).length;
  if (inContext === 0) return "without thread-context";
  return inContext === pre.length ? "with thread-context" : "partly with thread-context";
}

function where(r: Describable): string {
  if (r.kind === "lab") {
    const n = r.lab?.nodes ?? r.host.nodes;
    return `lab ${n} node${n === 1 ? "" : "s"}`;
  }
  return clip(r.host.name, MAX_HOST_NAME) || "host";
}

function result(r: Describable): string {
  switch (r.outcome) {
    case "ok": {
      const ms = r.timings.preallocMs;
      if (ms === undefined) return "done";
      return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
    }
    case "cancelled":
      return "cancelled";
    case "timeout":
      return "timed out";
    default:
      return "failed";
  }
}

/** The description built from the record: what ran, where, and how it went. */
export function describeRun(r: Describable): string {
  return [contextUse(r.layout), preallocSizes(r.layout), where(r), result(r)].join(", ");
}

/** The name to show: the user's label (one line) or the description. */
export function runTitle(r: Describable): string {
  const own = r.label?.replace(/\s+/g, " ").trim();
  return own ? own : describeRun(r);
}

/** Why a label cannot be kept, or undefined. An empty label removes the user's name. */
export function labelProblem(text: string): string | undefined {
  if (text.length > MAX_RUN_LABEL) return `a run label has at most ${MAX_RUN_LABEL} characters, this one has ${text.length}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text)) return "a run label is one line of text: no control characters or bidirectional overrides";
  return undefined;
}
