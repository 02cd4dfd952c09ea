// Re-recording some lines of the oracle corpus (scripts/record-oracle.ts --only) with the real
// QEMU changes those lines' records and the record time, and nothing else of the file, byte for
// byte: the host it was recorded on keeps its PCI devices' name fields where they were.

import { afterAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findQemu } from "../qemu/discover";
import { recordCorpus } from "./record";

const corpusFile = join(import.meta.dirname, "../../shared/validate/oracle/corpus.json");
const tmp = mkdtempSync(join(tmpdir(), "numadesk-record-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Raw {
  recordedAt?: string;
  qemuVersion?: unknown;
  qemuHelp?: unknown;
  memPaths?: unknown;
  host?: { pciDevices?: Array<Record<string, unknown>> };
  entries: Array<{ id: string; record?: { verdict: string } }>;
}

describe("record-oracle --only", () => {
  it("re-records two lines with QEMU; the rest of the file, PCI names included, is unchanged byte for byte", async () => {
    const copy = join(tmp, "corpus.json");
    copyFileSync(corpusFile, copy);
    const before = readFileSync(copy, "utf8");
    const old = JSON.parse(before) as Raw;
    const named = (old.host?.pciDevices ?? []).filter((d) => d.vendorName !== undefined);
    expect(named.length, "the recorded host has PCI devices with names").toBeGreaterThan(0);
    const ids = ["m-zero", "smp-fill-cores3"];
    const lines: string[] = [];
    const r = await recordCorpus({ path: copy, binary: findQemu(), only: ids, log: (l) => lines.push(l) });
    expect(r.recorded).toBe(2);
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(ids);
    const after = readFileSync(copy, "utf8");
    const now = JSON.parse(after) as Raw;
    // the verdicts QEMU gave are the recorded ones
    for (const id of ids) expect(now.entries.find((e) => e.id === id)!.record!.verdict).toBe(old.entries.find((e) => e.id === id)!.record!.verdict);
    // the file as it was, with only the new records and record time put in
    const expected = JSON.parse(before) as Raw;
    expected.recordedAt = now.recordedAt;
    // what is read again from this machine on every recording (the same binary and folders here)
    for (const k of ["qemuVersion", "qemuHelp", "memPaths"] as const) expected[k] = now[k];
    for (const id of ids) expected.entries.find((e) => e.id === id)!.record = now.entries.find((e) => e.id === id)!.record;
    expect(after).toBe(JSON.stringify(expected, null, 1) + "\n");
    expect(now.host?.pciDevices).toEqual(old.host?.pciDevices);
    expect(Object.keys(now.host!.pciDevices![0]!)).toEqual(Object.keys(old.host!.pciDevices![0]!));
  });

  it("a file that is not a corpus is refused with its path and the first problem, and left as it was", async () => {
    const bad = join(tmp, "bad.json");
    copyFileSync(corpusFile, bad);
    const text = readFileSync(bad, "utf8").replace('"version": 1', '"version": 7');
    (await import("node:fs")).writeFileSync(bad, text);
    await expect(recordCorpus({ path: bad, binary: findQemu(), only: ["m-zero"] })).rejects.toThrow(/bad\.json is not an oracle corpus: .* at version/);
    expect(readFileSync(bad, "utf8")).toBe(text);
  });
});
