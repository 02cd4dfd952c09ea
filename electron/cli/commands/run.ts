// `numadesk run`: one preallocation run on this host, with a live progress line and a
// summary; `numadesk runs`: the saved records (list, show, compare, delete).

import { performance } from "node:perf_hooks";
import type { Io } from "./design";
import { parseCliArgs, type Values } from "../args";
import { withInterrupt } from "../interrupt";
import { EXIT_INPUT, EXIT_OK, InputError, UsageError } from "../errors";
import { readInput } from "../input";
import { formatDiagnostic } from "../report";
import { readSysfs } from "../../probe/sysfs";
import { runPrealloc, RunRefused, type RunEvent } from "../../qemu/launch";
import { QemuNotFound } from "../../qemu/discover";
import { deleteRecord, listRecords, loadRecord, RecordError, relabelRecord, runsDir, saveRecord, writeFileAtomic } from "../../run/records";
import { runReportHtml } from "../../../shared/run/html-report";
import { runTitle } from "../../../shared/run/label";
import { formatComparison, formatRunSummary } from "../../../shared/run/report";
import { formatPrediction, predictPrealloc } from "../../../shared/model/prealloc-model";
import { kernelFacts, paramsFor } from "../../model/calibrate";
import { formatPinReport } from "../../../shared/run/pin-report";
import { humanSize } from "../../../shared/size/size";
import { backendBytes } from "../../../shared/qemu/prealloc";
import { sortDiagnostics } from "../../../shared/diagnostics/diagnostic";
import type { RunRecord } from "../../../shared/run/types";
import type { Layout } from "../../../shared/layout/schema";
import { printableLine } from "../../../shared/text/printable";

export const RUN_OPTIONS = {
  qemu: { type: "string" },
  rate: { type: "string" },
  timeout: { type: "string" },
  force: { type: "boolean" },
  concurrent: { type: "boolean" },
  label: { type: "string" },
  json: { type: "boolean" },
  "no-save": { type: "boolean" },
  "allow-mem-path": { type: "string", multiple: true },
  "no-check": { type: "boolean" },
  exact: { type: "boolean" },
} as const;

function positiveNumber(v: Values[string], option: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isFinite(n) || n <= 0 || n > 1e6) throw new UsageError(`${option} takes a positive number, not '${String(v)}'`);
  return n;
}

/** Progress on a terminal: one line, rewritten in place. */
function progress(io: Io, isTty: boolean, layoutBytes: number) {
  let last = 0;
  const tids = new Set<number>();
  const nodes = new Set<number>();
  const t0 = performance.now();
  return (e: RunEvent) => {
    if (e.type === "samples") {
      for (const s of e.samples) {
        if (s.name === "touch_pages") {
          tids.add(s.tid);
          nodes.add(s.node);
        }
      }
      const now = performance.now();
      if (!isTty || now - last < 100) return;
      last = now;
      io.err(
        `\rpreallocating ${humanSize(layoutBytes)}: ${((now - t0) / 1000).toFixed(1)} s, ${tids.size} touch_pages thread${tids.size === 1 ? "" : "s"} seen on node ${[...nodes].join(",") || "–"}   `,
      );
    } else if (e.type === "prealloc-done") {
      if (isTty) io.err("\r\x1b[K");
    } else if (e.type === "spawned" && !isTty) {
      io.err(`spawned QEMU (pid ${e.pid})\n`);
    }
  };
}

export async function executeRun(layout: Layout, values: Values, io: Io, label?: string): Promise<RunRecord> {
  const host = readSysfs();
  try {
    const bytes = layout.backends.filter((b) => b.prealloc).reduce((a, b) => a + backendBytes(b), 0);
    const record = await withInterrupt((signal) =>
      runPrealloc(layout, {
        host,
        ...(typeof values.qemu === "string" ? { qemu: values.qemu } : {}),
        rateHz: positiveNumber(values.rate, "--rate", 200),
        timeoutMs: positiveNumber(values.timeout, "--timeout", 600) * 1000,
        force: values.force === true,
        skipCheck: values["no-check"] === true,
        exact: values.exact === true,
        ...(values.concurrent === true ? { maxConcurrent: Infinity } : {}),
        ...(Array.isArray(values["allow-mem-path"]) ? { allowMemPaths: values["allow-mem-path"] } : {}),
        signal,
        onEvent: progress(io, process.stderr.isTTY === true, bytes),
        ...(label ? { label } : {}),
      }),
    );
    return record;
  } catch (e) {
    if (e instanceof RunRefused) {
      for (const d of sortDiagnostics(e.diagnostics)) io.err(formatDiagnostic(d, layout) + "\n");
      throw new InputError(e.message);
    }
    if (e instanceof QemuNotFound) throw new InputError(e.message);
    throw e;
  }
}

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCliArgs(args, RUN_OPTIONS, 1);
  const file = positionals[0];
  if (file === undefined) throw new UsageError("give a layout file or a command-line file to run");
  const input = readInput(file);
  if (!input.layout || input.diagnostics.some((d) => d.severity === "error")) {
    for (const d of input.diagnostics) io.err(formatDiagnostic(d, input.layout, file) + "\n");
    throw new InputError(`${file} cannot be run as it is`);
  }
  const record = await executeRun(input.layout, values, io, typeof values.label === "string" ? values.label : undefined);
  let saved: string | undefined;
  if (!values["no-save"]) saved = saveRecord(record);
  if (values.json) io.out(JSON.stringify(record) + "\n");
  else {
    io.out(formatRunSummary(record));
    if (record.kind === "host" && record.timings.preallocMs !== undefined) {
      // the model's prediction for this run, beside what it took (electron/model/calibrate.ts)
      const host = readSysfs();
      const params = paramsFor(host);
      const p = predictPrealloc(input.layout, host, params, record.qemu.version, kernelFacts());
      io.out(`${formatPrediction(p, params)}; took ${(record.timings.preallocMs / 1000).toFixed(3)} s\n`);
    }
    if (record.pinning) io.out("\n" + formatPinReport(record.pinning));
    if (record.outcome === "failed" && record.stderr)
      io.out(
        `QEMU said:\n${record.stderr
          .split("\n")
          .map((l) => `  ${printableLine(l)}`)
          .join("\n")}\n`,
      );
    if (saved) io.out(`saved: ${saved}\n`);
  }
  return record.outcome === "ok" ? EXIT_OK : EXIT_INPUT;
}

export async function runsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: "boolean" }, dir: { type: "string" }, out: { type: "string" } }, 16);
  const dir = typeof values.dir === "string" ? values.dir : runsDir();
  const [verb = "list", ...ids] = positionals;
  try {
    switch (verb) {
      case "list": {
        const { records, unreadable } = listRecords(dir);
        if (values.json) io.out(JSON.stringify(records) + "\n");
        else if (records.length === 0) io.out(`no runs saved in ${dir}\n`);
        else {
          for (const r of records) {
            io.out(
              `${printableLine(r.id)}  ${r.kind}  ${r.outcome.padEnd(9)}  ${humanSize(r.preallocBytes).padStart(8)}  ${r.preallocMs !== undefined ? `${(r.preallocMs / 1000).toFixed(2)} s` : "–"}  ${printableLine(r.title)}${r.hasTopology ? "" : " (recorded without its topology)"}\n`,
            );
          }
        }
        for (const u of unreadable) io.err(`numadesk: ${printableLine(u)} in ${dir} is not a readable run record; left as it is\n`);
        return EXIT_OK;
      }
      case "show": {
        if (ids.length !== 1) throw new UsageError("runs show takes one run id");
        const r = loadRecord(ids[0]!, dir);
        io.out(values.json ? JSON.stringify(r) + "\n" : formatRunSummary(r));
        return EXIT_OK;
      }
      case "compare": {
        if (ids.length < 2) throw new UsageError("runs compare takes two or more run ids");
        io.out(formatComparison(ids.map((id) => loadRecord(id, dir))));
        return EXIT_OK;
      }
      case "label": {
        const [id, ...words] = ids;
        if (id === undefined || words.length === 0) throw new UsageError("runs label takes a run id and the new label ('' gives the run back its description)");
        const r = relabelRecord(id, words.join(" "), dir);
        io.out(`${printableLine(r.id)}: ${printableLine(runTitle(r))}\n`);
        return EXIT_OK;
      }
      case "report": {
        if (ids.length === 0) throw new UsageError("runs report takes one or more run ids and --out FILE.html");
        if (typeof values.out !== "string" || values.out === "") throw new UsageError("runs report writes a file: give --out FILE.html");
        const html = runReportHtml(
          ids.map((id) => loadRecord(id, dir)),
          { generatedAt: new Date().toISOString() },
        );
        try {
          writeFileAtomic(values.out, html);
        } catch (e) {
          throw new InputError(`cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        io.out(`wrote ${printableLine(values.out)}: ${ids.length} run${ids.length === 1 ? "" : "s"}, ${humanSize(Buffer.byteLength(html))}\n`);
        return EXIT_OK;
      }
      case "delete": {
        if (ids.length === 0) throw new UsageError("runs delete takes run ids");
        for (const id of ids) deleteRecord(id, dir);
        io.out(`deleted ${ids.length} run${ids.length === 1 ? "" : "s"}\n`);
        return EXIT_OK;
      }
      default:
        throw new UsageError(`runs takes list, show, compare, label, report or delete, not '${printableLine(verb)}'`);
    }
  } catch (e) {
    if (e instanceof RecordError) throw new InputError(e.message);
    throw e;
  }
}
