// `numadesk bench`: the seed's experiment on this host, with the host's own limit beside it.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "./design";
import { parseCliArgs } from "../args";
import { withInterrupt } from "../interrupt";
import { EXIT_OK, InputError, UsageError } from "../errors";
import { readSysfs } from "../../probe/sysfs";
import { BenchCancelled, benchPrealloc, formatBenchReport } from "../../bench/prealloc";
import { dataDir, writeFileAtomic } from "../../run/records";
import { RunRefused } from "../../qemu/launch";
import { QemuNotFound } from "../../qemu/discover";
import { parseSize } from "../../../shared/size/size";
import { prettyJson } from "../../../shared/json/pretty";

export async function benchCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCliArgs(args, { mem: { type: "string" }, runs: { type: "string" }, threads: { type: "string" }, qemu: { type: "string", multiple: true }, out: { type: "string" } });
  const qemus = (values.qemu as string[] | undefined) ?? [];
  let bytes: number | undefined;
  if (typeof values.mem === "string") {
    const r = parseSize(values.mem, "M");
    if (!r.ok) throw new UsageError(`--mem: ${r.error}`);
    bytes = r.bytes;
  }
  const int = (v: unknown, name: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !/^\d{1,4}$/.test(v) || Number(v) < 1) throw new UsageError(`${name} takes a whole number from 1, not '${String(v)}'`);
    return Number(v);
  };
  const runs = int(values.runs, "--runs");
  const threads = int(values.threads, "--threads");
  try {
    const report = await withInterrupt((signal) =>
      benchPrealloc({
        host: readSysfs(),
        ...(bytes !== undefined ? { bytes } : {}),
        ...(runs !== undefined ? { runs } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(qemus.length === 1 ? { qemu: qemus[0]! } : {}),
        ...(qemus.length > 1 ? { qemus } : {}),
        signal,
        onProgress: (m) => io.err(`${m}\n`),
      }),
    );
    io.out(formatBenchReport(report));
    let out = typeof values.out === "string" ? values.out : undefined;
    if (!out) {
      const dir = join(dataDir(), "bench");
      mkdirSync(dir, { recursive: true });
      out = join(dir, `prealloc-${report.startedAt.replace(/[:.]/g, "-")}.json`);
    }
    writeFileAtomic(out, prettyJson(report) + "\n");
    io.out(`written: ${out}\n`);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof RunRefused || e instanceof QemuNotFound) throw new InputError(e.message);
    if (e instanceof BenchCancelled) throw new InputError(e.message);
    throw e;
  }
}
