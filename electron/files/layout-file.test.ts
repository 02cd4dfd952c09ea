import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSync } from "esbuild";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backupPath, loadLayoutFile, LayoutFileError, saveLayoutFile } from "./layout-file";
import { emptyLayout } from "../../shared/layout/schema";

const dir = mkdtempSync(join(tmpdir(), "numadesk-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The saver the kill test kills, bundled once into plain JavaScript (the real saveLayoutFile and
// schema, zod inside), so each of the 12 starts is a plain node start, not a tsx compile.
const saver = join(dir, "save-loop.mjs");
beforeAll(() => {
  buildSync({ entryPoints: [join(import.meta.dirname, "fixtures/save-loop.ts")], bundle: true, platform: "node", format: "esm", target: "node20", outfile: saver, logLevel: "warning" });
});

describe("layout files", () => {
  it("keeps the previous good version as .bak and names it when the file is corrupt", () => {
    const file = join(dir, "a.numadesk.json");
    const first = { ...emptyLayout("1G"), title: "first" };
    saveLayoutFile(file, first);
    saveLayoutFile(file, { ...emptyLayout("2G"), title: "second" });
    expect(loadLayoutFile(file).title).toBe("second");
    expect(loadLayoutFile(backupPath(file)).title).toBe("first");
    writeFileSync(file, '{"version": 1, "memory": {"si'); // truncated, as after a crash of another program
    expect(() => loadLayoutFile(file)).toThrow(LayoutFileError);
    expect(() => loadLayoutFile(file)).toThrow(/previous good version is in .*a\.numadesk\.json\.bak/);
  });

  it("does not back up a corrupt file over a good backup", () => {
    const file = join(dir, "b.numadesk.json");
    saveLayoutFile(file, { ...emptyLayout("1G"), title: "good" });
    saveLayoutFile(file, { ...emptyLayout("1G"), title: "newer" });
    writeFileSync(file, "garbage");
    saveLayoutFile(file, { ...emptyLayout("1G"), title: "newest" });
    expect(loadLayoutFile(backupPath(file)).title).toBe("good");
  });

  it("killing a process in the middle of saving never leaves a corrupt file", async () => {
    const file = join(dir, "killed.numadesk.json");
    // a good file is there before the saver starts (it says "ready" before its first save, so
    // its start-up costs no save): each kill lands in a save that replaces a good file. Each child
    // used to save once before its ready, 2-2.5 s a trial at load 8 here.
    saveLayoutFile(file, { ...emptyLayout("1G"), title: "b" });
    for (let trial = 0; trial < 12; trial++) {
      const child = spawn(process.execPath, [saver, file], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      expect(existsSync(file)).toBe(true);
      const l = loadLayoutFile(file);
      expect(["a", "b"]).toContain(l.title);
    }
    // a kill can leave a temp file beside it; the next save removes it
    saveLayoutFile(file, emptyLayout("1G"));
    expect(
      readdirSync(dir)
        .filter((n) => n.startsWith("killed.numadesk.json"))
        .sort(),
    ).toEqual(["killed.numadesk.json", "killed.numadesk.json.bak"]);
  });
});
