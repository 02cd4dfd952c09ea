// The design commands: topo, parse, check, plan, export. Each returns its exit code and
// writes through the given streams, so tests can run them in-process as well as spawned.

import type { Layout } from "../../../shared/layout/schema";
import { layoutToText } from "../../../shared/layout/load";
import { checkLayout } from "../../../shared/validate/check";
import { generateArgv, generateScript, generateShellLine } from "../../../shared/qemu/generate";
import { exportLibvirt } from "../../../shared/export/libvirt";
import { exportLaunchScript } from "../../../shared/export/launch-script";
import { lineExportRefusal } from "../../../shared/export/line-bound";
import { planLayout } from "../../../shared/plan/planner";
import { PIN_MODES } from "../../../shared/pin/plan-pins";
import { summarizeLayout } from "../../../shared/layout/summary";
import { formatNumactl, formatTopologyText } from "../../../shared/topology/format";
import { prettyJson } from "../../../shared/json/pretty";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../../../shared/diagnostics/diagnostic";
import { parseIdList } from "../../../shared/cpulist/cpulist";
import { EXIT_INPUT, EXIT_OK, InputError, UsageError } from "../errors";
import { parseCliArgs } from "../args";
import { resolveTarget, TARGET_OPTIONS } from "../target";
import { readInput, readInputText } from "../input";
import { basename } from "node:path";
import { importTopology, TOPOLOGY_FORMATS, type TopologyFormat } from "../../../shared/topology/import/formats";
import { formatDiagnostic, summaryLine } from "../report";
import { sampleNames } from "../../hosts/samples";
import { qemuFacts, QemuNotFound } from "../../qemu/discover";
import { installedQemuVersion } from "../../qemu/installed-version";
import { printableLine } from "../../../shared/text/printable";
import { kernelFacts, paramsFor } from "../../model/calibrate";
import { formatPrediction, predictPrealloc } from "../../../shared/model/prealloc-model";
import type { HostTopology } from "../../../shared/topology/schema";
import { memPathFacts } from "../../probe/mem-paths";
import { nameDevices } from "../../probe/pci";
import { backupPath, saveLayoutFile } from "../../files/layout-file";
import { existsSync } from "node:fs";
import { writeFileAtomic } from "../../run/records";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const parse = parseCliArgs;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, option: string): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of ${allowed.join(", ")}, not '${value}'`);
  return value as T;
}

function printDiagnostics(io: Io, diags: Diagnostic[], layout: Layout | undefined, file?: string) {
  for (const d of sortDiagnostics(diags)) io.err(formatDiagnostic(d, layout, file) + "\n");
}

export function topoCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { ...TARGET_OPTIONS, format: { type: "string" }, from: { type: "string" }, "list-samples": { type: "boolean" } }, 1);
  if (values["list-samples"]) {
    io.out(sampleNames().join("\n") + "\n");
    return EXIT_OK;
  }
  const format = oneOf(values.format as string | undefined, ["text", "json", "numactl"] as const, "text", "--format");
  let host;
  if (values.from !== undefined) {
    const kind = oneOf(values.from as string, Object.keys(TOPOLOGY_FORMATS) as TopologyFormat[], "numactl", "--from");
    const file = positionals[0];
    if (file === undefined) throw new UsageError(`--from ${kind} needs a file with the output of ${TOPOLOGY_FORMATS[kind].what} (or - for standard input)`);
    const r = importTopology(kind, readInputText(file, `${TOPOLOGY_FORMATS[kind].what} output`), file === "-" ? TOPOLOGY_FORMATS[kind].what : basename(file));
    if (!r.ok) throw new InputError(`${file}: ${r.error}`);
    host = r.topology;
    // an importer knows ids; this host's pci.ids knows names
    if (host.pciDevices) nameDevices(host.pciDevices);
    if (r.lacks.length > 0) io.err(`note: ${TOPOLOGY_FORMATS[kind].what} does not say: ${r.lacks.join("; ")}\n`);
  } else {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (to read a file, say its format with --from)`);
    host = resolveTarget(values as Record<string, string | undefined>, (t) => io.err(`note: ${t}\n`));
  }
  io.out(format === "json" ? prettyJson(host) + "\n" : format === "numactl" ? formatNumactl(host) : formatTopologyText(host));
  return EXIT_OK;
}

function requireLayout(file: string | undefined, io: Io): { layout: Layout; diags: Diagnostic[]; file: string } {
  if (file === undefined) throw new UsageError("give a layout file or a command-line file (or - for standard input)");
  const input = readInput(file);
  if (!input.layout) {
    printDiagnostics(io, input.diagnostics, undefined, file);
    const bak = backupPath(file);
    const hasBackup = file !== "-" && existsSync(bak);
    throw new InputError(
      `${file}: the layout cannot be loaded (${input.diagnostics.length} problem${input.diagnostics.length === 1 ? "" : "s"} above)${hasBackup ? `; the previous good version is in ${bak}` : ""}`,
    );
  }
  return { layout: input.layout, diags: input.diagnostics, file };
}

export function parseCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { json: { type: "boolean" } }, 1);
  const { layout, diags, file } = requireLayout(positionals[0], io);
  if (values.json) io.out(prettyJson({ layout, diagnostics: diags }) + "\n");
  else {
    io.out(summarizeLayout(layout));
    printDiagnostics(io, diags, layout, file);
  }
  return hasErrors(diags) ? EXIT_INPUT : EXIT_OK;
}

export function checkCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { ...TARGET_OPTIONS, json: { type: "boolean" }, "qemu-version": { type: "string" }, qemu: { type: "string" } }, 1);
  const { layout, diags, file } = requireLayout(positionals[0], io);
  const host = resolveTarget(values as Record<string, string | undefined>, (t) => io.err(`note: ${t}\n`));
  // --qemu PATH: the binary's version and the options, object and machine types it lists
  const { said, ...qemu } = checkedQemu(values);
  // this host's file system says whether a file backend's mem-path can be opened
  const thisHost = !["sample", "sysfs", "topo", "lab"].some((k) => (values as Record<string, unknown>)[k] !== undefined);
  const all = sortDiagnostics([...diags, ...checkLayout(layout, { host, qemu, ...(thisHost ? { memPaths: memPathFacts([layout]) } : {}) })]);
  // a sample's prediction assumes its published run's QEMU unless one is given (prealloc-model.ts)
  const predicted = predictionFor(layout, host, values as Record<string, unknown>, said.from === "installed" ? undefined : qemu.version);
  if (values.json) io.out(prettyJson({ host: host.name, qemu: said, diagnostics: all, predictedSeconds: predicted.predictedSeconds, prediction: predicted.prediction }) + "\n");
  else {
    printDiagnostics(io, all, layout, file);
    io.err(`${file} on ${host.name}: ${summaryLine(all)}\n`);
    io.err(`${printableLine(said.line)}\n`);
    io.err(`${predicted.line}\n`);
  }
  return hasErrors(all) ? EXIT_INPUT : EXIT_OK;
}

/** The QEMU `check` judges the line for: --qemu PATH or --qemu-version X.Y.Z as given, else the
 *  installed one's `--version` (bounded; installed-version.ts), else none, and the sentence that says which. */
function checkedQemu(values: Record<string, unknown>) {
  const given = qemuOption(values);
  const from = values.qemu !== undefined ? "--qemu" : values["qemu-version"] !== undefined ? "--qemu-version" : undefined;
  if (from && given.version) {
    const line = `checked against QEMU ${given.version} (${from === "--qemu" ? `${values.qemu as string}, --qemu` : "--qemu-version"})`;
    return { ...given, said: { version: given.version, from, line } };
  }
  const installed = installedQemuVersion();
  if (installed.found) {
    const line = `checked against QEMU ${installed.version} (${installed.binary} --version; --qemu-version X.Y.Z checks for another)`;
    return { version: installed.version, said: { version: installed.version, from: "installed", binary: installed.binary, line } };
  }
  // the rules that differ between versions then take QEMU 7.2's and say so (qemu/smp-topology.ts)
  const line = `checked without a QEMU version (${installed.why}): where QEMU versions differ, QEMU 7.2's rules; --qemu-version X.Y.Z says which QEMU will run it`;
  return { said: { version: null, from: "none", why: installed.why, line } };
}

/** --qemu PATH (its version and lists, read from the binary) or --qemu-version X.Y.Z (a QEMU you don't have). */
function qemuOption(values: Record<string, unknown>): { version?: string; help?: ReturnType<typeof qemuFacts>["help"] } {
  const qemuVersion = values["qemu-version"] as string | undefined;
  if (qemuVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(qemuVersion)) throw new UsageError(`--qemu-version takes a version like 7.2.0, not '${qemuVersion}'`);
  if (qemuVersion !== undefined && values.qemu !== undefined) throw new UsageError("give --qemu PATH (its version is read from it) or --qemu-version, not both");
  return values.qemu !== undefined ? qemuFactsOrExplain(values.qemu as string) : qemuVersion ? { version: qemuVersion } : {};
}

/** The model's prediction for a layout on a target: the sample's published parameters, this host's calibration, or defaults. */
function predictionFor(layout: Layout, host: HostTopology, values: Record<string, unknown>, qemuVersion: string | undefined) {
  const sample = values.sample as string | undefined;
  const params = paramsFor(host, sample);
  const thisHost = !["sample", "sysfs", "topo", "lab"].some((k) => values[k] !== undefined);
  // on this host, the QEMU that a run would use says whether backends go in parallel
  let version = qemuVersion;
  if (version === undefined && thisHost) {
    try {
      version = qemuFacts().version;
    } catch {
      /* no QEMU here: the prediction says the version is unknown */
    }
  }
  const p = predictPrealloc(layout, host, params, version, thisHost ? kernelFacts() : {});
  return {
    predictedSeconds: Math.round(p.seconds * 1000) / 1000,
    prediction: { ...p, params: { ...params, nodeGiBps: Number.isFinite(params.nodeGiBps) ? params.nodeGiBps : null } },
    line: formatPrediction(p, params) + (p.notes.length > 0 ? ` (${p.notes.join("; ")})` : ""),
  };
}

function qemuFactsOrExplain(path: string) {
  try {
    return qemuFacts(path);
  } catch (e) {
    if (e instanceof QemuNotFound) throw new InputError(e.message);
    throw e;
  }
}

const FORMATS = ["json", "qemu", "sh", "argv", "libvirt", "launch"] as const;
type Format = (typeof FORMATS)[number];

function writeLayout(layout: Layout, format: Format, io: Io) {
  // a command line the importer could not read back is not written (export/line-bound.ts)
  const refused = format === "json" || format === "libvirt" ? undefined : lineExportRefusal(layout);
  if (refused) throw new InputError(`--format ${format}: ${refused}; --format json writes it`);
  switch (format) {
    case "json":
      io.out(layoutToText(layout));
      return;
    case "qemu":
      io.out(generateShellLine(layout));
      return;
    case "sh":
      io.out(generateScript(layout));
      return;
    case "argv":
      io.out(JSON.stringify(generateArgv(layout)) + "\n");
      return;
    case "launch": {
      const r = exportLaunchScript(layout);
      io.out(r.script);
      for (const n of r.notes) io.err(`note: ${n}\n`);
      return;
    }
    case "libvirt": {
      const r = exportLibvirt(layout);
      io.out(r.xml);
      for (const n of r.notes) io.err(`note: libvirt cannot express ${n}\n`);
      return;
    }
  }
}

export function exportCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { format: { type: "string" }, out: { type: "string" } }, 1);
  const format = oneOf(values.format as string | undefined, FORMATS, "qemu", "--format");
  const { layout, diags, file } = requireLayout(positionals[0], io);
  if (hasErrors(diags)) {
    printDiagnostics(io, diags, layout, file);
    return EXIT_INPUT;
  }
  if (format === "libvirt") {
    // The XML is a translation: a layout QEMU would refuse (no -smp for 104 vCPUs in the cells)
    // becomes a domain libvirt accepts and runs differently (<vcpu>1</vcpu>). Say so.
    const errors = checkLayout(layout).filter((d) => d.severity === "error");
    if (errors.length > 0) {
      io.err(`warning: the layout has ${errors.length} error${errors.length === 1 ? "" : "s"}; the libvirt XML below describes it as it is, and the domain would not be what the layout means:\n`);
      for (const d of errors) io.err(`  ${formatDiagnostic(d, layout, file).replace(/\n/g, "\n  ")}\n`);
    }
  }
  const out = values.out as string | undefined;
  if (out === undefined) {
    writeLayout(layout, format, io);
    return EXIT_OK;
  }
  try {
    // files are written atomically; a layout file keeps its previous version as .bak
    if (format === "json") saveLayoutFile(out, layout);
    else {
      let text = "";
      writeLayout(layout, format, { out: (s) => (text += s), err: io.err });
      writeFileAtomic(out, text);
    }
  } catch (e) {
    throw new InputError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.err(`written: ${out}\n`);
  return EXIT_OK;
}

function wholeNumber(v: string | undefined, option: string): number {
  if (v === undefined) throw new UsageError(`${option} is required`);
  if (/^\d{10,}$/.test(v)) throw new UsageError(`${option} ${v.length > 20 ? `${v.slice(0, 20)}…` : v} is too large (at most 999999999 here; QEMU's own limits are checked after)`);
  if (!/^\d{1,9}$/.test(v)) throw new UsageError(`${option} takes a whole number, not '${v}'`);
  return Number(v);
}

export function planCommand(args: string[], io: Io): number {
  const { values } = parse(args, {
    ...TARGET_OPTIONS,
    mem: { type: "string" },
    vcpus: { type: "string" },
    threads: { type: "string" },
    nodes: { type: "string" },
    hugepages: { type: "string" },
    backend: { type: "string" },
    format: { type: "string" },
    qemu: { type: "string" },
    "qemu-version": { type: "string" },
    json: { type: "boolean" },
    pin: { type: "string" },
    reserve: { type: "string" },
    smt: { type: "string" },
    "mirror-smp": { type: "boolean" },
  });
  // without --qemu/--qemu-version, the installed QEMU's version, as check does: a plan for QEMU 9.0 or later splits a node's backends
  const { said, ...qemu } = checkedQemu(values);
  const pin = oneOf(values.pin as string | undefined, PIN_MODES, "node", "--pin");
  const smt = oneOf(values.smt as string | undefined, ["siblings", "core"] as const, "siblings", "--smt");
  let reserve: number[] | undefined;
  if (values.reserve !== undefined) {
    const r = parseIdList(values.reserve as string, "--reserve");
    if (!r.ok) throw new UsageError(r.error);
    reserve = r.ids;
  }
  const backend = oneOf(values.backend as string | undefined, ["ram", "memfd"] as const, "ram", "--backend");
  const format = oneOf(values.format as string | undefined, FORMATS, "qemu", "--format");
  if (values.mem === undefined) throw new UsageError("--mem is required (e.g. --mem 256G)");
  const vcpus = wholeNumber(values.vcpus as string | undefined, "--vcpus");
  const threads = wholeNumber(values.threads as string | undefined, "--threads");
  let nodes: number[] | undefined;
  if (values.nodes !== undefined) {
    const r = parseIdList(values.nodes as string, "--nodes");
    if (!r.ok) throw new UsageError(r.error);
    nodes = r.ids;
  }
  const host = resolveTarget(values as Record<string, string | undefined>, (t) => io.err(`note: ${t}\n`));
  const req = {
    mem: values.mem as string,
    vcpus,
    threads,
    backend,
    pin,
    smt,
    ...(nodes ? { nodes } : {}),
    ...(reserve ? { reserve } : {}),
    ...(values["mirror-smp"] ? { mirrorSmp: true } : {}),
    ...(values.hugepages ? { hugepages: values.hugepages as string } : {}),
    ...(qemu.version ? { qemuVersion: qemu.version } : {}),
  };
  const r = planLayout(host, req);
  if (!r.ok) {
    printDiagnostics(io, r.diagnostics, undefined);
    return EXIT_INPUT;
  }
  const diags = checkLayout(r.layout, { host, ...(qemu.version ? { qemu } : {}) });
  const predicted = predictionFor(r.layout, host, values as Record<string, unknown>, said.from === "installed" ? undefined : qemu.version);
  if (values.json) {
    io.out(prettyJson({ host: host.name, qemu: said, layout: r.layout, notes: r.notes, diagnostics: diags, predictedSeconds: predicted.predictedSeconds, prediction: predicted.prediction }) + "\n");
    return hasErrors(diags) ? EXIT_INPUT : EXIT_OK;
  }
  writeLayout(r.layout, format, io);
  for (const n of r.notes) io.err(`note: ${n}\n`);
  io.err(`${printableLine(said.line.replace(/^checked /, "planned and checked "))}\n`);
  io.err(`${predicted.line}\n`);
  printDiagnostics(io, diags, r.layout);
  if (diags.length > 0) io.err(`plan on ${host.name}: ${summaryLine(diags)}\n`);
  return hasErrors(diags) ? EXIT_INPUT : EXIT_OK;
}
