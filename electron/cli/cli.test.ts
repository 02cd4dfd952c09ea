// The CLI as a user runs it: a real process, its exit code, stdout and stderr.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtCli } from "./fixtures/built-cli";

// the built CLI (dist/numadesk.js, rebuilt when stale): a plain node start instead of compiling
// the sources through tsx on every spawn
let bundle = "";
beforeAll(() => {
  bundle = builtCli();
}, 300_000);

const root = join(import.meta.dirname, "../..");
const seedFast = join(root, "shared/qemu/fixtures/seed-fast.sh");
const seedBase = join(root, "shared/qemu/fixtures/seed-baseline.sh");
const tmp = mkdtempSync(join(tmpdir(), "numadesk-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bundle, ...args], { cwd: root, encoding: "utf8", input, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `numadesk serve …` started for real: the layout the app would be handed (its /api/initialLayout), what serve printed, and a stop that returns its exit code. */
async function serveAndAsk(args: string[]) {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [bundle, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  for (let i = 0; i < 1200 && !out.includes("serving on"); i++) await new Promise((r) => setTimeout(r, 25));
  const url = new URL(/http:\/\/\S+/.exec(out)![0]);
  const res = await fetch(new URL("/api/initialLayout", url), { method: "POST", headers: { "Content-Type": "application/json", "X-Numadesk-Token": url.searchParams.get("token")! }, body: "{}" });
  const layout = JSON.parse(((await res.json()) as { result: { text: string } }).result.text);
  const stop = () => {
    child.kill("SIGTERM");
    return new Promise((r) => child.on("exit", r));
  };
  return { layout, out, stop };
}

function noStack(s: string) {
  expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe("numadesk CLI", () => {
  it("check: the seed's fast line on the seed host fails with the missing -smp and the console's stdio clash", () => {
    const r = run(["check", seedFast, "--sample", "bm-standard2-52"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error[NUMA002] -smp: the guest nodes name vCPUs 0-103, but there is no -smp");
    expect(r.err).toContain("fix: add -smp 104");
    expect(r.err).toMatch(/error\[NUMA045\] .*cannot use stdio by multiple character devices/);
    expect(r.err).toMatch(/2 errors, 0 warnings, 0 hints/);
  });

  it("check: with -smp 104 and -display none the fast line passes on the seed host and on its sysfs tree", () => {
    const file = join(tmp, "fast-smp.sh");
    writeFileSync(file, readFileSync(seedFast, "utf8").replace("-m 256G", "-m 256G -smp 104").replace("-nographic", "-display none"));
    expect(run(["check", file, "--sample", "bm-standard2-52"]).code).toBe(0);
    const r = run(["check", file, "--sysfs", join(root, "electron/probe/fixtures/sysfs-bm-standard2-52")]);
    expect(r.err).toMatch(/0 errors, 0 warnings, 0 hints/);
    expect(r.code).toBe(0);
  });

  it("check: points at the backend bound to a node this host lacks", () => {
    const r = run(["check", seedFast, "--sysfs", join(root, "electron/probe/fixtures/sysfs-this-vm-1node")]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error[NUMA010] -object memory-backend-ram,id=ram-node1: host node 1 does not exist on");
  });

  it("check: a parse problem names its element once (the label is not printed in front of it again)", () => {
    const file = join(tmp, "smp-zero.sh");
    writeFileSync(file, "qemu-system-x86_64 -machine q35 -m 1G -smp 8,cores=0\n");
    const r = run(["check", file, "--sample", "bm-standard2-52"]);
    expect(r.err).toMatch(/warning\[PARSE009\] \S+:1:\d+: -smp 8,cores=0: cores=0: QEMU 7\.2 takes 0 as not given/);
    expect(r.err.match(/-smp 8,cores=0:/g)).toHaveLength(1);
    noStack(r.err);
  });

  it("parse reads standard input and prints the layout", () => {
    const r = run(["parse", "-"], readFileSync(seedBase, "utf8"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("backend ram-node1: ram 128 GiB, bind to host node 1, preallocated by 8 threads");
  });

  it("parse --json gives the layout and diagnostics as JSON", () => {
    const r = run(["parse", "--json", seedFast]);
    const doc = JSON.parse(r.out);
    expect(doc.layout.backends).toHaveLength(2);
    expect(doc.diagnostics).toEqual([]);
  });

  it("export --format argv reproduces the seed's argv token for token", () => {
    const r = run(["export", seedFast, "--format", "argv"]);
    const argv = JSON.parse(r.out);
    const text = readFileSync(seedFast, "utf8").replace(/\\\n/g, " ");
    expect(argv).toEqual(text.split(/\s+/).filter(Boolean));
  });

  it("plan writes the seed's fast line with -smp 104 for the seed host", () => {
    const r = run(["plan", "--mem", "256G", "--vcpus", "104", "--threads", "16", "--sample", "bm-standard2-52"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("-numa node,nodeid=0,cpus=0-25,cpus=52-77,memdev=ram-node0");
    expect(r.out).toContain("-object memory-backend-ram,id=ram-node1,size=128G,host-nodes=1,policy=bind,prealloc=on,prealloc-context=tc1,prealloc-threads=8");
    expect(r.out).toContain("-smp 104");
  });

  it("plan --format json then check gives a clean layout file", () => {
    const file = join(tmp, "plan.numadesk.json");
    const r = run(["plan", "--mem", "8G", "--vcpus", "8", "--threads", "4", "--sample", "bm-standard2-52", "--format", "json"]);
    writeFileSync(file, r.out);
    expect(run(["check", file, "--sample", "bm-standard2-52"]).code).toBe(0);
  });

  it("export of a layout at the schema's extreme (4096 backends and guest nodes) refuses the line formats, which could not be pasted back, and writes JSON", () => {
    const layout = {
      version: 2,
      memory: { size: "4096M" },
      smp: { cpus: 1 },
      nodes: Array.from({ length: 4096 }, (_, i) => ({ nodeid: i, memdev: `m${i}` })),
      distances: [],
      threadContexts: [],
      backends: Array.from({ length: 4096 }, (_, i) => ({ id: `m${i}`, type: "ram", size: "1M", hostNodes: "0", policy: "bind", prealloc: true })),
      args: [],
    };
    const file = join(tmp, "extreme.numadesk.json");
    writeFileSync(file, JSON.stringify(layout));
    for (const format of ["qemu", "sh", "argv", "launch"]) {
      const r = run(["export", file, "--format", format]);
      expect(r.code, format).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toContain(
        `--format ${format}: this layout's command line has 16389 words, more than the 10000 Numadesk reads back from a paste, so it could not be imported again: save the layout as a file (layout JSON keeps every element), or make it smaller; --format json writes it`,
      );
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const json = run(["export", file, "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).backends).toHaveLength(4096);
  });

  it("export --format libvirt lists what libvirt cannot express on stderr", () => {
    const r = run(["export", seedFast, "--format", "libvirt"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("<allocation mode='immediate' threads='8'/>");
    expect(r.err).toMatch(/note: libvirt cannot express explicit thread-contexts/);
  });

  it("export --format libvirt of a layout with errors warns on stderr and names them", () => {
    const r = run(["export", seedFast, "--format", "libvirt"]);
    expect(r.err).toMatch(/warning: the layout has 2 errors; the libvirt XML/);
    expect(r.err).toContain("error[NUMA002] -smp: the guest nodes name vCPUs 0-103, but there is no -smp");
    const file = join(tmp, "fast-smp-libvirt.sh");
    writeFileSync(file, readFileSync(seedFast, "utf8").replace("-m 256G", "-m 256G -smp 104").replace("-nographic", "-display none"));
    const ok = run(["export", file, "--format", "libvirt"]);
    expect(ok.code).toBe(0);
    expect(ok.err).not.toMatch(/warning/);
    expect(ok.out).toContain("<vcpu placement='static'>104</vcpu>");
  });

  it("topo --format numactl prints the seed host as numactl would", () => {
    const r = run(["topo", "--sample", "bm-standard2-52", "--format", "numactl"]);
    expect(r.out.split("\n").slice(0, 2)).toEqual(["available: 2 nodes (0-1)", `node 0 cpus: ${[...Array(26).keys(), ...Array.from({ length: 26 }, (_, i) => 52 + i)].join(" ")}`]);
    expect(r.out).toContain("node   0   1 \n  0:  10  21 \n  1:  21  10 \n");
  });

  it("plans and checks for the lab's virtual machine with --lab", () => {
    const r = run(["plan", "--mem", "256M", "--vcpus", "2", "--threads", "2", "--nodes", "1", "--lab", "2"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("-object thread-context,id=tc1,node-affinity=1");
    const file = join(tmp, "lab-plan.sh");
    writeFileSync(file, r.out);
    expect(run(["check", file, "--lab", "2"]).code).toBe(0);
    const four = run(["check", file, "--lab", "4"]);
    expect(four.code).toBe(0);
    expect(run(["check", file, "--lab", "3"]).code).toBe(2);
  });

  it("usage errors exit 2 with one clear line", () => {
    for (const args of [
      ["frobnicate"],
      ["plan", "--mem", "1G"],
      ["topo", "--format", "xml"],
      ["check", seedFast, "--sample", "a", "--sysfs", "b"],
      ["plan", "--mem", "1G", "--vcpus", "two", "--threads", "1"],
    ]) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(/^numadesk: /);
      noStack(r.err);
    }
  });

  it("bad input exits 1 with a message that says what to do, never a stack trace", () => {
    const badJson = join(tmp, "bad.numadesk.json");
    writeFileSync(badJson, '{"version": 1, "memory": {"size": "lots"}, "nodes": [], "distances": [], "threadContexts": [], "backends": [], "args": []}');
    const cases = [
      run(["check", "/nonexistent/file"]),
      run(["check", tmp]),
      run(["topo", "--sample", "no-such-host"]),
      run(["topo", "--sysfs", "/nonexistent"]),
      run(["topo", "--topo", seedFast]),
      run(["export", badJson, "--format", "qemu"]),
      run(["export", "-", "--format", "qemu"], 'qemu -object \'{"qom-type":'),
    ];
    for (const r of cases) {
      expect(r.code).toBe(1);
      expect(r.err.length).toBeGreaterThan(10);
      noStack(r.err);
    }
    expect(cases[2]!.err).toContain("samples: bm-standard2-52");
    expect(cases[5]!.err).toContain("$.memory.size");
  });
});

describe("numadesk serve", () => {
  it("prints a token URL on loopback, warns when asked to listen elsewhere, and stops on SIGTERM", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [bundle, "serve", "--port", "0", "--host", "0.0.0.0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    for (let i = 0; i < 1200 && !out.includes("serving on"); i++) await new Promise((r) => setTimeout(r, 25));
    expect(out).toMatch(/Numadesk is serving on http:\/\/0\.0\.0\.0:\d+\/\?token=[\w-]{32}/);
    expect(err).toMatch(/warning: serving on 0\.0\.0\.0 lets other machines reach Numadesk/);
    child.kill("SIGTERM");
    expect(await new Promise((r) => child.on("exit", r))).toBe(0);
  });

  it("serve FILE --sample NAME hands the app that layout on that target; a wrong target is said at once", async () => {
    const served = await serveAndAsk(["serve", seedFast, "--sample", "bm-standard2-52", "--port", "0"]);
    expect(served.layout.target).toEqual({ kind: "sample", name: "bm-standard2-52" });
    expect(served.layout.backends.map((b: { id: string }) => b.id)).toEqual(["ram-node0", "ram-node1"]);
    expect(await served.stop()).toBe(0);
    const bad = run(["serve", seedFast, "--sample", "nosuch"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/there is no sample host 'nosuch'/);
  });

  it("serve --sample NAME without FILE opens a new layout on that target; a wrong one is said at once", async () => {
    const bad = run(["serve", "--sample", "nosuch"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/there is no sample host 'nosuch'/);
    const served = await serveAndAsk(["serve", "--sample", "epyc-7451-8node", "--port", "0"]);
    expect(served.layout.target).toEqual({ kind: "sample", name: "epyc-7451-8node" });
    expect(served.layout.backends).toEqual([]);
    expect(served.out).toContain("it opens a new layout on epyc-7451-8node\n");
    expect(await served.stop()).toBe(0);
  });

  it("refuses a bad port with a usage error", () => {
    const r = run(["serve", "--port", "99999"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--port takes a port number/);
  });
});
