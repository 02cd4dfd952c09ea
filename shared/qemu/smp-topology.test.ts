// The -smp rules against what real QEMU 7.2 and 10.0 did with each -smp of the oracle table
// (shared/qemu/fixtures/smp-oracle.json, recorded by scripts/record-smp-oracle.ts): the checker
// has an error exactly when QEMU refused, and for topology refusals it prints QEMU's own words.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { smpOracleSchema } from "./smp-oracle";
import { acceptedTopology, resolveSmp } from "./smp-topology";
import { parseCommandLine } from "./parse";
import { checkLayout } from "../validate/check";
import { smpGiven } from "../validate/rules/cpus";

const table = smpOracleSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/smp-oracle.json"), "utf8")));
const lineOf = (c: { machine: string; smp: string }) => `qemu-system-x86_64 -machine ${c.machine} -m 64M -smp ${c.smp}`;
const firstError = (stderr: string) => (stderr.split("\n").find((l) => !/warning:/.test(l)) ?? "").replace(/^qemu-system-x86_64: /, "");

// What the checker does not model yet (none left; modules= is judged by version since 9.1).
const KNOWN_GAPS = new Set<string>();

const rows = table.cases.flatMap((c) => Object.entries(c.records).map(([version, rec]) => ({ c, version, rec })));

describe("the -smp oracle table", () => {
  it("has at least 30 -smp strings, each run by QEMU 7.2 and 10.0, with refusals and acceptances in both", () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(30);
    for (const c of table.cases) expect(Object.keys(c.records).sort(), c.smp).toEqual(["10.0.2", "7.2.22"]);
    for (const v of ["7.2.22", "10.0.2"]) {
      expect(rows.filter((r) => r.version === v && r.rec.verdict === "refused").length).toBeGreaterThan(10);
      expect(rows.filter((r) => r.version === v && r.rec.verdict === "accepted").length).toBeGreaterThan(10);
    }
    // the versions differ (a 0), so the table can tell a version-blind checker
    expect(rows.some((r) => r.version === "7.2.22" && r.c.smp === "0" && r.rec.verdict === "accepted")).toBe(true);
    expect(rows.some((r) => r.version === "10.0.2" && r.c.smp === "0" && r.rec.verdict === "refused")).toBe(true);
  });

  it.each(rows.map((r) => [`${r.version} -machine ${r.c.machine} -smp ${r.c.smp}`, r] as const))("the checker agrees with QEMU %s", (_name, { c, version, rec }) => {
    const { layout, diagnostics } = parseCommandLine(lineOf(c));
    const errors = [...diagnostics, ...checkLayout(layout, { qemu: { version } })].filter((d) => d.severity === "error");
    const gap = KNOWN_GAPS.has(`${version} ${c.machine} ${c.smp}`);
    const refused = rec.verdict === "refused";
    if (gap) expect(errors.length > 0, "a known gap closed: take it off KNOWN_GAPS").not.toBe(refused);
    else
      expect(
        errors.map((d) => `${d.code} ${d.message}`),
        rec.stderr,
      ).toHaveLength(refused ? Math.max(1, errors.length) : 0);
  });

  it("for every topology refusal, resolveSmp says what QEMU printed, word for word", () => {
    let n = 0;
    for (const { c, version, rec } of rows) {
      const said = firstError(rec.stderr);
      if (!/^Invalid CPU topology/.test(said)) continue;
      const { layout } = parseCommandLine(lineOf(c));
      const r = resolveSmp(smpGiven(layout.smp!), c.machine, version);
      expect(r.ok, `${version} ${c.smp}`).toBe(false);
      if (!r.ok) expect(r.qemuSays, `${version} ${c.smp}`).toBe(said);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(25);
  });

  it("accepted lines resolve to a topology that multiplies to maxcpus", () => {
    const r = resolveSmp({ cpus: 8, sockets: 2 }, "q35", "7.2.22");
    expect(r).toMatchObject({ ok: true, topology: { sockets: 2, cores: 4, threads: 1, maxcpus: 8 } });
    const old = resolveSmp({ cpus: 8 }, "pc-i440fx-6.1", "7.2.22");
    expect(old).toMatchObject({ ok: true, topology: { sockets: 8, cores: 1 } });
    expect(resolveSmp({ cpus: 8 }, "q35", "10.0.2")).toMatchObject({ ok: true, topology: { sockets: 1, cores: 8 } });
  });

  it("the suggested topology is one QEMU's rules accept, for every refused topology of the table", () => {
    for (const { c, version, rec } of rows) {
      if (!/^Invalid CPU topology: (product|maxcpus)/.test(firstError(rec.stderr))) continue;
      const { layout } = parseCommandLine(lineOf(c));
      const t = acceptedTopology(smpGiven(layout.smp!));
      const r = resolveSmp({ cpus: layout.smp?.cpus, maxcpus: t.maxcpus, sockets: t.sockets, dies: t.dies, modules: t.modules, cores: t.cores, threads: t.threads }, c.machine, version);
      expect(r.ok, `${c.smp} → ${JSON.stringify(t)}`).toBe(true);
    }
  });
});
