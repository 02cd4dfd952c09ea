// QEMU's real error output (the installed qemu-system-x86_64) mapped to layout elements.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { parseCommandLine } from "../../shared/qemu/parse";
import { generateArgs } from "../../shared/qemu/generate";
import { explainQemuError } from "../../shared/qemu/errors";
import { readSysfs } from "../probe/sysfs";
import { findQemu } from "./discover";

const host = readSysfs();
const qemu = findQemu();
const B = "-object memory-backend-ram,id=r0,size=128M";
const N = "-numa node,nodeid=0,memdev=r0";

const CASES: Array<[string, string, string | undefined, RegExp]> = [
  ["a host node the host lacks", `-m 128M ${N} ${B},host-nodes=5,policy=bind`, "backends[0]", /bound to a host node this host does not have/],
  ["a context on an absent node", `-m 128M ${N} ${B} -object thread-context,id=t,node-affinity=5`, "threadContexts[0]", /node-affinity names a node with no CPUs/],
  ["a context on an absent CPU", `-m 128M ${N} ${B} -object thread-context,id=t,cpu-affinity=99`, "threadContexts[0]", /cpu-affinity names CPUs/],
  ["both affinities", `-m 128M ${N} ${B} -object thread-context,id=t,cpu-affinity=0,node-affinity=0`, "threadContexts[0]", /both node-affinity and cpu-affinity/],
  ["a missing prealloc-context", `-m 128M ${N} ${B},prealloc=on,prealloc-context=nosuch`, "backends[0]", /'nosuch' does not exist/],
  ["node memory ≠ -m", `-m 256M ${N} ${B}`, "memory", /differs from -m/],
  ["a missing memdev", `-m 128M -numa node,nodeid=0,memdev=nosuch ${B}`, "nodes[0]", /memdev=nosuch names no memory backend/],
  ["a vCPU beyond -smp", `-m 128M -smp 2 -numa node,nodeid=0,cpus=0-2,memdev=r0 ${B}`, "nodes[0]", /names vCPU 2, but -smp allows 2/],
  ["prealloc-threads=0", `-m 128M ${N} ${B},prealloc=on,prealloc-threads=0`, "backends[0]", /prealloc-threads=0/],
  ["a misspelt property", `-m 128M ${N} ${B},prealloc-thread=4`, "backends[0]", /does not know the property 'prealloc-thread'/],
  ["an unknown object type (imported as a backend)", `-m 128M -object memory-backend-foo,id=x,size=1G`, "backends[0]", /no object type 'memory-backend-foo'/],
  ["an object type this QEMU lacks (kept as written)", `-m 128M -object sgx-epc-foo,id=x`, "args[0]", /no object type 'sgx-epc-foo'/],
  [
    "the second of two nodes with one nodeid",
    `-m 256M -smp 2 -numa node,nodeid=0,cpus=0,memdev=r0 -numa node,nodeid=0,cpus=1,memdev=r1 ${B} -object memory-backend-ram,id=r1,size=128M`,
    "nodes[1]",
    /same nodeid/,
  ],
  ["the second of two identical backends", `-m 128M ${N} ${B} ${B}`, "backends[1]", /used twice/],
  ["prealloc with reserve=off", `-m 128M ${N} ${B},prealloc=on,reserve=off`, "backends[0]", /incompatible/],
  ["-machine none with -numa", `-machine none -m 128M ${N} ${B}`, "machine.type", /no NUMA/],
];

describe("QEMU's own errors, tied to the layout", () => {
  it.each(CASES)("%s", (_what, line, path, message) => {
    const { layout } = parseCommandLine(`qemu-system-x86_64 ${line}`);
    const r = spawnSync(qemu, [...generateArgs(layout), "-S", "-display", "none", "-nodefaults", "-accel", "tcg"], { encoding: "utf8", timeout: 15_000, killSignal: "SIGKILL" });
    expect(r.status, r.stderr).toBe(1);
    const e = explainQemuError(r.stderr, layout, host);
    expect(e?.message).toMatch(message);
    expect(e?.path).toBe(path);
    expect(e?.line).toMatch(/qemu-system-x86_64: /);
  });
});
