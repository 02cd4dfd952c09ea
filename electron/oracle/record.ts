// Record what the real QEMU does with the lines of an oracle corpus file, in place (the work of
// scripts/record-oracle.ts). The file is read as JSON, checked against the corpus schema, and
// the JSON as read is what is changed and written back: the schema's parse output lists each
// object's keys in schema order, so writing that reordered every PCI device's name fields (and
// every entry's `element`) on each `--only` run, which reads in a diff as the names dropped and
// added back. Now a re-record changes only the lines re-recorded, the record time and what the
// host adds.

import { readFileSync, writeFileSync } from "node:fs";
import { parseCommandLine } from "../../shared/qemu/parse";
import { corpusSchema, type Corpus } from "../../shared/validate/oracle/corpus";
import { readSysfs } from "../probe/sysfs";
import { probeQemu, readQemuHelp } from "../qemu/discover";
import { memPathFacts } from "../probe/mem-paths";
import { runOracle } from "./verdict";

export interface RecordOptions {
  /** the corpus file, changed in place */
  path: string;
  /** the QEMU binary */
  binary: string;
  /** re-record only these entries: the others keep the host they were recorded on */
  only?: readonly string[];
  /** skip entries already recorded with this QEMU's version */
  missing?: boolean;
  /** huge pages reserved while recording, as the corpus says it ("64 × 2 MiB on node 0") */
  hugepages?: string;
  /** one line per recorded entry */
  log?: (line: string) => void;
}

export async function recordCorpus(opts: RecordOptions): Promise<{ recorded: number; total: number; version: string }> {
  const raw = JSON.parse(readFileSync(opts.path, "utf8")) as unknown;
  const checked = corpusSchema.safeParse(raw);
  if (!checked.success) throw new Error(`${opts.path} is not an oracle corpus: ${checked.error.issues[0]?.message ?? "schema"} at ${checked.error.issues[0]?.path.join(".") ?? "?"}`);
  // the file's own objects (valid, so of the corpus's shape), keys in the order they were written
  const corpus = raw as Corpus;
  const { version } = await probeQemu(opts.binary);
  const only = opts.only;
  // --only re-records some lines: the rest keep the host they were recorded on (its free
  // memory and huge pages decide their verdicts), given what the probe reads now that an
  // older record lacks (caches, PCI devices: issue 15), which no earlier line depends on.
  const live = readSysfs();
  const host = only && corpus.host ? corpus.host : live;
  if (!host.caches && live.caches) host.caches = live.caches;
  if (!host.pciDevices && live.pciDevices) host.pciDevices = live.pciDevices;
  let recorded = 0;
  for (const e of corpus.entries) {
    if (only && !only.includes(e.id)) continue;
    if (opts.missing && e.record && e.record.qemuVersion === version) continue;
    const { args } = parseCommandLine(e.line);
    const run = await runOracle(
      opts.binary,
      args.map((t) => t.text),
    );
    e.record = { ...run, qemuVersion: version };
    recorded++;
    opts.log?.(`${e.id.padEnd(40)} ${run.verdict}${run.phase ? ` (${run.phase}, exit ${run.exit})` : ""}  ${run.stderr.split("\n")[0]?.slice(0, 110) ?? ""}`);
  }
  corpus.qemuVersion = version;
  corpus.qemuHelp = readQemuHelp(opts.binary);
  corpus.recordedAt = new Date().toISOString();
  corpus.host = host;
  corpus.memPaths = memPathFacts(corpus.entries.map((e) => parseCommandLine(e.line).layout));
  if (opts.hugepages !== undefined) corpus.hugepages = opts.hugepages;
  writeFileSync(opts.path, JSON.stringify(corpus, null, 1) + "\n");
  return { recorded, total: corpus.entries.length, version };
}
