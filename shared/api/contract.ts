// The one API between the UI and the host side. Each method has a request and a response
// schema; both transports (Electron IPC and the local HTTP server) are generated from this
// table and check every payload against it before the backend sees it.

import { z } from "zod";
import { layoutSchema, type Layout } from "../layout/schema";
import { topologySchema } from "../topology/schema";
import { MAX_RUN_LABEL, runRecordSchema } from "../run/types";
import { MAX_RECORDING_TEXT } from "../run/recording";
import type { LabProgress } from "../lab/prepare-steps";

const empty = z.object({}).strict();
const runId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/);

const pageRates = z.object({ "4k": z.number(), "2m": z.number(), "1g": z.number() }).strict();
/** ModelParams (shared/model/prealloc-model.ts) as JSON: a node ceiling never reached is null */
export const modelParamsResSchema = z
  .object({
    params: z
      .object({
        source: z.string().max(500),
        startupMs: z.number(),
        workerGiBps: pageRates,
        nodeGiBps: z.number().nullable(),
        remotePenalty: z.number(),
        anonPages: z.enum(["4k", "2m", "1g"]),
        qemuVersion: z.string().max(50).optional(),
        medianError: z.number().optional(),
        checkedRuns: z.number().optional(),
      })
      .strict(),
    kernelRelease: z.string().max(200).optional(),
  })
  .strict();

export const qemuInfoSchema = z
  .object({
    available: z.boolean(),
    binary: z.string().optional(),
    version: z.string().optional(),
    features: z.record(z.string(), z.boolean()).optional(),
    help: z
      .object({
        options: z.array(z.string().max(100)).max(2000),
        objectTypes: z.array(z.string().max(100)).max(2000),
        machineTypes: z.array(z.string().max(100)).max(2000),
        machineProps: z.record(z.string().max(100), z.array(z.string().max(100)).max(2000)).optional(),
      })
      .strict()
      .optional()
      .describe("what the binary lists in -help, -object help and -machine help; the checker refuses what is not there"),
    error: z.string().optional(),
  })
  .strict();

/** One QEMU binary found on the host (electron/qemu/registry.ts) with what it can do. */
export const qemuListingSchema = z
  .object({
    path: z.string().max(4096),
    source: z.string().max(100),
    version: z.string().max(40).optional(),
    accelerators: z.array(z.string().max(40)).max(50).optional(),
    features: z.record(z.string(), z.boolean()).optional(),
    objectTypes: z.number().int().optional(),
    options: z.number().int().optional(),
    dataDir: z.string().max(4096).optional(),
    error: z.string().max(2000).optional(),
  })
  .strict();
export type QemuListing = z.infer<typeof qemuListingSchema>;

export const runListingSchema = z
  .object({
    id: z.string(),
    startedAt: z.string(),
    label: z.string().optional(),
    outcome: z.enum(["ok", "failed", "cancelled", "timeout"]),
    preallocMs: z.number().optional(),
    preallocBytes: z.number(),
    kind: z.enum(["host", "lab"]),
    /** the label, or a description of the run (shared/run/label.ts) */
    title: z.string(),
    /** what it ran on, to filter the history by target */
    hostName: z.string(),
    fingerprint: z.string(),
    /** false for version 1 records, which did not keep the topology */
    hasTopology: z.boolean(),
  })
  .strict();

export const API = {
  probeHost: { req: empty, res: topologySchema },
  /** the layout `numadesk serve FILE` was started with (a trainer's handout), if any */
  initialLayout: {
    req: empty,
    res: z
      .object({
        text: z
          .string()
          .max(16 * 1024 * 1024)
          .optional(),
      })
      .strict(),
  },
  listSamples: { req: empty, res: z.array(z.object({ name: z.string(), description: z.string().optional() }).strict()) },
  loadSample: { req: z.object({ name: z.string().min(1).max(100) }).strict(), res: topologySchema },
  qemuInfo: { req: empty, res: qemuInfoSchema },
  /** the preallocation model's parameters for a target: a sample's published ones, this host's calibration (or defaults), defaults elsewhere; with this host's kernel */
  modelParams: { req: z.object({ sample: z.string().min(1).max(100).optional(), thisHost: z.boolean().optional() }).strict(), res: modelParamsResSchema },
  /** every QEMU binary found (PATH, /usr/bin, /usr/local/bin, /opt/NAME/bin, the backports cache, added paths) */
  listQemus: { req: empty, res: z.array(qemuListingSchema).max(200) },
  startRun: {
    req: z
      .object({
        layout: layoutSchema,
        label: z.string().max(200).optional(),
        force: z.boolean().optional(),
        rateHz: z.number().min(1).max(2000).optional(),
        /** watch the threads through the scheduler's tracepoints (root); the record says if it fell back to /proc */
        exact: z.boolean().optional(),
      })
      .strict(),
    res: z.object({ runId }).strict(),
  },
  startLabRun: {
    req: z
      .object({
        nodes: z.union([z.literal(2), z.literal(4)]),
        /** the layout to run in the lab; absent with demo */
        layout: layoutSchema.optional(),
        /** the seed's pair: without and with a thread-context on the last node */
        demo: z.boolean().optional(),
        label: z.string().max(200).optional(),
      })
      .strict(),
    res: z.object({ runId }).strict(),
  },
  cancelRun: { req: z.object({ runId }).strict(), res: z.object({ cancelled: z.boolean() }).strict() },
  listRuns: { req: empty, res: z.array(runListingSchema) },
  loadRun: { req: z.object({ id: runId }).strict(), res: runRecordSchema },
  /** rename a saved run; an empty label gives it back its description */
  labelRun: { req: z.object({ id: runId, label: z.string().max(MAX_RUN_LABEL) }).strict(), res: runListingSchema.pick({ id: true, title: true }) },
  deleteRun: { req: z.object({ id: runId }).strict(), res: empty },
  /** the desktop app: save through a native dialog, atomically with FILE.bak; "unavailable" in browser mode (the page downloads instead) */
  saveLayoutAs: {
    req: z.object({ text: z.string().max(16 * 1024 * 1024), suggestedName: z.string().max(200) }).strict(),
    res: z.object({ saved: z.boolean(), path: z.string().optional() }).strict(),
  },
  /** which ways of watching a run this host allows: exact mode needs the scheduler's tracepoints (root) */
  runModes: { req: empty, res: z.object({ exact: z.object({ available: z.boolean(), why: z.string().optional() }).strict() }).strict() },
  /** the runs as one self-contained HTML report (numadesk runs report), saved through a native dialog; "unavailable" in browser mode (the page writes and downloads it) */
  saveRunReport: {
    req: z.object({ ids: z.array(runId).min(1).max(32), suggestedName: z.string().max(200) }).strict(),
    res: z.object({ saved: z.boolean(), path: z.string().optional() }).strict(),
  },
  /** a run as a recording file, through a native dialog; "unavailable" in browser mode (the page downloads it) */
  saveRecording: {
    req: z.object({ id: runId, suggestedName: z.string().max(200) }).strict(),
    res: z.object({ saved: z.boolean(), path: z.string().optional() }).strict(),
  },
  /** a recording's text (read by the page, bounded), checked and kept as a saved run */
  importRecording: { req: z.object({ text: z.string().max(MAX_RECORDING_TEXT), name: z.string().max(300).optional() }).strict(), res: runListingSchema.pick({ id: true, title: true }) },
  /** a recording picked in a native dialog, read bounded, checked and kept; "unavailable" in browser mode */
  openRecording: { req: empty, res: z.object({ id: z.string().optional(), title: z.string().optional() }).strict() },
  /** the desktop app: open through a native dialog; "unavailable" in browser mode */
  openLayoutFile: { req: empty, res: z.object({ text: z.string().optional(), path: z.string().optional() }).strict() },
} as const;

export type ApiMethod = keyof typeof API;
export type ApiRequest<M extends ApiMethod> = z.input<(typeof API)[M]["req"]>;
export type ApiResponse<M extends ApiMethod> = z.infer<(typeof API)[M]["res"]>;
export type Api = { [M in ApiMethod]: (req: ApiRequest<M>) => Promise<ApiResponse<M>> };

export const API_METHODS = Object.keys(API) as ApiMethod[];

/** A failed call: what went wrong, for people, plus diagnostics when the layout is at fault. */
export const apiErrorSchema = z
  .object({
    code: z.enum(["bad-request", "refused", "not-found", "unavailable", "internal"]),
    message: z.string(),
    diagnostics: z.array(z.object({ code: z.string(), severity: z.enum(["error", "warning", "hint"]), message: z.string(), fix: z.string(), at: z.unknown().optional() })).optional(),
    /** what QEMU said, whole, when the message sums it up in one line (a lab guest that did not boot) */
    detail: z.string().optional(),
  })
  .strict();
export type ApiError = z.infer<typeof apiErrorSchema>;

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** Events of a run, pushed to the UI as they happen; and a layout handed to the running app (a file given to a second launch). */
export type RunStreamEvent =
  | { type: "open-layout"; text: string }
  | { runId: string; type: "spawned"; pid: number; argv: string[] }
  | { runId: string; type: "samples"; samples: Array<{ t: number; tid: number; name: string; cpu: number; node: number; state: string; ranUs: number }> }
  | { runId: string; type: "prealloc-done"; ms: number }
  /** bytes populated so far per backend (from QEMU's /proc/PID/smaps, a few times a second); t in ms since spawn */
  | { runId: string; type: "populated"; t: number; bytes: Record<string, number> }
  | { runId: string; type: "status"; text: string }
  /** a lab run's preparation: the step that started (kernel, sampler, initramfs, …), until the guest boots */
  | ({ runId: string; type: "progress" } & LabProgress)
  | { runId: string; type: "job"; label: string; layout?: Layout }
  | { runId: string; type: "finished"; recordId: string; outcome: string; error?: string; final?: boolean }
  | { runId: string; type: "failed"; error: ApiError };

/** Check a request against its schema; the error names the JSON path of the first problem. */
export function checkRequest<M extends ApiMethod>(method: M, payload: unknown): { ok: true; value: ApiRequest<M> } | { ok: false; error: ApiError } {
  const schema = API[method].req;
  const r = schema.safeParse(payload ?? {});
  if (r.success) return { ok: true, value: r.data as ApiRequest<M> };
  const issue = r.error.issues[0]!;
  const path = "$" + issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return { ok: false, error: { code: "bad-request", message: `${method}: ${path}: ${issue.message}` } };
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API, name);
}

// The preload's list of names must be exactly the table's keys.
import { METHOD_NAMES } from "./methods";
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: Same<(typeof METHOD_NAMES)[number], ApiMethod> = true;
void namesMatch;
