// A saved shell script or launch script pasted back gives the layout back: the same QEMU
// arguments, the same pins, the same script when exported again. Over every sample layout:
// the command-line fixtures, the layout files, and plans on every sample host in every pin mode.

import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "./parse";
import { generateArgs, generateScript, generateShellLine } from "./generate";
import { exportLaunchScript } from "../export/launch-script";
import { vcpuHostSets, emulatorHostSet } from "../pin/resolve";
import { planLayout } from "../plan/planner";
import { loadLayoutText } from "../layout/load";
import { topologySchema } from "../topology/schema";
import { scriptCommand } from "./script-command";
import type { Layout } from "../layout/schema";

const root = join(import.meta.dirname, "../..");
const lineDir = join(import.meta.dirname, "fixtures");
const layoutDir = join(import.meta.dirname, "../layout/fixtures");
const hostsDir = join(root, "assets/hosts");

function sampleLayouts(): Array<[string, Layout]> {
  const out: Array<[string, Layout]> = [];
  for (const f of readdirSync(lineDir).filter((x) => /\.(sh|args)$/.test(x))) out.push([f, parseCommandLine(readFileSync(join(lineDir, f), "utf8")).layout]);
  for (const f of readdirSync(layoutDir).filter((x) => x.endsWith(".json"))) {
    const r = loadLayoutText(readFileSync(join(layoutDir, f), "utf8"));
    if (!r.ok) throw new Error(`${f} does not load`);
    out.push([f, r.layout]);
  }
  for (const f of readdirSync(hostsDir).filter((x) => x.endsWith(".json"))) {
    const host = topologySchema.parse(JSON.parse(readFileSync(join(hostsDir, f), "utf8")));
    for (const pin of ["none", "node", "cpu"] as const) {
      const r = planLayout(host, { mem: "8G", vcpus: 8, threads: 8, pin, ...(pin === "node" ? { reserve: [0] } : {}) });
      if (!r.ok) throw new Error(`${f} --pin ${pin}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
      out.push([`plan on ${f} --pin ${pin}`, r.layout]);
    }
  }
  return out;
}

const samples = sampleLayouts();
const errors = (text: string) => parseCommandLine(text).diagnostics.filter((d) => d.severity === "error");

describe("a saved script pastes back into the layout it was saved from", () => {
  it("covers every kind of sample", () => {
    expect(samples.length).toBeGreaterThanOrEqual(6 + 3 + 15);
    // the plans pin: a launch script with lists in it is among them
    expect(samples.some(([, l]) => (l.pinning?.vcpus?.length ?? 0) > 0)).toBe(true);
  });

  it.each(samples)("the shell script of %s: same arguments, same script again", (_, layout) => {
    const sh = generateScript(layout);
    const r = parseCommandLine(sh);
    expect(r.diagnostics.filter((d) => d.severity !== "hint")).toEqual(parseCommandLine(generateShellLine(layout)).diagnostics.filter((d) => d.severity !== "hint"));
    expect(generateArgs(r.layout)).toEqual(generateArgs(layout));
    expect(generateScript(r.layout)).toBe(sh);
    // a taskset before the binary is the layout's process pin, not a word of the command
    expect(r.layout.pinning?.process?.hostCpus).toBe(layout.pinning?.process?.hostCpus);
  });

  it.each(samples)("the launch script of %s: same arguments, same pins, same script again", (_, layout) => {
    const launch = exportLaunchScript(layout).script;
    expect(errors(launch)).toEqual([]);
    const back = parseCommandLine(launch).layout;
    // the script's own -S and monitor pipe are not part of the layout; debug-threads=on is (the script needs named threads)
    expect(generateArgs(back).filter((a) => a !== "-S")).toEqual(generateArgs({ ...layout, name: { ...layout.name, debugThreads: true } }).filter((a) => a !== "-S"));
    expect(back.qemu?.binary ?? "qemu-system-x86_64").toBe(layout.qemu?.binary ?? "qemu-system-x86_64");
    expect([...vcpuHostSets(back)].sort((a, b) => a[0] - b[0])).toEqual([...vcpuHostSets(layout)].sort((a, b) => a[0] - b[0]));
    expect(emulatorHostSet(back)).toEqual(emulatorHostSet(layout));
    expect(exportLaunchScript(back).script).toBe(launch);
  });
});

describe("what is and is not read as a script", () => {
  it("a node-wide pin comes back as a node pin", () => {
    const [, layout] = samples.find(([n]) => n === "plan on bm-standard2-52.json --pin node")!;
    const back = parseCommandLine(exportLaunchScript(layout).script).layout;
    expect(back.pinning?.vcpus?.every((p) => p.node !== undefined)).toBe(true);
  });

  it("a hand-written script: comments, env, numactl, exec, other commands around it", () => {
    const text = [
      "#!/bin/bash",
      "# start the big VM",
      "set -e",
      "echo starting >&2",
      "exec env MALLOC_ARENA_MAX=2 numactl --cpunodebind=0 --membind 0 qemu-system-x86_64 \\",
      "  -m 1G -smp 2 \\",
      "  -object memory-backend-ram,id=m0,size=1G \\",
      "  -numa node,memdev=m0   # guest node 0",
      "echo never reached",
    ].join("\n");
    const r = parseCommandLine(text);
    expect(r.diagnostics.filter((d) => d.severity !== "hint")).toEqual([]);
    expect(r.layout.qemu).toEqual({ binary: "qemu-system-x86_64", prefix: ["MALLOC_ARENA_MAX=2", "numactl", "--cpunodebind=0", "--membind", "0"] });
    expect(generateArgs(r.layout)).toEqual(["-m", "1G", "-smp", "2", "-object", "memory-backend-ram,id=m0,size=1G", "-numa", "node,memdev=m0"]);
    expect(generateShellLine(r.layout)).toMatch(/^MALLOC_ARENA_MAX=2 \\\n {2}numactl \\\n/);
  });

  it("a diagnostic points into the pasted script, at the line the word is on", () => {
    const text = "#!/bin/sh\nset -eu\nexec qemu-system-x86_64 -m 1G \\\n  -object memory-backend-ram,id=m0,size=1G,prealloc-thread=2 \\\n  -numa node,memdev=m0\n";
    const d = parseCommandLine(text).diagnostics.find((x) => x.severity === "error");
    expect(d?.at?.line).toBe(4);
    expect(text.slice(...d!.at!.span!)).toContain("prealloc-thread=2");
  });

  it("a command line broken over lines without backslashes is still one command line", () => {
    expect(scriptCommand("qemu-system-x86_64 -m 1G\n-smp 2\n")).toBeUndefined();
    expect(generateArgs(parseCommandLine("qemu-system-x86_64 -m 1G\n-smp 2\n").layout)).toEqual(["-m", "1G", "-smp", "2"]);
    expect(scriptCommand("qemu-system-x86_64 -m 1G -smp 2")).toBeUndefined();
    // no QEMU in it: read as before (and told it is not a QEMU line)
    expect(scriptCommand("#!/bin/sh\necho hi\nls -l\n")).toBeUndefined();
  });
});
