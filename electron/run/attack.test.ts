// Playing the attacker: layout files and command lines someone else wrote, run for real with
// the installed QEMU against bait files in a temp folder. Whatever a shared layout says, a run
// may shape memory and NUMA and nothing else: the bait stays as it was, no marker appears,
// no process or folder is left, and a failed start never blocks the next run.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSysfs } from "../probe/sysfs";
import { planLayout } from "../../shared/plan/planner";
import { loadLayoutText, loadLayoutValue } from "../../shared/layout/load";
import { parseCommandLine } from "../../shared/qemu/parse";
import { runDirsLeft, runPrealloc, RunRefused } from "../qemu/launch";
import type { Layout } from "../../shared/layout/schema";
import { builtCli } from "../cli/fixtures/built-cli";

// the built CLI (dist/numadesk.js, rebuilt when stale): a plain node start instead of compiling
// the sources through tsx on every spawn
let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);

const host = readSysfs();
const root = join(import.meta.dirname, "../..");
const bait = mkdtempSync(join(tmpdir(), "numadesk-bait-"));
// /dev/shm is tmpfs: the one place a file backend may point to at all
const shmBait = mkdtempSync("/dev/shm/numadesk-bait-");
afterAll(() => {
  rmSync(bait, { recursive: true, force: true });
  rmSync(shmBait, { recursive: true, force: true });
});

const MARKER = join(bait, "MARKER");
const BAIT = join(bait, "bait.txt");
const SHM_BAIT = join(shmBait, "ram.img");
const MiB = 1024 * 1024;

interface Snapshot {
  hash: string;
  size: number;
  mtimeMs: number;
}
const snap = (path: string): Snapshot => {
  const st = statSync(path);
  return { hash: createHash("sha256").update(readFileSync(path)).digest("hex"), size: st.size, mtimeMs: st.mtimeMs };
};
let before: { bait: Snapshot; shm: Snapshot };

beforeEach(() => {
  writeFileSync(BAIT, "the user's precious file\n");
  writeFileSync(SHM_BAIT, Buffer.alloc(128 * MiB, 0x5a));
  before = { bait: snap(BAIT), shm: snap(SHM_BAIT) };
});

function qemuOfRuns(): string[] {
  try {
    return execFileSync("pgrep", ["-af", `${tmpdir()}/numadesk-run-`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter((l) => l.includes("qemu-system"));
  } catch {
    return [];
  }
}

afterEach(() => {
  expect(existsSync(MARKER)).toBe(false);
  expect(snap(BAIT)).toEqual(before.bait);
  expect(snap(SHM_BAIT)).toEqual(before.shm);
  expect(readdirSync(bait).sort()).toEqual(["bait.txt"]);
  expect(qemuOfRuns()).toEqual([]);
  expect(runDirsLeft()).toEqual([]);
});

function plan(backend: "ram" | "memfd" = "ram"): Layout {
  const r = planLayout(host, { mem: "128M", vcpus: 1, threads: 2, backend });
  if (!r.ok) throw new Error(r.diagnostics[0]!.message);
  return r.layout;
}

/** A layout file as someone would hand it over: JSON text, loaded the way the CLI and the app load it. */
function handedOver(edit: (doc: Record<string, unknown>) => void): ReturnType<typeof loadLayoutText> {
  const doc = JSON.parse(JSON.stringify(plan())) as Record<string, unknown>;
  edit(doc);
  return loadLayoutText(JSON.stringify(doc));
}

describe("a layout file cannot smuggle options into a run", () => {
  it("a passthrough entry that carries further options is refused when the file is loaded", () => {
    const r = handedOver((d) => (d.args = [{ tokens: ["-numa", "cpu,node-id=0,socket-id=0", "-incoming", `exec:touch ${MARKER}`] }]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0]!.message).toMatch(/\$\.args\[0\]\.tokens/);
  });

  it("an element whose origin names another option is refused when the file is loaded", () => {
    const r = handedOver((d) => (d.machine = { type: "q35", origin: { at: 0, tokens: ["-pidfile", BAIT] } }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((x) => x.message).join(" ")).toMatch(/must be -machine or -M/);
  });

  it("a single passthrough -incoming exec: is left out of the run and reported; the run still works", async () => {
    const r = handedOver((d) => (d.args = [{ tokens: ["-incoming", `exec:touch ${MARKER}`] }, { tokens: ["-pidfile", BAIT] }]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rec = await runPrealloc(r.layout, { host });
    expect(rec.outcome).toBe("ok");
    expect(rec.argv.join(" ")).not.toMatch(/incoming|pidfile|MARKER|bait/);
    expect(rec.dropped).toEqual([expect.stringMatching(/^-incoming exec:touch .*MARKER \(/), expect.stringMatching(/^-pidfile .*bait\.txt \(/)]);
  });

  it("origin text that says more than the element is never what a run launches", async () => {
    const layout = plan();
    layout.machine = { type: "q35", origin: { at: 0, tokens: ["-machine", `q35,dumpdtb=${BAIT}`] } };
    layout.backends[0]!.origin = { at: 1, tokens: ["-object", `memory-backend-file,id=ram-node0,size=128M,mem-path=${BAIT},share=on,discard-data=on`] };
    expect(loadLayoutValue(layout).ok).toBe(true);
    const rec = await runPrealloc(layout, { host });
    expect(rec.outcome).toBe("ok");
    expect(rec.argv.join(" ")).not.toMatch(/dumpdtb|mem-path|share|discard|bait/);
  });

  it("unknown properties on modelled elements are left out and listed", async () => {
    const layout = plan();
    layout.machine = { type: "q35", extra: { dumpdtb: BAIT } };
    layout.name = { debugThreads: true, extra: { process: "x" } };
    layout.backends[0]!.extra = { "discard-data": true, merge: false };
    const rec = await runPrealloc(layout, { host });
    expect(rec.outcome).toBe("ok");
    expect(rec.argv.join(" ")).toContain("merge=off");
    expect(rec.argv.join(" ")).not.toMatch(/dumpdtb|process=|discard/);
    expect(rec.dropped).toEqual(
      expect.arrayContaining([expect.stringMatching(/^-machine: dumpdtb=.*bait\.txt \(/), expect.stringMatching(/^-name: process=x \(/), expect.stringMatching(/discard-data=true \(/)]),
    );
  });

  it("an I/O thread runs with its id only; an id that smuggles properties stays one id, and a taskset is never launched", async () => {
    const layout = plan();
    layout.iothreads = [{ id: "io0", extra: { "poll-max-ns": "0", "mem-path": BAIT } }, { id: `x,mem-path=${BAIT}` }];
    layout.pinning = { process: { hostCpus: "0", words: ["taskset", "-c", `0 touch ${MARKER}`] } };
    const rec = await runPrealloc(layout, { host, force: true });
    // QEMU refuses the odd id (ids are letters, digits, -, ., _), and nothing else happens
    expect(rec.argv.join(" ")).not.toMatch(/taskset|MARKER|(?<!,),mem-path=/);
    expect(rec.outcome).toBe("failed");
    expect(rec.stderr).toMatch(/Parameter 'id' expects an identifier/);
    expect(rec.argv).toContain("iothread,id=io0");
    expect(rec.argv).toContain(`iothread,id=x,,mem-path=${BAIT}`);
    expect(rec.dropped).toEqual(
      expect.arrayContaining([expect.stringMatching(/^-object iothread,id=io0: poll-max-ns=0 \(/), expect.stringMatching(/^-object iothread,id=io0: mem-path=.*bait\.txt \(/)]),
    );
  });

  it("a command line pasted with -incoming, -pidfile, -drive and -chardev file runs without them, and check warns about each", async () => {
    const line = `qemu-system-x86_64 -name debug-threads=on -m 128M -smp 1 -numa node,nodeid=0,cpus=0,memdev=m0
      -object memory-backend-ram,id=m0,size=128M,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2
      -incoming 'exec:touch ${MARKER}' -pidfile ${BAIT} -drive file=${BAIT},format=raw -chardev file,id=c0,path=${BAIT} -serial file:${BAIT}`;
    const { layout, diagnostics } = parseCommandLine(line);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const { checkLayout } = await import("../../shared/validate/check");
    const risks = checkLayout(layout, { host }).filter((d) => d.code.startsWith("RISK"));
    expect(risks.map((d) => d.code)).toEqual(["RISK001", "RISK002", "RISK002", "RISK002", "RISK002"]);
    const rec = await runPrealloc(layout, { host });
    expect(rec.outcome).toBe("ok");
    expect(rec.dropped).toHaveLength(5);
  });
});

describe("file backends in runs", () => {
  const fileLayout = (memPath: string, extra: Record<string, unknown> = {}): Layout => {
    const layout = plan();
    Object.assign(layout.backends[0]!, { type: "file", memPath, share: true, extra: { "discard-data": true, ...extra } });
    return layout;
  };

  it("an existing file outside hugetlbfs/tmpfs is refused, override or not", async () => {
    for (const allowMemPaths of [[], [BAIT]]) {
      const err = await runPrealloc(fileLayout(BAIT), { host, allowMemPaths }).catch((e) => e);
      expect(err).toBeInstanceOf(RunRefused);
      expect((err as Error).message).toMatch(/not hugetlbfs or tmpfs/);
    }
  });

  it("an existing file on tmpfs is refused unless the user names it; named, it runs without share and discard-data", async () => {
    const err = await runPrealloc(fileLayout(SHM_BAIT), { host }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as Error).message).toMatch(/is an existing file .*--allow-mem-path/);
    const rec = await runPrealloc(fileLayout(SHM_BAIT), { host, allowMemPaths: [SHM_BAIT] });
    expect(rec.outcome).toBe("ok");
    expect(rec.argv.join(" ")).not.toMatch(/share=|discard-data/);
    expect(rec.dropped.join("\n")).toMatch(/share=on[\s\S]*discard-data=true/);
  });

  it("a path that does not exist is refused (QEMU would leave a file behind)", async () => {
    const err = await runPrealloc(fileLayout(join(shmBait, "new.img")), { host }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as Error).message).toMatch(/does not exist: QEMU would create/);
    expect(existsSync(join(shmBait, "new.img"))).toBe(false);
  });

  it("a folder on tmpfs is accepted and left empty", async () => {
    const folder = join(shmBait, "dir");
    mkdirSync(folder, { recursive: true });
    const rec = await runPrealloc(fileLayout(folder), { host });
    expect(rec.outcome).toBe("ok");
    expect(readdirSync(folder)).toEqual([]);
  });

  it("a symbolic link to the bait counts as the bait", async () => {
    const { symlinkSync } = await import("node:fs");
    const link = join(shmBait, "link");
    rmSync(link, { force: true });
    symlinkSync(BAIT, link);
    const err = await runPrealloc(fileLayout(link), { host }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as Error).message).toMatch(/not hugetlbfs or tmpfs/);
  });
});

describe("starting runs", () => {
  it("three starts at the same moment: exactly one runs, the others are told another run is going", async () => {
    const results = await Promise.allSettled([0, 1, 2].map(() => runPrealloc(plan("memfd"), { host })));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    // the first may finish before a later one counts: then that one runs too, after it
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/another preallocation run is going/);
    expect(ok.length + refused.length).toBe(3);
  });

  it("two CLI processes started together never both launch while the other runs", async () => {
    const file = join(bait, "..", `${Date.now()}-big.numadesk.json`);
    const r = planLayout(host, { mem: "768M", vcpus: 1, threads: 1, backend: "memfd" });
    if (!r.ok) throw new Error("plan");
    writeFileSync(file, JSON.stringify(r.layout));
    try {
      const { spawn } = await import("node:child_process");
      const start = () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const c = spawn(process.execPath, [bundle, "run", file, "--no-save", "--json"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
          let out = "";
          c.stdout.on("data", (b) => (out += b));
          c.stderr.on("data", (b) => (out += b));
          c.on("exit", (code) => resolve({ code, out }));
        });
      const both = await Promise.all([start(), start()]);
      const ran = both.filter((b) => b.code === 0).map((b) => JSON.parse(b.out.slice(b.out.indexOf("{"))) as { startedAt: string; timings: { totalMs: number } });
      if (ran.length === 2) {
        // both ran: then one after the other, never overlapping
        const [a, b] = ran.map((x) => [Date.parse(x.startedAt), Date.parse(x.startedAt) + x.timings.totalMs] as const).sort((x, y) => x[0] - y[0]);
        expect(b![0]).toBeGreaterThanOrEqual(a![1] - 5);
      } else {
        expect(ran).toHaveLength(1);
        expect(both.find((b) => b.code !== 0)!.out).toMatch(/another preallocation run is going/);
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("a run folder another user planted, with a live owner, is not counted or touched", async () => {
    const { chownSync, mkdirSync: mk } = await import("node:fs");
    const planted = join(tmpdir(), "numadesk-run-planted-by-someone");
    mk(planted, { recursive: true });
    writeFileSync(join(planted, "owner"), JSON.stringify({ pid: 1, token: "x", bytes: 1, startedAt: "" }));
    chownSync(planted, 65534, 65534); // nobody
    try {
      const rec = await runPrealloc(plan(), { host });
      expect(rec.outcome).toBe("ok");
      expect(existsSync(join(planted, "owner"))).toBe(true);
    } finally {
      rmSync(planted, { recursive: true, force: true });
    }
  });

  it("a start that fails after registering does not block the next run", async () => {
    // QEMU preallocates this and then refuses it while setting up the machine
    const layout = parseCommandLine(`qemu-system-x86_64 -name debug-threads=on -m 128M -smp 1 -machine q35,memory-backend=m0
      -numa node,nodeid=0,cpus=0,memdev=m0 -object memory-backend-ram,id=m0,size=128M,prealloc=on,prealloc-threads=2`).layout;
    const bad = await runPrealloc(layout, { host, skipCheck: true });
    expect(bad.outcome).toBe("failed");
    const good = await runPrealloc(plan(), { host });
    expect(good.outcome).toBe("ok");
  });
});

describe("hostile names reach QEMU as names", () => {
  it("guest names with = , and quotes: check reads them back, a run leaves odd ones out", async () => {
    const cases: Array<[string, string]> = [
      ["a=b", "debug-threads=on"],
      ["x,debug-threads=off", "debug-threads=on"],
      [",,", "debug-threads=on"],
      ["q'\"`$(touch MARKER)`", "debug-threads=on"],
      // a plain name is kept; with its leading '-' it is written with its key
      ["-incoming", "guest=-incoming,debug-threads=on"],
    ];
    for (const [guest, written] of cases) {
      const layout = plan();
      layout.name = { guest, debugThreads: true };
      const rec = await runPrealloc(layout, { host });
      expect(rec.outcome).toBe("ok");
      // debug-threads stayed on whatever the name says, and an odd name itself stayed out
      expect(rec.argv[rec.argv.indexOf("-name") + 1]).toBe(written);
      expect(rec.dropped).toEqual(written === "debug-threads=on" ? [expect.stringMatching(/^-name guest=.* \(a run passes only plain guest names\)$/)] : []);
    }
  });
});

describe("inputs that are not files", () => {
  const cli = (args: string[], stdin?: string | number) =>
    spawnSync(process.execPath, [bundle, ...args], {
      cwd: root,
      encoding: "utf8",
      timeout: 20_000,
      ...(typeof stdin === "number" ? { stdio: [stdin, "pipe", "pipe"] } : { input: stdin ?? "" }),
    });

  it("a FIFO, /dev/zero, a symlink loop, a 1 GB sparse file and a folder each get one line and exit 1", () => {
    const fifo = join(bait, "..", `numadesk-fifo-${process.pid}`);
    const loop = join(bait, "..", `numadesk-loop-${process.pid}`);
    const big = join(bait, "..", `numadesk-big-${process.pid}.json`);
    rmSync(fifo, { force: true });
    rmSync(loop, { force: true });
    execFileSync("mkfifo", [fifo]);
    execFileSync("ln", ["-s", loop, loop]);
    execFileSync("truncate", ["-s", "1G", big]);
    try {
      const cases: Array<[string[], RegExp]> = [
        [["check", fifo], /is a FIFO/],
        [["check", "/dev/zero"], /is a character device/],
        [["check", loop], /symbolic link that loops/],
        [["check", big], /is 1024 MiB, more than/],
        [["check", bait], /is a folder/],
        [["topo", "--from", "numactl", fifo], /is a FIFO/],
        [["check", join(root, "shared/qemu/fixtures/seed-fast.sh"), "--topo", "/dev/zero"], /is a character device/],
        [["runs", "show", "x", "--dir", bait], /there is no run 'x'/],
      ];
      for (const [args, message] of cases) {
        const t0 = Date.now();
        const r = cli(args);
        expect(r.status, args.join(" ") + r.stderr).toBe(1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
        expect(Date.now() - t0).toBeLessThan(15_000); // a hang detector, not a speed test
      }
    } finally {
      rmSync(fifo, { force: true });
      rmSync(loop, { force: true });
      rmSync(big, { force: true });
    }
  });

  it("/dev/zero on standard input is cut off at the limit", () => {
    const fd = openSync("/dev/zero", "r");
    try {
      const r = cli(["check", "-"], fd);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/standard input is larger than 16 MiB/);
    } finally {
      closeSync(fd);
    }
  });

  it("reading /dev/zero through the input reader keeps this process's memory bounded", async () => {
    const { readInputText } = await import("../cli/input");
    const rss = process.memoryUsage().rss;
    for (let i = 0; i < 5; i++) expect(() => readInputText("/dev/zero")).toThrow(/character device/);
    const { readBounded } = await import("../files/read-bounded");
    expect(() => readBounded("/proc/self/maps", 16)).toThrow(/larger than 16 bytes/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MiB);
  });
});
