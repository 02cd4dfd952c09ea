// Hostile and absurd input: every parser gives an answer or a message, never an exception,
// a hang, NaN or a silently truncated number. Inputs of a megabyte either parse or are refused
// by a size limit (the test timeout below is a hang detector; their speed is in npm run bench).

import { describe, expect, it } from "vitest";
import { parseCommandLine } from "./qemu/parse";
import { generateArgv } from "./qemu/generate";
import { parseSize } from "./size/size";
import { parseIdList } from "./cpulist/cpulist";
import { loadLayoutText } from "./layout/load";
import { importTopology, TOPOLOGY_FORMATS, type TopologyFormat } from "./topology/import/formats";
import { parseXml } from "./xml/scan";
import { checkLayout } from "./validate/check";

const MB = 1024 * 1024;
const codes = (text: string) => parseCommandLine(text).diagnostics.map((d) => d.code);

describe("numbers that overflow are refused with a message", () => {
  it("sizes beyond 2^64 and beyond what is exact", () => {
    for (const t of ["18446744073709551616", "17E", "99999999999999999999G", "0x1ffffffffffffffff"]) {
      const r = parseSize(t);
      expect(r.ok, t).toBe(false);
    }
  });

  it("a vCPU index of 1e12 and an -smp of a trillion", () => {
    expect(codes("qemu -smp 1000000000000")).toContain("PARSE008");
    expect(codes("qemu -smp 2 -numa node,cpus=0-1000000000000")).toContain("PARSE008");
    expect(parseIdList("1000000000000").ok).toBe(false);
  });

  it("more vCPUs than QEMU can have is said at import, with the token", () => {
    const d = parseCommandLine("qemu-system-x86_64 -smp 100000").diagnostics.find((x) => x.code === "PARSE014");
    expect(d?.message).toMatch(/smp\.cpus/);
    expect(d?.at?.token).toBe(1);
  });

  it("thousands of guest nodes are refused, not processed", () => {
    // 4500 nodes: 9001 words, under the paste's 10 000 (5000 were 10 001, which the word cap now refuses first)
    const line = "qemu " + Array.from({ length: 4500 }, (_, i) => `-numa node,nodeid=${i}`).join(" ");
    expect(codes(line)).toContain("PARSE014");
  });

  it("no NaN or Infinity ever reaches a layout", () => {
    const { layout, diagnostics } = parseCommandLine("qemu -m 1e400 -smp NaN -object memory-backend-ram,id=r,size=Infinity,prealloc-threads=-1");
    const numbers: number[] = [];
    JSON.stringify(layout, (_k, v) => (typeof v === "number" && numbers.push(v), v));
    expect(numbers.every((n) => Number.isFinite(n))).toBe(true);
    expect(diagnostics.filter((d) => d.code === "PARSE008").length).toBeGreaterThanOrEqual(3);
    expect(diagnostics.map((d) => d.code)).not.toContain("PARSE012");
  });
});

describe("a megabyte of hostile input finishes, with diagnostics", () => {
  const cases: Array<[string, string]> = [
    ["commas in one -object value", "qemu -object memory-backend-ram,id=r,size=1G," + ",".repeat(MB)],
    ["doubled commas", "qemu -object memory-backend-ram,id=r,size=1G,mem-path=" + ",,".repeat(MB / 2)],
    ["an unterminated quote", "qemu -name '" + "a".repeat(MB)],
    ["backslashes", "qemu " + "\\".repeat(MB)],
    ["a hundred thousand flags", "qemu " + "-S ".repeat(MB / 3)],
    ["deeply nested JSON in -object", "qemu -object '" + '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000) + "'"],
    ["a cpus list with a million ranges", "qemu -smp 2 -numa node,cpus=" + "0-1,".repeat(MB / 4)],
  ];
  it.each(cases)("%s", (_what, text) => {
    const r = parseCommandLine(text);
    expect(r.diagnostics.length + r.layout.args.length + r.layout.backends.length).toBeGreaterThan(0);
    expect(() => generateArgv(r.layout)).not.toThrow();
    expect(() => checkLayout(r.layout)).not.toThrow();
  });

  it("a layout file of a megabyte of nesting or garbage", () => {
    for (const text of ["[".repeat(MB), "{" + '"a":{'.repeat(100_000), "\u0000".repeat(MB), '{"version":1,"memory":{"size":"' + "9".repeat(MB) + '"}}']) {
      const r = loadLayoutText(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.diagnostics[0]!.at?.path).toMatch(/^\$/);
    }
  });

  it.each(Object.keys(TOPOLOGY_FORMATS) as TopologyFormat[])("the %s importer on a megabyte of near-miss text", (format) => {
    const texts = [
      "node 0 cpus: " + "1 ".repeat(MB / 2),
      "NUMA node0 CPU(s): " + "0-1,".repeat(MB / 4),
      "# CPU,Core,Socket,Node\n" + "0,0,0,0\n".repeat(MB / 8),
      "<topology>" + "<object type='Group'>".repeat(10_000),
      `<topology><object type="NUMANode" os_index="0" cpuset="0x${"f".repeat(MB)}"/></topology>`,
      // caches and PCI devices by the ten thousand, with numbers no machine has
      `<topology><object type="NUMANode" os_index="0" cpuset="0x3"/>${'<object type="L3Cache" cpuset="0x3" cache_size="1e400"/><object type="PCIDev" pci_busid="0000:00:00.0" pci_type="0200 [ffff:ffff] [0:0] 0"/>'.repeat(10_000)}</topology>`,
      "# CPU,Core,Socket,Node,,L1d,L1i,L2,L3\n" + "0,0,0,0,,99999999999999999999,x,,0:0:0\n".repeat(MB / 40),
    ];
    for (const t of texts) {
      const r = importTopology(format, t);
      if (r.ok) expect(r.topology.nodes.length).toBeGreaterThan(0);
      else expect(r.error.length).toBeGreaterThan(5);
    }
  });

  it("XML nesting deeper than the limit is refused, not recursed into", () => {
    const r = parseXml("<a>".repeat(100_000));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/deeper than/);
  });
});

describe("inputs that used to end in an internal error", () => {
  it("a character reference to no character in XML is read as U+FFFD", () => {
    for (const ref of ["&#x110000;", "&#0;", "&#xD800;", "&#99999999999;"]) {
      const r = parseXml(`<a b="${ref}">${ref}</a>`);
      expect(r.ok, ref).toBe(true);
      if (r.ok) expect(r.root.text).toBe("\uFFFD");
    }
  });

  it("deep extra values and deep JSON -object values are refused with a path, not recursed into", () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const layout = loadLayoutText(`{"version":1,"nodes":[],"distances":[],"threadContexts":[],"args":[],"backends":[{"id":"r","type":"ram","size":"1G","extra":{"x":${deep}}}]}`);
    expect(layout.ok).toBe(false);
    if (!layout.ok) expect(layout.diagnostics[0]!.message).toMatch(/nests deeper than/);
    const flatButNested = loadLayoutText(`{"version":1,"nodes":[],"distances":[],"threadContexts":[],"args":[],"backends":[{"id":"r","type":"ram","size":"1G","extra":{"x":{"y":1}}}]}`);
    expect(flatButNested.ok).toBe(false);
    const line = parseCommandLine(`qemu -object '{"qom-type":"memory-backend-ram","id":"r","size":1024,"x":${"[".repeat(3000)}${"]".repeat(3000)}}'`);
    expect(line.diagnostics.map((d) => d.message).join(" ")).toMatch(/nests deeper than 8 levels/);
  });

  it("NUL, a key that is not a property name and an origin of another option are refused in a layout file", () => {
    const base = { version: 1, nodes: [], distances: [], threadContexts: [], args: [], backends: [] as unknown[] };
    const bad = [
      { ...base, name: { guest: "a\u0000b" } },
      { ...base, backends: [{ id: "r", type: "ram", size: "1G", extra: { "a,b=c": 1 } }] },
      { ...base, backends: [{ id: "r", type: "ram", size: "1G", origin: { at: 0, tokens: ["-pidfile", "/tmp/x"] } }] },
      { ...base, args: [{ tokens: ["-S", "-incoming"] }] },
      { ...base, args: [{ tokens: ["disk.img", "-incoming"] }] },
    ];
    for (const doc of bad) expect(loadLayoutText(JSON.stringify(doc)).ok, JSON.stringify(doc)).toBe(false);
    expect(loadLayoutText(JSON.stringify({ ...base, args: [{ tokens: ["--object", "iothread,id=io0"] }] })).ok).toBe(true);
  });
});

describe("text from a record or a layout printed on a terminal", () => {
  it("escape sequences, bidi overrides and newlines in a label come out as visible escapes", async () => {
    const { printable, printableLine } = await import("./text/printable");
    const evil = "ok\u001b]0;owned\u0007\u001b[2J\u202eevil\nforged line\r";
    expect(printableLine(evil)).toBe("ok\\x1b]0;owned\\x07\\x1b[2J\\u202eevil\\x0aforged line\\x0d");
    expect(printable("line 1\n\tline 2\u009b")).toBe("line 1\n\tline 2\\x9b");
  });
});
