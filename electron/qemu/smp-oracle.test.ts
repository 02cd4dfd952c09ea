// The -smp oracle table (shared/qemu/fixtures/smp-oracle.json) against the real QEMUs again: a
// sample of its lines gets the recorded verdict and message from Debian's 7.2 and
// bookworm-backports' 10.0, and the -smp NUMA026's one-click fix writes is accepted by both.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { smpOracleSchema } from "../../shared/qemu/smp-oracle";
import { parseCommandLine } from "../../shared/qemu/parse";
import { generateArgs } from "../../shared/qemu/generate";
import { checkLayout } from "../../shared/validate/check";
import { fixFor } from "../../shared/layout/fixes";
import { runOracle } from "../oracle/verdict";
import { findQemu, probeQemu } from "./discover";
import { ensureBackportsQemu } from "./backports";

const table = smpOracleSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../shared/qemu/fixtures/smp-oracle.json"), "utf8")));
const q10 = await ensureBackportsQemu().catch((e: Error) => {
  console.warn(`QEMU 10 -smp tests skipped: QEMU 10 could not be fetched from bookworm-backports: ${e.message}`);
  return undefined;
});
const q7 = findQemu("/usr/bin/qemu-system-x86_64");
const binaries = [
  { name: "Debian's QEMU 7.2", path: q7, pre: [] as string[], version: (await probeQemu(q7)).version },
  ...(q10 ? [{ name: "bookworm-backports' QEMU 10", path: q10.binary, pre: ["-L", q10.dataDir], version: (await probeQemu(q10.binary)).version }] : []),
];
const firstError = (stderr: string) => stderr.split("\n").find((l) => !/warning:/.test(l)) ?? "";

// the user's three, a 0 (the versions differ), prefer-sockets on a 6.1 type, what libvirt writes, an accepted fill-in
const SAMPLE = ["8,sockets=3", "8,cores=3", "8,threads=3", "8,cores=0", "8,threads=3@pc-q35-6.1", "4,sockets=4,dies=1,cores=1,threads=1", "8,sockets=2"];
const sample = SAMPLE.map((k) => {
  const [smp, machine = "q35"] = k.split("@");
  const c = table.cases.find((x) => x.smp === smp && x.machine === machine);
  if (!c) throw new Error(`no case ${k}`);
  return c;
});

async function run(b: (typeof binaries)[number], machine: string, smp: string) {
  return runOracle(b.path, [...b.pre, "-machine", machine, "-m", "64M", "-smp", smp]);
}

describe.each(binaries)("$name", (b) => {
  it.each(sample.map((c) => [`-machine ${c.machine} -smp ${c.smp}`, c] as const))("%s gets the recorded verdict and message", async (_n, c) => {
    const rec = c.records[b.version];
    expect(rec, `no record for ${b.version}: rerun scripts/record-smp-oracle.ts`).toBeDefined();
    const r = await run(b, c.machine, c.smp);
    expect(r.verdict, r.stderr).toBe(rec!.verdict);
    if (r.verdict === "refused") expect(firstError(r.stderr)).toBe(firstError(rec!.stderr));
  });

  it("accepts the -smp that NUMA026's fix writes for each refused topology of the table", async () => {
    const refused = table.cases.filter((c) => /Invalid CPU topology: (product|maxcpus)/.test(c.records[b.version]?.stderr ?? ""));
    expect(refused.length).toBeGreaterThanOrEqual(10);
    const seen: string[] = [];
    for (const c of refused) {
      const { layout } = parseCommandLine(`qemu-system-x86_64 -machine ${c.machine} -m 64M -smp ${c.smp}`);
      const d = checkLayout(layout, { qemu: { version: b.version } }).find((x) => x.code === "NUMA026");
      expect(d, c.smp).toBeDefined();
      const args = generateArgs(fixFor(d!, layout)!.apply(layout));
      const smp = args[args.indexOf("-smp") + 1]!;
      const r = await run(b, c.machine, smp);
      seen.push(`${c.smp} → ${smp}: ${r.verdict}`);
      expect(r.verdict, `${c.smp} → ${smp}: ${r.stderr}`).toBe("accepted");
    }
    console.log(`${b.name}: ${seen.join("; ")}`);
  }, 240_000);
});
