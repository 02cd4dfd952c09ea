// Record what the real QEMU does with every line of the oracle corpus
// (shared/validate/oracle/corpus.json): accepted (a live QEMU answered query-status after
// machine init) or refused (it exited first), with its exit code and stderr, plus this host's
// topology and QEMU's version, so the checker can be measured against the record anywhere.
//
//   npm run oracle:record [-- --only ID,ID] [--missing] [--hugepages N] [--qemu PATH]
//
// --hugepages N reserves N 2 MiB huge pages on node 0 while recording (needs root) and puts
// the old count back afterwards, so huge-page lines have something to fit in.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../shared/qemu/parse";
import { corpusSchema, type Corpus } from "../shared/validate/oracle/corpus";
import { readSysfs } from "../electron/probe/sysfs";
import { findQemu, probeQemu, readQemuHelp } from "../electron/qemu/discover";
import { runOracle } from "../electron/oracle/verdict";
import { memPathFacts } from "../electron/probe/mem-paths";

const CORPUS = join(import.meta.dirname, "../shared/validate/oracle/corpus.json");
const HUGEPAGES = "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const corpus: Corpus = corpusSchema.parse(JSON.parse(readFileSync(CORPUS, "utf8")));
  const binary = findQemu(arg("--qemu"));
  const { version } = await probeQemu(binary);
  const only = arg("--only")?.split(",");
  const missing = process.argv.includes("--missing");
  const pages = arg("--hugepages");
  const before = pages !== undefined ? readFileSync(HUGEPAGES, "utf8").trim() : undefined;
  if (pages !== undefined) writeFileSync(HUGEPAGES, pages);
  try {
    // --only re-records some lines: the rest keep the host they were recorded on (its free
    // memory and huge pages decide their verdicts), given what the probe reads now that an
    // older record lacks (caches, PCI devices: issue 15), which no earlier line depends on.
    const live = readSysfs();
    const host =
      only && corpus.host
        ? { ...corpus.host, ...(corpus.host.caches || !live.caches ? {} : { caches: live.caches }), ...(corpus.host.pciDevices || !live.pciDevices ? {} : { pciDevices: live.pciDevices }) }
        : live;
    let n = 0;
    for (const e of corpus.entries) {
      if (only && !only.includes(e.id)) continue;
      if (missing && e.record && e.record.qemuVersion === version) continue;
      const { args } = parseCommandLine(e.line);
      const run = await runOracle(
        binary,
        args.map((t) => t.text),
      );
      e.record = { ...run, qemuVersion: version };
      n++;
      process.stdout.write(`${e.id.padEnd(40)} ${run.verdict}${run.phase ? ` (${run.phase}, exit ${run.exit})` : ""}  ${run.stderr.split("\n")[0]?.slice(0, 110) ?? ""}\n`);
    }
    corpus.qemuVersion = version;
    corpus.qemuHelp = readQemuHelp(binary);
    corpus.recordedAt = new Date().toISOString();
    corpus.host = host;
    corpus.memPaths = memPathFacts(corpus.entries.map((e) => parseCommandLine(e.line).layout));
    if (pages !== undefined) corpus.hugepages = `${pages} × 2 MiB on node 0`;
    writeFileSync(CORPUS, JSON.stringify(corpus, null, 1) + "\n");
    process.stdout.write(`recorded ${n} of ${corpus.entries.length} lines with QEMU ${version} (${binary})\n`);
  } finally {
    if (before !== undefined) writeFileSync(HUGEPAGES, before);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`record-oracle: ${(e as Error).message}\n`);
  process.exit(1);
});
