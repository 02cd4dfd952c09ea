// `numadesk lab`: run layouts inside a small guest with 2 or 4 virtual NUMA nodes, so a
// one-node machine can show where preallocation threads go. `--demo` runs the seed's pair.

import type { Io } from "./design";
import { parseCliArgs } from "../args";
import { withInterrupt } from "../interrupt";
import { EXIT_INPUT, EXIT_OK, InputError, UsageError } from "../errors";
import { readInput } from "../input";
import { formatDiagnostic } from "../report";
import { formatPinReport } from "../../../shared/run/pin-report";
import { demoJobs, runLab, type LabJob, type LabNodes } from "../../lab/lab";
import { ensureLabAssets, LabSetupError } from "../../lab/assets";
import { RunRefused } from "../../qemu/launch";
import { QemuNotFound } from "../../qemu/discover";
import { saveRecord } from "../../run/records";
import { formatComparison, formatRunSummary } from "../../../shared/run/report";
import { parseSize } from "../../../shared/size/size";
import { sortDiagnostics } from "../../../shared/diagnostics/diagnostic";
import type { RunRecord } from "../../../shared/run/types";
import { formatIdList } from "../../../shared/cpulist/cpulist";

/** What the allowed-CPU lists prove: were the touch_pages threads confined to the memory's node? */
export function confinement(r: RunRecord, cpusOfNode: (node: number) => number[]): string {
  const workers = r.threads.filter((t) => t.name === "touch_pages");
  if (workers.length === 0) return "no touch_pages thread seen";
  const lines: string[] = [];
  for (const b of r.backends) {
    const mine = workers.filter((t) => t.backend === b.id);
    const allowedOk = mine.every((t) => t.allowedCpus && b.hostNodes.length > 0 && t.allowedCpus.every((c) => b.hostNodes.some((n) => cpusOfNode(n).includes(c))));
    const allowed = formatIdList([...new Set(mine.flatMap((t) => t.allowedCpus ?? []))]);
    const seen = [...new Set(mine.flatMap((t) => Object.keys(t.nodes)))].join(",");
    lines.push(`${b.id} on node ${b.hostNodes.join(",")}: threads allowed on CPUs ${allowed || "?"} ${allowedOk ? "(only that node's)" : "(not only that node's)"}, seen on node ${seen || "–"}`);
  }
  return lines.join("\n");
}

export async function labCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
      nodes: { type: "string" },
      mem: { type: "string" },
      rate: { type: "string" },
      accel: { type: "string" },
      qemu: { type: "string" },
      demo: { type: "boolean" },
      prepare: { type: "boolean" },
      json: { type: "boolean" },
      "no-save": { type: "boolean" },
    },
    1,
  );
  const nodes = Number(values.nodes ?? 2);
  if (nodes !== 2 && nodes !== 4) throw new UsageError("--nodes takes 2 or 4");
  const accel = (values.accel ?? "auto") as string;
  if (!["auto", "tcg", "kvm"].includes(accel)) throw new UsageError("--accel takes auto, tcg or kvm");
  const rate = values.rate === undefined ? 100 : Number(values.rate);
  if (!Number.isFinite(rate) || rate < 1 || rate > 1000) throw new UsageError("--rate takes a number of samples per second from 1 to 1000");
  const say = (m: string) => io.err(`${m}\n`);
  try {
    if (values.prepare) {
      const a = await ensureLabAssets(typeof values.qemu === "string" ? values.qemu : undefined, (_step, text) => say(text));
      io.out(`lab ready: ${a.kernelSource}; initramfs ${a.initramfs}\n`);
      return EXIT_OK;
    }
    let jobs: LabJob[];
    if (values.demo) {
      if (positionals.length) throw new UsageError("give --demo or a layout, not both");
      const size = typeof values.mem === "string" ? values.mem : "256M";
      const r = parseSize(size);
      if (!r.ok || r.bytes < 64 * 2 ** 20 || r.bytes > 4 * 2 ** 30) throw new UsageError("--mem takes a size from 64M to 4G for the demo");
      jobs = demoJobs(nodes as LabNodes, size);
    } else {
      const file = positionals[0];
      if (file === undefined) throw new UsageError("give a layout or command-line file to run in the lab, or --demo");
      const input = readInput(file);
      if (!input.layout || input.diagnostics.some((d) => d.severity === "error")) {
        for (const d of input.diagnostics) io.err(formatDiagnostic(d, input.layout, file) + "\n");
        throw new InputError(`${file} cannot be run as it is`);
      }
      jobs = [{ label: input.layout.title ?? file, layout: input.layout }];
    }
    const result = await withInterrupt((signal) =>
      runLab({
        nodes: nodes as LabNodes,
        jobs,
        rateHz: rate,
        accel: accel as "auto" | "tcg" | "kvm",
        ...(typeof values.qemu === "string" ? { qemu: values.qemu } : {}),
        signal,
        onEvent: (e) => {
          if (e.type === "progress") say(e.text);
          if (e.type === "booted") say(`lab booted in ${(e.ms / 1000).toFixed(1)} s: ${e.topology.nodes.map((n) => `node ${n.id} CPUs ${formatIdList(n.cpus)}`).join(", ")}`);
          if (e.type === "begin") say(`running: ${e.label}`);
        },
      }),
    );
    const cpusOf = (n: number) => result.topology.nodes.find((x) => x.id === n)?.cpus ?? [];
    if (values.json) io.out(JSON.stringify({ topology: result.topology, accel: result.accel, accelWhy: result.accelWhy, bootMs: result.bootMs, records: result.records }) + "\n");
    else {
      const rss = result.peakRssBytes ? `; the VM took at most ${Math.round(result.peakRssBytes / 2 ** 20)} MiB of this host` : "";
      io.out(
        `lab: ${nodes} nodes, ${result.accel.toUpperCase()} (${result.accelWhy}), ${result.kernel}; booted in ${(result.bootMs / 1000).toFixed(1)} s, all done in ${(result.totalMs / 1000).toFixed(1)} s${rss}\n\n`,
      );
      for (const r of result.records) {
        io.out(formatRunSummary(r));
        io.out(confinement(r, cpusOf) + "\n");
        // the pins, read back inside the lab, as numadesk run prints a host run's
        if (r.pinning) io.out("\n" + formatPinReport(r.pinning));
        const b = r.backends[0];
        if (b && r.lab) {
          const node = String(b.hostNodes[0]);
          const before = r.lab.freeBeforeKb[node];
          const after = r.lab.freeAtPreallocKb[node];
          if (before !== undefined && after !== undefined) io.out(`node ${node} free memory: ${Math.round(before / 1024)} MiB before, ${Math.round(after / 1024)} MiB when preallocated\n`);
        }
        io.out("\n");
      }
      if (result.records.length > 1) io.out(formatComparison(result.records));
    }
    if (!values["no-save"]) for (const r of result.records) io.err(`saved: ${saveRecord(r)}\n`);
    return result.records.every((r) => r.outcome === "ok") ? EXIT_OK : EXIT_INPUT;
  } catch (e) {
    if (e instanceof RunRefused) {
      for (const d of sortDiagnostics(e.diagnostics)) io.err(formatDiagnostic(d, undefined) + "\n");
      // the one-line reason last; what QEMU and the guest said, whole, before it
      if (e.detail) io.err(`${e.detail}\n`);
      throw new InputError(e.message);
    }
    if (e instanceof LabSetupError || e instanceof QemuNotFound) throw new InputError(e.message);
    throw e;
  }
}
