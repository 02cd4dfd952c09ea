import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateArgs } from "./generate";
import { parseCommandLine } from "./parse";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const codes = (text: string) => parseCommandLine(text).diagnostics.map((d) => d.code);

describe("importing command lines", () => {
  it("reads the seed's fast line into nodes, contexts and backends", () => {
    const { layout, diagnostics } = parseCommandLine(fixture("seed-fast.sh"));
    expect(diagnostics).toEqual([]);
    expect(layout.qemu).toEqual({ binary: "./qemu-system-x86_64" });
    expect(layout.name?.debugThreads).toBe(true);
    expect(layout.memory?.size).toBe("256G");
    expect(layout.smp).toBeUndefined();
    expect(layout.nodes.map((n) => [n.nodeid, n.cpus, n.memdev])).toEqual([
      [0, "0-25,52-77", "ram-node0"],
      [1, "26-51,78-103", "ram-node1"],
    ]);
    expect(layout.threadContexts.map((t) => [t.id, t.nodeAffinity])).toEqual([
      ["tc0", "0"],
      ["tc1", "1"],
    ]);
    expect(layout.backends[1]).toMatchObject({ id: "ram-node1", type: "ram", size: "128g", hostNodes: "1", policy: "bind", prealloc: true, preallocContext: "tc1", preallocThreads: 8 });
    // the console options are the layout's console, at their place in the line
    expect(layout.console).toEqual({ display: "nographic", monitor: "stdio", at: { display: 2, monitor: 3 } });
    expect(layout.args).toEqual([]);
  });

  it("reads only the first -nographic/-display none and -monitor stdio|none as the console; others stay as written", () => {
    const { layout } = parseCommandLine("qemu-system-x86_64 -display none -m 1G -nographic -monitor vc -monitor none -monitor stdio");
    expect(layout.console).toEqual({ display: "none", monitor: "none", at: { display: 0, monitor: 7 } });
    expect(layout.args.map((a) => a.tokens)).toEqual([["-nographic"], ["-monitor", "vc"], ["-monitor", "stdio"]]);
    expect(generateArgs(layout)).toEqual(["-display", "none", "-m", "1G", "-nographic", "-monitor", "vc", "-monitor", "none", "-monitor", "stdio"]);
  });

  it("reads libvirt's environment prefix, JSON objects with byte sizes and host-node lists", () => {
    const { layout, diagnostics } = parseCommandLine(fixture("libvirt-memfd-memory-numa.args"));
    expect(diagnostics).toEqual([]);
    expect(layout.qemu?.prefix?.[0]).toBe("LC_ALL=C");
    expect(layout.qemu?.binary).toBe("/usr/bin/qemu-system-x86_64");
    expect(layout.memory).toMatchObject({ size: "14680064k", slots: 16, maxmem: "1099511627776k" });
    expect(layout.smp).toMatchObject({ cpus: 8, sockets: 1, dies: 1, clusters: 1, cores: 8, threads: 1 });
    expect(layout.backends[0]).toMatchObject({ type: "memfd", size: "15032385536", hugetlb: true, hugetlbsize: "2097152", hostNodes: "3", policy: "preferred", preallocContext: "tc-ram-node0" });
    expect(layout.backends[1]).toMatchObject({ type: "file", memPath: "/tmp/nvdimm" });
    // the secret object is not a backend, and is kept
    expect(layout.args.some((a) => a.tokens[1]?.includes('"secret"'))).toBe(true);
  });

  it("keeps -numa cpu and hmat kinds and other objects as written, never as nodes", () => {
    const { layout } = parseCommandLine(fixture("handwritten-mixed.sh"));
    expect(layout.nodes).toHaveLength(2);
    expect(layout.distances).toEqual([expect.objectContaining({ src: 0, dst: 1, val: 21 })]);
    const numaArgs = layout.args.filter((a) => a.tokens[0] === "-numa").map((a) => a.tokens[1]!.split(",")[0]);
    expect(numaArgs).toEqual(["cpu", "cpu", "hmat-lb"]);
    expect(layout.qemu).toEqual({ prefix: ["time"], binary: "./build/qemu-system-x86_64" });
    expect(layout.machine).toMatchObject({ type: "q35", extra: { hmat: "on" } });
    expect(layout.backends[0]!.origin?.tokens[0]).toBe("--object");
  });

  it("reads -m in both forms and -machine memory-backend", () => {
    const { layout } = parseCommandLine("qemu-system-x86_64 -m 4096 -machine q35,memory-backend=pc.ram -object memory-backend-ram,id=pc.ram,size=4G");
    expect(layout.memory?.size).toBe("4096");
    expect(layout.machine?.memoryBackend).toBe("pc.ram");
  });

  it("points at the token of a misspelt property and suggests the right one", () => {
    const text = "qemu-system-x86_64 -m 1G \\\n  -object memory-backend-ram,id=r,size=1G,prealloc-thread=4";
    const d = parseCommandLine(text).diagnostics.find((x) => x.code === "PARSE008");
    expect(d?.message).toContain("did you mean 'prealloc-threads'");
    expect(d?.at?.line).toBe(2);
    expect(text.slice(d!.at!.span![0], d!.at!.span![1])).toContain("prealloc-thread=4");
  });

  it("names a misspelt object type and its likely intent", () => {
    const d = parseCommandLine("qemu-system-x86_64 -object memory-backend-rma,id=x,size=1G").diagnostics[0];
    expect(d?.code).toBe("PARSE012");
    expect(d?.message).toMatch(/memory-backend-rma.*did you mean 'memory-backend-ram'/);
  });

  it("imports every memory-backend-* type as a backend, keeping what it does not know", () => {
    const { layout, diagnostics } = parseCommandLine(
      "qemu-system-x86_64 -object memory-backend-epc,id=e,size=64M,prealloc=on,host-nodes=0,policy=bind -object memory-backend-foo,id=x,size=1G,host-nodes=0,policy=bind,prealloc=on,frobnicate=7",
    );
    expect(layout.backends.map((b) => [b.type, b.size, b.hostNodes, b.policy, b.prealloc])).toEqual([
      ["epc", "64M", "0", "bind", true],
      ["foo", "1G", "0", "bind", true],
    ]);
    expect(layout.backends[1]!.extra).toEqual({ frobnicate: "7" });
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["PARSE013", "hint"]]);
    expect(generateArgs(layout)).toEqual([
      "-object",
      "memory-backend-epc,id=e,size=64M,prealloc=on,host-nodes=0,policy=bind",
      "-object",
      "memory-backend-foo,id=x,size=1G,host-nodes=0,policy=bind,prealloc=on,frobnicate=7",
    ]);
  });

  it("still refuses a property QEMU's own backends do not take on epc", () => {
    expect(codes("qemu -object memory-backend-epc,id=e,size=64M,prealloc-thread=2")).toContain("PARSE008");
  });

  it("reports malformed input as diagnostics, not exceptions", () => {
    expect(codes('qemu -object \'{"qom-type": ')).toContain("PARSE002");
    expect(codes("qemu -object '{\"qom-type\":}'")).toContain("PARSE007");
    expect(codes("qemu -m")).toContain("PARSE005");
    expect(codes("qemu -m 4X")).toContain("PARSE008");
    expect(codes("qemu -object memory-backend-ram,size=1G")).toContain("PARSE010");
    expect(codes("qemu -numa node,cpus=3-1")).toContain("PARSE008");
    expect(codes("")).toContain("PARSE004");
    expect(codes("firefox -m 1G")).toContain("PARSE003");
    expect(codes("qemu -m 1G -m 2G")).toContain("PARSE006");
    expect(codes("qemu -smp 2,cpus=4")).toContain("PARSE009");
  });

  it("refuses text that is not a QEMU command line (PARSE017), pointing at its first word", () => {
    const text = "hello world; rm -rf /";
    const r = parseCommandLine(text);
    const refusal = r.diagnostics.find((d) => d.code === "PARSE017");
    expect(refusal?.severity).toBe("error");
    expect(refusal?.message).toContain("starts with 'hello'");
    expect(refusal?.at?.span).toEqual([0, 5]);
    // a binary Numadesk does not recognise is still read when the line holds what a layout models
    expect(codes("/opt/myqemu/bin/run-vm -m 1G")).not.toContain("PARSE017");
    expect(codes("qemu-system-x86_64 world")).not.toContain("PARSE017");
  });

  it("strips libvirt's log header line", () => {
    const text = "2024-03-01 10:00:00.123+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.0\nLC_ALL=C /usr/bin/qemu-system-x86_64 -m 1G";
    const r = parseCommandLine(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.layout.qemu?.binary).toBe("/usr/bin/qemu-system-x86_64");
  });

  it("refuses a multi-megabyte paste with a message instead of working on it", () => {
    expect(codes("qemu " + "-S ".repeat(1_000_000))).toContain("PARSE001");
  });
});
