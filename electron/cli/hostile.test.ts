// Hostile inputs found by attacking the CLI as a user runs it (a real process, real files):
// each case printed something it must not (a terminal escape from the file, a whole 200 KB
// line of the input) or refused what QEMU 7.2 accepts.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtCli } from "./fixtures/built-cli";

const root = join(import.meta.dirname, "../..");
// the CLI as users run it (about 0.2 s a start, where tsx compiled the sources on every one)
let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);
const tmp = mkdtempSync(join(tmpdir(), "numadesk-hostile-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bundle, ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

// OSC 0 sets the terminal's title; CSI 2J clears the screen; U+202E reverses what follows.
const TITLE = "\u001b]0;pwned\u0007";
const CLEAR = "\u001b[2J";
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/;

describe("hostile input reaching the terminal", () => {
  it("a line of a topology text with an escape sequence is quoted escaped, and a 200 KB line is cut", () => {
    const r = run(["topo", "--from", "lscpu-p", file("esc.lscpu", `0,0,0,0,,0,0,0,0\n${TITLE}\n`)]);
    expect(r.code).toBe(1);
    expect(r.err).not.toMatch(RAW);
    expect(r.err).toContain("\\x1b]0;pwned\\x07");
    const long = run(["topo", "--from", "lscpu-p", file("long.lscpu", "[".repeat(200_000) + "\n")]);
    expect(long.code).toBe(1);
    expect(long.err.length).toBeLessThan(2_000);
    expect(long.err).toContain("…");
  });

  it("a topology text read from a FIFO is called a topology text, not a layout", () => {
    const r = run(["topo", "--from", "numactl", "/dev/zero"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a numactl --hardware output|give a regular file/);
    expect(r.err).not.toContain("layout file");
  });

  it("parse of binary garbage and of a layout title with escapes prints no control character", () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 151 + 7) % 256;
    const p = join(tmp, "garbage.bin");
    writeFileSync(p, bytes);
    const g = run(["parse", p]);
    expect(g.out + g.err).not.toMatch(RAW);
    const line = file("title.sh", `qemu-system-x86_64 -m 512M -name '${CLEAR}x' -writeconfig '${TITLE}'\n`);
    const t = run(["parse", line]);
    expect(t.code).toBe(0);
    expect(t.out).toContain("other options");
    expect(t.out).not.toMatch(RAW);
  });

  it("a saved topology whose name and description hold escapes is refused with the field named", () => {
    const sample = JSON.parse(run(["topo", "--sample", "cxl-4node", "--format", "json"]).out);
    const evil = file("evil-topo.json", JSON.stringify({ ...sample, name: `${TITLE}EVIL`, description: `${CLEAR}\u202edesc` }));
    for (const args of [
      ["topo", "--topo", evil],
      ["check", file("t.sh", "qemu-system-x86_64 -m 512M\n"), "--topo", evil],
    ]) {
      const r = run(args);
      expect(r.code).toBe(1);
      expect(r.out + r.err).not.toMatch(RAW);
      expect(r.err).toMatch(/name/);
    }
  });

  it("a topology text named by a file name with an escape gets a printable name", () => {
    const numactl = readFileSync(join(root, "shared/topology/import/fixtures", "numactl-this-vm.txt"), "utf8");
    const r = run(["topo", "--from", "numactl", file(`${TITLE}.txt`, numactl)]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(RAW);
  });
});

describe("hostile values QEMU 7.2 judges", () => {
  it("prealloc-threads=999999 is what QEMU 7.2 accepts (it clamps), 4294967296 is what it refuses", () => {
    // QEMU 7.2: prealloc-threads=999999 starts (QMP greeting); 4294967296: "Parameter 'prealloc-threads' expects uint32_t"
    const ok = run(["parse", file("t999999.sh", "qemu-system-x86_64 -m 512M -smp 2 -object memory-backend-ram,id=m0,size=512M,prealloc=on,prealloc-threads=999999 -numa node,memdev=m0\n")]);
    expect(ok.err).not.toMatch(/error\[/);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/preallocated by \d+ threads? \(asks 999999\)/);
    const big = run(["parse", file("t2e32.sh", "qemu-system-x86_64 -m 512M -smp 2 -object memory-backend-ram,id=m0,size=512M,prealloc=on,prealloc-threads=4294967296 -numa node,memdev=m0\n")]);
    expect(big.code).toBe(1);
    expect(big.err).toMatch(/prealloc-threads/);
  });

  it("a JSON array given as a layout is called JSON that is not a layout", () => {
    const r = run(["check", file("deep.json", "[".repeat(100_000) + "]".repeat(100_000))]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/LOAD00\d/);
    expect(r.err).not.toContain("qemu.binary");
    expect(r.err.length).toBeLessThan(2_000);
  });

  it("plan's counts: a number too large says so, and a value starting with '-' says how to write it (not node's 'ambiguous')", () => {
    const big = run(["plan", "--sample", "bm-standard2-52", "--mem", "16G", "--vcpus", "99999999999", "--threads", "4"]);
    expect(big.code).toBe(2);
    expect(big.err).toContain("--vcpus 99999999999 is too large");
    const dash = run(["plan", "--sample", "bm-standard2-52", "--mem", "16G", "--vcpus", "8", "--threads", "-1"]);
    expect(dash.code).toBe(2);
    expect(dash.err).toContain("write --threads=-1");
    expect(run(["plan", "--sample", "bm-standard2-52", "--mem", "16G", "--vcpus", "8", "--threads=-1"]).err).toContain("--threads takes a whole number, not '-1'");
  });
});
