import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteRecord, listRecords, loadRecord, RecordError, relabelRecord, saveRecord, writeFileAtomic } from "./records";
import { RUN_RECORD_VERSION, type RunRecord } from "../../shared/run/types";
import { emptyLayout } from "../../shared/layout/schema";
import { labTopology } from "../../shared/lab/topology";
import { recordTopology } from "../../shared/run/world";

const dir = mkdtempSync(join(tmpdir(), "numadesk-records-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(id: string, ms: number): RunRecord {
  return {
    version: RUN_RECORD_VERSION,
    id,
    kind: "host",
    startedAt: `2026-11-25T10:00:${String(ms % 60).padStart(2, "0")}.000Z`,
    layout: emptyLayout("1G"),
    argv: ["qemu-system-x86_64", "-m", "1G"],
    dropped: [],
    qemu: { binary: "/usr/bin/qemu-system-x86_64", version: "7.2.22" },
    host: { name: "this host", fingerprint: "abc", nodes: 2, cpus: 4 },
    topology: recordTopology(labTopology(2)),
    outcome: "ok",
    timings: { preallocMs: ms, totalMs: ms + 20 },
    memory: { preallocBytes: 2 ** 30 },
    sampler: { rateHz: 200, ticks: 10, missedTicks: 0, cpuPercent: 1 },
    threads: [],
    backends: [],
    samples: { t: [1, 2], tid: [5, 5], cpu: [0, 1], node: [0, 0], state: "RD", ranUs: [0, 900] },
  };
}

describe("run records", () => {
  it("saves, lists, loads and deletes records", () => {
    saveRecord(record("run-b", 20), dir);
    saveRecord(record("run-a", 10), dir);
    expect(listRecords(dir).records.map((r) => r.id)).toEqual(["run-a", "run-b"]);
    expect(loadRecord("run-b", dir).timings.preallocMs).toBe(20);
    deleteRecord("run-a", dir);
    expect(listRecords(dir).records.map((r) => r.id)).toEqual(["run-b"]);
  });

  it("leaves no temporary file after a save", () => {
    saveRecord(record("run-c", 30), dir);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("lists a corrupt record as unreadable and keeps the good ones", () => {
    writeFileSync(join(dir, "broken.json"), '{"version": 1, "id": "broken", "outc');
    const { records, unreadable } = listRecords(dir);
    expect(unreadable).toEqual(["broken.json"]);
    expect(records.length).toBeGreaterThan(0);
    expect(() => loadRecord("broken", dir)).toThrow(/not valid JSON/);
  });

  it("refuses ids that could leave the folder", () => {
    expect(() => loadRecord("../../etc/passwd", dir)).toThrow(RecordError);
    expect(() => deleteRecord("a/b", dir)).toThrow(/not a run id/);
  });

  it("an atomic write replaces the whole file", () => {
    const f = join(dir, "file.txt");
    writeFileAtomic(f, "old");
    writeFileAtomic(f, "new content");
    expect(readdirSync(dir).filter((n) => n.startsWith("file.txt"))).toEqual(["file.txt"]);
  });
});

describe("record versions and labels", () => {
  it("a version 1 record (no topology) loads, marked as migrated, and is listed as such", () => {
    const { topology: _t, ...v1 } = { ...record("old-one", 5), version: 1 };
    writeFileSync(join(dir, "old-one.json"), JSON.stringify(v1));
    const r = loadRecord("old-one", dir);
    expect(r.version).toBe(RUN_RECORD_VERSION);
    expect(r.migratedFrom).toBe(1);
    expect(r.topology).toBeUndefined();
    const listed = listRecords(dir).records.find((x) => x.id === "old-one")!;
    expect(listed.hasTopology).toBe(false);
    expect(listed.title).toBe("without thread-context, nothing preallocated, this host, 0.01 s");
  });

  it("a record saved before layout version 2 loads, its layout migrated", () => {
    const old = record("old-layout", 5);
    writeFileSync(join(dir, "old-layout.json"), JSON.stringify({ ...old, layout: { ...old.layout, version: 1, args: [{ tokens: ["-object", "iothread,id=io0"], at: 0 }] } }));
    const r = loadRecord("old-layout", dir);
    expect(r.layout.version).toBe(2);
    expect(r.layout.iothreads?.map((t) => t.id)).toEqual(["io0"]);
  });

  it("a current record keeps its topology; one that claims a migration it did not have is refused", () => {
    saveRecord(record("new-one", 7), dir);
    expect(loadRecord("new-one", dir).topology!.nodes.map((n) => n.cpus)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    writeFileSync(join(dir, "future.json"), JSON.stringify({ ...record("future", 1), version: 3 }));
    expect(() => loadRecord("future", dir)).toThrow(/version/);
  });

  it("bounds every new string and array of a hostile record", () => {
    const cases: Array<[string, (r: RunRecord) => void, RegExp]> = [
      ["long-label", (r) => (r.label = "a".repeat(10_000)), /label/],
      ["long-topo-name", (r) => (r.topology!.name = "n".repeat(10_000)), /topology\.name/],
      ["many-distances", (r) => (r.topology!.distances = Array.from({ length: 2000 }, () => [10])), /topology\.distances/],
      ["many-lacks", (r) => (r.topology!.source.lacks = Array.from({ length: 1000 }, () => "x")), /lacks/],
      ["many-siblings", (r) => (r.topology!.cpus[0]!.siblings = Array.from({ length: 100 }, (_, i) => i)), /siblings/],
      ["bad-pages", (r) => (r.memory.pages = { kind: "gigantic" as "thp", bytes: 1 }), /pages/],
      ["long-note", (r) => (r.sampler.note = "n".repeat(5000)), /sampler\.note/],
      ["bad-mode", (r) => (r.sampler.mode = "ebpf" as "proc"), /sampler\.mode/],
    ];
    for (const [id, spoil, where] of cases) {
      const r = record(id, 1);
      spoil(r);
      writeFileSync(join(dir, `${id}.json`), JSON.stringify(r));
      expect(() => loadRecord(id, dir), id).toThrow(where);
    }
  });

  it("renames a run, gives it back its description with an empty label, refuses a hostile label", () => {
    saveRecord(record("to-name", 9), dir);
    expect(relabelRecord("to-name", "  before the   fix ", dir).label).toBe("before the fix");
    expect(loadRecord("to-name", dir).label).toBe("before the fix");
    expect(listRecords(dir).records.find((x) => x.id === "to-name")!.title).toBe("before the fix");
    expect(relabelRecord("to-name", "", dir).label).toBeUndefined();
    expect(() => relabelRecord("to-name", "a\x1b[2Jb", dir)).toThrow(/one line/);
    expect(() => relabelRecord("nobody", "x", dir)).toThrow(/there is no run 'nobody'/);
  });
});

describe("hostile record files", () => {
  it("a FIFO, a link to /dev/zero and a deeply nested file in the runs folder are listed as unreadable, at once", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { listRecords, loadRecord } = await import("./records");
    const dir = mkdtempSync(join(tmpdir(), "numadesk-runs-hostile-"));
    try {
      execFileSync("mkfifo", [join(dir, "fifo.json")]);
      execFileSync("ln", ["-s", "/dev/zero", join(dir, "zero.json")]);
      writeFileSync(join(dir, "deep.json"), "[".repeat(100_000));
      const t0 = Date.now();
      const r = listRecords(dir);
      expect(r.records).toEqual([]);
      expect(r.unreadable.sort()).toEqual(["deep.json", "fifo.json", "zero.json"]);
      expect(() => loadRecord("deep", dir)).toThrow(/nests deeper than 32 levels/);
      expect(() => loadRecord("fifo", dir)).toThrow(/is a FIFO/);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
