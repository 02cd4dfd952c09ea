import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbeError, readSysfs } from "./sysfs";
import { formatNumactl } from "../../shared/topology/format";
import { topologySchema } from "../../shared/topology/schema";

const fixtures = join(import.meta.dirname, "fixtures");

describe("reading sysfs", () => {
  it("reads the seed host's 2-node tree: CPUs per node, SMT siblings n and n+52, distances", () => {
    const t = readSysfs({ root: join(fixtures, "sysfs-bm-standard2-52") });
    expect(t.nodes.map((n) => n.cpus.length)).toEqual([52, 52]);
    expect(t.nodes[0]!.cpus.slice(24, 28)).toEqual([24, 25, 52, 53]);
    expect(t.cpus.find((c) => c.id === 30)).toMatchObject({ node: 1, socket: 1, siblings: [30, 82], online: true });
    expect(t.distances).toEqual([
      [10, 21],
      [21, 10],
    ]);
    expect(t.nodes[1]!.memTotal).toBe(396_345_812 * 1024);
    expect(topologySchema.safeParse(t).success).toBe(true);
  });

  it("reads a 4-node tree with a memory-only node, an offline CPU and huge pages", () => {
    const t = readSysfs({ root: join(fixtures, "sysfs-4node-cxl") });
    expect(t.nodes.map((n) => n.id)).toEqual([0, 1, 2, 3]);
    expect(t.nodes[3]!.cpus).toEqual([]);
    expect(t.cpus.find((c) => c.id === 23)).toMatchObject({ online: false, node: 2, socket: 1 });
    expect(t.nodes[0]!.hugepages).toEqual([
      { pageSize: 2 * 2 ** 20, total: 1024, free: 1000, surplus: 0 },
      { pageSize: 2 ** 30, total: 0, free: 0, surplus: 0 },
    ]);
    expect(t.distances[3]).toEqual([30, 30, 28, 10]);
  });

  it("reads a captured copy of a real 1-node VM", () => {
    const t = readSysfs({ root: join(fixtures, "sysfs-this-vm-1node") });
    expect(t.nodes).toHaveLength(1);
    expect(t.cpus.map((c) => c.id)).toEqual([0, 1]);
    expect(t.nodes[0]!.memTotal).toBeGreaterThan(0);
  });

  it("treats a kernel without node/ as one node holding every CPU", () => {
    const dir = mkdtempSync(join(tmpdir(), "numadesk-sysfs-"));
    try {
      execFileSync("cp", ["-r", join(fixtures, "sysfs-this-vm-1node/devices"), dir]);
      rmSync(join(dir, "devices/system/node"), { recursive: true });
      const t = readSysfs({ root: dir, procMeminfo: "/proc/meminfo" });
      expect(t.nodes).toEqual([expect.objectContaining({ id: 0, cpus: [0, 1] })]);
      expect(t.nodes[0]!.memTotal).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says what a sysfs copy must contain when the folder is wrong", () => {
    expect(() => readSysfs({ root: "/nonexistent" })).toThrow(ProbeError);
    expect(() => readSysfs({ root: "/nonexistent" })).toThrow(/devices\/system\/cpu/);
  });

  it("reads this machine's real /sys the way numactl --hardware does", () => {
    const t = readSysfs();
    expect(t.nodes.length).toBeGreaterThan(0);
    expect(t.cpus.filter((c) => c.online).length).toBeGreaterThan(0);
    if (!existsSync("/usr/bin/numactl")) return; // .ci/run installs numactl; locally it may be absent
    const real = execFileSync("numactl", ["--hardware"], { encoding: "utf8" });
    const ours = formatNumactl(t);
    const stable = (s: string) => s.split("\n").filter((l) => !/ free: /.test(l));
    expect(stable(ours)).toEqual(stable(real));
  });
});

describe("damaged sysfs copies", () => {
  // One copy for all cases, each case's edits undone from the fixture afterwards: copying the
  // 228 files afresh per case took 1.3 s a case at load 8 here (68 s for 40 cases, over the
  // 60 s limit); restoring the few edited files costs milliseconds. Same cases, fixed seed.
  it("property: a copy with random files overwritten gives a topology or a ProbeError, nothing else", async () => {
    const { default: fc } = await import("fast-check");
    const { readdirSync, readFileSync, statSync, writeFileSync, copyFileSync, cpSync } = await import("node:fs");
    const base = mkdtempSync(join(tmpdir(), "numadesk-fuzz-"));
    const src = join(fixtures, "sysfs-4node-cxl");
    const all: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else all.push(p.slice(src.length + 1));
      }
    };
    walk(src);
    const dir = join(base, "sys");
    cpSync(src, dir, { recursive: true });
    let cases = 0;
    try {
      fc.assert(
        fc.property(
          fc.array(
            fc.tuple(
              fc.constantFrom(...all),
              fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("-1\n", "99999999999\n", "0-70000\n", "\n", "5-2\n", "10 20 30\n", "Node 0 MemTotal: 9999999999999999999 kB\n")),
            ),
            { minLength: 1, maxLength: 6 },
          ),
          (edits) => {
            cases++;
            for (const [file, content] of edits) writeFileSync(join(dir, file), content);
            try {
              const t = readSysfs({ root: dir });
              expect(topologySchema.safeParse(t).success).toBe(true);
            } catch (e) {
              expect(e).toBeInstanceOf(ProbeError);
            } finally {
              for (const [file] of edits) copyFileSync(join(src, file), join(dir, file));
            }
          },
        ),
        { numRuns: 40, seed: 20261126 },
      );
      // every case started from the whole fixture: the copy is the fixture again
      for (const f of all) expect(readFileSync(join(dir, f), "utf8"), f).toBe(readFileSync(join(src, f), "utf8"));
      expect(cases).toBe(40);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe("a hostile copy of sysfs", () => {
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), "numadesk-sysfs-hostile-"));
    execFileSync("cp", ["-r", join(fixtures, "sysfs-bm-standard2-52", "devices"), dir]);
    return dir;
  };

  it.each([
    ["a FIFO as an attribute", (f: string) => execFileSync("mkfifo", [f]), /is a FIFO/],
    ["/dev/zero linked in as an attribute", (f: string) => execFileSync("ln", ["-s", "/dev/zero", f]), /leads outside the copy \(to \/dev\/zero\)/],
    ["a symlink loop", (f: string) => execFileSync("ln", ["-s", f, f]), /symbolic link that loops/],
    ["a 1 GB attribute", (f: string) => execFileSync("truncate", ["-s", "1G", f]), /more than a sysfs attribute can be/],
  ])("%s gives a one-line error at once", (_what, plant, message) => {
    const dir = copy();
    try {
      const file = join(dir, "devices/system/node/node1/meminfo");
      rmSync(file);
      plant(file);
      const t0 = Date.now();
      expect(() => readSysfs({ root: dir })).toThrow(ProbeError);
      expect(() => readSysfs({ root: dir })).toThrow(message);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
