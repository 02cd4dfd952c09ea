// Recordings handed over as files: kept as saved runs when they are records, refused with one
// sentence when they are not — through the API, as the app calls it.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../backend/backend";
import { ApiFailure } from "../../shared/api/contract";
import { minimalRecord, workerSample } from "../../shared/run/minimal-record";
import type { RunRecord } from "../../shared/run/types";

const dir = mkdtempSync(join(tmpdir(), "numadesk-recording-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { api } = createBackend({ runsDir: dir });

const record = (id: string): RunRecord =>
  minimalRecord(
    [0, 5, 10].map((t) => workerSample(t, 7, 0, 5)),
    { id },
  );

async function refusal(text: string): Promise<string> {
  try {
    await api.importRecording({ text });
  } catch (e) {
    expect(e).toBeInstanceOf(ApiFailure);
    expect((e as ApiFailure).error.code).toBe("bad-request");
    return (e as ApiFailure).error.message;
  }
  throw new Error("imported");
}

describe("saving through the desktop's dialogs", () => {
  it("writes the HTML report and the recording where the person chose", async () => {
    const picked: string[] = [];
    const desk = createBackend({ runsDir: dir, dialogs: { saveAs: async (name, kind) => (picked.push(`${kind}:${name}`), join(dir, name)), open: async () => undefined } });
    const r = record("2026-11-25T21-00-00-000Z-def");
    await desk.api.importRecording({ text: JSON.stringify(r) });
    expect(await desk.api.saveRunReport({ ids: [r.id], suggestedName: "class.html" })).toEqual({ saved: true, path: join(dir, "class.html") });
    const html = readFileSync(join(dir, "class.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<svg");
    expect(await desk.api.saveRecording({ id: r.id, suggestedName: "x.numadesk-run.json" })).toEqual({ saved: true, path: join(dir, "x.numadesk-run.json") });
    expect(JSON.parse(readFileSync(join(dir, "x.numadesk-run.json"), "utf8"))).toEqual(r);
    expect(picked).toEqual(["report:class.html", "recording:x.numadesk-run.json"]);
    await desk.api.deleteRun({ id: r.id });
    rmSync(join(dir, "class.html"));
    rmSync(join(dir, "x.numadesk-run.json"));
  });
});

describe("importing a recording", () => {
  it("keeps a record as a saved run, and a different run with the same id under a new id", async () => {
    const r = record("2026-11-25T20-00-00-000Z-abc");
    expect(await api.importRecording({ text: JSON.stringify(r) })).toEqual({ id: r.id, title: "without thread-context, nothing preallocated, elsewhere, 0.01 s" });
    expect((await api.loadRun({ id: r.id })).samples.t).toEqual([0, 5, 10]);
    // the same file again: the same run
    expect((await api.importRecording({ text: JSON.stringify(r) })).id).toBe(r.id);
    const other = { ...r, label: "another run" };
    const again = await api.importRecording({ text: JSON.stringify(other) });
    expect(again.id).toMatch(/^2026-11-25T20-00-00-000Z-abc-imported-/);
    expect(again.title).toBe("another run");
    expect((await api.listRuns({})).map((x) => x.id).sort()).toEqual([r.id, again.id].sort());
  });

  it("refuses what is not a recording, with one sentence", async () => {
    expect(await refusal("not json")).toMatch(/^the recording is not a Numadesk recording: /);
    expect(await refusal(JSON.stringify({ version: 1, layout: {} }))).toMatch(/not a Numadesk recording \(a run record with its samples/);
    expect(await refusal("[".repeat(5000) + "]".repeat(5000))).toMatch(/nests deeper than/);
    expect(await refusal(JSON.stringify({ ...record("x"), version: 3 }))).toMatch(/version 3, newer than this Numadesk reads/);
    expect(await refusal(JSON.stringify({ ...record("x"), id: "../../etc/passwd" }))).toMatch(/^the recording is not a valid recording: \$\.id: /);
    expect(await refusal(JSON.stringify({ ...record("x"), extra: "<script>" }))).toMatch(/not a valid recording: \$: /);
    const holes = record("x");
    holes.samples.tid = [7];
    expect(await refusal(JSON.stringify(holes))).toMatch(/cannot be replayed: its sample columns differ in length/);
    const lying = record("x");
    lying.populated = { t: [1, 2], bytes: { m0: [5] } };
    expect(await refusal(JSON.stringify(lying))).toMatch(/populated series of m0 has 1 values for 2 times/);
    // nothing of those was kept
    expect((await api.listRuns({})).length).toBe(2);
  });

  it("is offered through a dialog only in the desktop app", async () => {
    await expect(api.openRecording({})).rejects.toMatchObject({ error: { code: "unavailable" } });
    await expect(api.saveRunReport({ ids: ["x"], suggestedName: "r.html" })).rejects.toMatchObject({ error: { code: "unavailable" } });
  });
});
