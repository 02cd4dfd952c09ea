// Derived values, each computed once per change of its inputs: views read these instead of
// computing domain results themselves.

import type { HostTopology } from "../../shared/topology/schema";
import type { Layout } from "../../shared/layout/schema";
import type { Diagnostic } from "../../shared/diagnostics/diagnostic";
import { checkLayout } from "../../shared/validate/check";
import { hostBoxes, type MachineBox } from "../../shared/topology/boxes";
import { nodeMemoryUse, type NodeMemoryUse } from "../../shared/layout/node-memory";
import { formatPrediction, predictPrealloc } from "../../shared/model/prealloc-model";
import type { AppState } from "./types";

/** Unsaved work: the layout differs from the one last saved or opened, and is not empty. */
export function isDirty(s: Pick<AppState, "layout" | "saved">): boolean {
  return s.layout !== s.saved && (s.layout.backends.length > 0 || s.layout.nodes.length > 0 || s.layout.args.length > 0);
}

/** Diagnostics for the layout on the current target; computed again only when one of its inputs changes. */
type DiagnosticsInput = Pick<AppState, "layout" | "host" | "qemu" | "importDiagnostics">;
let last: { input: DiagnosticsInput; result: Diagnostic[] } | undefined;
export function diagnosticsOf(s: DiagnosticsInput): Diagnostic[] {
  const cached = cachedDiagnostics(s);
  if (cached) return cached;
  const result = [
    ...s.importDiagnostics,
    ...checkLayout(s.layout, { ...(s.host ? { host: s.host } : {}), ...(s.qemu?.version ? { qemu: { version: s.qemu.version, ...(s.qemu.help ? { help: s.qemu.help } : {}) } } : {}) }),
  ];
  last = { input: { layout: s.layout, host: s.host, qemu: s.qemu, importDiagnostics: s.importDiagnostics }, result };
  return result;
}

/** The diagnostics for these inputs if they are already computed. */
export function cachedDiagnostics(s: DiagnosticsInput): Diagnostic[] | undefined {
  return last && last.input.layout === s.layout && last.input.host === s.host && last.input.qemu === s.qemu && last.input.importDiagnostics === s.importDiagnostics ? last.result : undefined;
}

/** The host's box model, computed once per host object (every view draws this one). */
const boxesByHost = new WeakMap<HostTopology, MachineBox>();
export function machineOf(host: HostTopology): MachineBox {
  let m = boxesByHost.get(host);
  if (!m) boxesByHost.set(host, (m = hostBoxes(host)));
  return m;
}

/** What the layout binds on each host node; computed again only when the layout or host changes. */
let lastUse: { host: HostTopology; layout: Layout; result: NodeMemoryUse[] } | undefined;
export function memoryUseOf(s: { host?: HostTopology; layout: Layout }): NodeMemoryUse[] {
  if (!s.host) return [];
  if (lastUse && lastUse.host === s.host && lastUse.layout === s.layout) return lastUse.result;
  lastUse = { host: s.host, layout: s.layout, result: nodeMemoryUse(s.host, s.layout) };
  return lastUse.result;
}

/** "predicted X s (model error …); source" for the layout on the target, as the CLI's plan and check print it; computed again only when an input changes. */
type PredictionInput = Pick<AppState, "layout" | "host" | "model" | "qemu" | "target">;
let lastPrediction: { input: PredictionInput; result: string | undefined } | undefined;
export function predictionOf(s: PredictionInput): string | undefined {
  const i = lastPrediction?.input;
  if (i && i.layout === s.layout && i.host === s.host && i.model === s.model && i.qemu === s.qemu && i.target === s.target) return lastPrediction!.result;
  let result: string | undefined;
  if (s.host && s.model && s.layout.backends.some((b) => b.prealloc)) {
    // on this host the QEMU a run would use says whether backends go in parallel; elsewhere the model's own assumption
    const version = s.target?.kind === "host" ? s.qemu?.version : undefined;
    const p = predictPrealloc(s.layout, s.host, s.model.params, version, s.model.kernelRelease ? { release: s.model.kernelRelease } : {});
    result = formatPrediction(p, s.model.params) + (p.notes.length > 0 ? ` (${p.notes.join("; ")})` : "");
  }
  lastPrediction = { input: { layout: s.layout, host: s.host, model: s.model, qemu: s.qemu, target: s.target }, result };
  return result;
}
