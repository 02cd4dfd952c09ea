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
import { findQemu } from "../electron/qemu/discover";
import { recordCorpus } from "../electron/oracle/record";

const CORPUS = join(import.meta.dirname, "../shared/validate/oracle/corpus.json");
const HUGEPAGES = "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const binary = findQemu(arg("--qemu"));
  const pages = arg("--hugepages");
  const before = pages !== undefined ? readFileSync(HUGEPAGES, "utf8").trim() : undefined;
  if (pages !== undefined) writeFileSync(HUGEPAGES, pages);
  try {
    const r = await recordCorpus({
      path: CORPUS,
      binary,
      only: arg("--only")?.split(","),
      missing: process.argv.includes("--missing"),
      ...(pages !== undefined ? { hugepages: `${pages} × 2 MiB on node 0` } : {}),
      log: (line) => process.stdout.write(line + "\n"),
    });
    process.stdout.write(`recorded ${r.recorded} of ${r.total} lines with QEMU ${r.version} (${binary})\n`);
  } finally {
    if (before !== undefined) writeFileSync(HUGEPAGES, before);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`record-oracle: ${(e as Error).message}\n`);
  process.exit(1);
});
