// Record what real QEMU 7.2 (Debian's) and 10.0 (bookworm-backports') do with each -smp of
// shared/qemu/fixtures/smp-oracle.json: accepted or refused, and what they printed. The
// checker's -smp rules (shared/qemu/smp-topology.ts) are tested against this record.
//
//   npx tsx scripts/record-smp-oracle.ts

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runOracle } from "../electron/oracle/verdict";
import { findQemu, probeQemu } from "../electron/qemu/discover";
import { ensureBackportsQemu } from "../electron/qemu/backports";
import { smpOracleSchema } from "../shared/qemu/smp-oracle";

const FILE = join(import.meta.dirname, "../shared/qemu/fixtures/smp-oracle.json");

async function main(): Promise<void> {
  const table = smpOracleSchema.parse(JSON.parse(readFileSync(FILE, "utf8")));
  const q10 = await ensureBackportsQemu();
  const binaries = [
    { path: findQemu("/usr/bin/qemu-system-x86_64"), pre: [] as string[] },
    { path: q10.binary, pre: ["-L", q10.dataDir] },
  ];
  for (const b of binaries) {
    const { version } = await probeQemu(b.path);
    for (const c of table.cases) {
      const run = await runOracle(b.path, [...b.pre, "-machine", c.machine, "-m", "64M", "-smp", c.smp]);
      c.records[version] = { verdict: run.verdict, stderr: run.stderr };
      process.stdout.write(`${version.padEnd(8)} ${c.machine.padEnd(14)} -smp ${c.smp.padEnd(36)} ${run.verdict}  ${run.stderr.split("\n")[0] ?? ""}\n`);
    }
  }
  table.recordedAt = new Date().toISOString();
  writeFileSync(FILE, JSON.stringify(table, null, 1) + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`record-smp-oracle: ${(e as Error).message}\n`);
  process.exit(1);
});
