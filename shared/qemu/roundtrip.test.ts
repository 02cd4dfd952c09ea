import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "./parse";
import { generateArgv, generateScript, generateShellLine } from "./generate";
import { tokenize } from "./tokenize";
import { loadLayoutText, layoutToText } from "../layout/load";

const dir = join(import.meta.dirname, "fixtures");
const fixture = (name: string) => readFileSync(join(dir, name), "utf8");
const fixtures = readdirSync(dir).filter((f) => /\.(sh|args)$/.test(f));
const argvOf = (text: string) => tokenize(text).tokens.map((t) => t.text);

describe("import then export is lossless", () => {
  it.each(fixtures)("import then export of %s gives the same argv, token for token", (name) => {
    const text = fixture(name);
    const r = parseCommandLine(text);
    expect(generateArgv(r.layout)).toEqual(argvOf(text));
  });

  it.each(fixtures)("%s survives a save to JSON and a load", (name) => {
    const r = parseCommandLine(fixture(name));
    const loaded = loadLayoutText(layoutToText(r.layout));
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(generateArgv(loaded.layout)).toEqual(generateArgv(r.layout));
  });

  it.each(fixtures)("the shell line and script of %s split back into the same argv", (name) => {
    const r = parseCommandLine(fixture(name));
    const argv = generateArgv(r.layout);
    expect(argvOf(generateShellLine(r.layout))).toEqual(argv);
    const script = argvOf(
      generateScript(r.layout)
        .split("\n")
        .filter((l) => !l.startsWith("#") && l !== "set -eu")
        .join("\n"),
    );
    expect(script[0]).toBe("exec");
    const words = script.slice(1);
    expect(words.filter((w) => w !== "env" && !/^[A-Z_]+=/.test(w) && w !== "time")).toEqual(argv.filter((w) => !/^[A-Z_]+=/.test(w) && w !== "time"));
  });
});

describe("an edit changes only the tokens it concerns", () => {
  it("binding the seed's ram-node0 to node 1 changes one key of one token", () => {
    const text = fixture("seed-baseline.sh");
    const r = parseCommandLine(text);
    const before = generateArgv(r.layout);
    r.layout.backends[0]!.hostNodes = "1";
    const after = generateArgv(r.layout);
    const changed = after.map((t, i) => (t !== before[i] ? i : -1)).filter((i) => i >= 0);
    expect(changed).toHaveLength(1);
    expect(after[changed[0]!]).toBe("memory-backend-ram,id=ram-node0,size=128g,host-nodes=1,policy=bind,prealloc=on,prealloc-threads=8");
  });

  it("adding -smp 104 to the seed's fast line inserts it after -m and keeps everything else", () => {
    const r = parseCommandLine(fixture("seed-fast.sh"));
    const before = generateArgv(r.layout);
    r.layout.smp = { cpus: 104 };
    const after = generateArgv(r.layout);
    const m = after.indexOf("-m");
    expect(after.slice(m, m + 4)).toEqual(["-m", "256G", "-smp", "104"]);
    expect(after.filter((_, i) => i !== m + 2 && i !== m + 3)).toEqual(before);
  });

  it("adding a thread-context to the baseline places it with the objects and keeps 128g as written", () => {
    const r = parseCommandLine(fixture("seed-baseline.sh"));
    r.layout.threadContexts.push({ id: "tc0", nodeAffinity: "0" });
    r.layout.backends[0]!.preallocContext = "tc0";
    const argv = generateArgv(r.layout);
    const i = argv.indexOf("thread-context,id=tc0,node-affinity=0");
    expect(argv[i - 1]).toBe("-object");
    expect(argv[i - 2]).toMatch(/^node,nodeid=1/);
    expect(argv).toContain("memory-backend-ram,id=ram-node0,size=128g,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=8,prealloc-context=tc0");
  });

  it("editing a libvirt JSON backend rewrites only that JSON object, keeping its key order", () => {
    const r = parseCommandLine(fixture("libvirt-numatune-memnode.args"));
    const before = generateArgv(r.layout);
    r.layout.backends[1]!.prealloc = true;
    r.layout.backends[1]!.size = "1G";
    const after = generateArgv(r.layout);
    const changed = after.map((t, i) => (t !== before[i] ? i : -1)).filter((i) => i >= 0);
    expect(changed).toHaveLength(1);
    expect(JSON.parse(after[changed[0]!]!)).toEqual({ "qom-type": "memory-backend-ram", id: "ram-node1", size: 1073741824, "host-nodes": [0, 1, 2, 3], policy: "bind", prealloc: true });
    expect(Object.keys(JSON.parse(after[changed[0]!]!))).toEqual(["qom-type", "id", "size", "host-nodes", "policy", "prealloc"]);
  });

  it("removing a backend and its node removes exactly their options", () => {
    const r = parseCommandLine(fixture("libvirt-numatune-memnode.args"));
    const before = generateArgv(r.layout);
    r.layout.backends.splice(2, 1);
    r.layout.nodes.splice(2, 1);
    const after = generateArgv(r.layout);
    expect(before.length - after.length).toBe(4);
    expect(after.join(" ")).not.toContain("ram-node2");
  });
});

// Random layouts built from the parts people use, written as command lines.
const sizeArb = fc.oneof(
  fc.integer({ min: 1, max: 512 }).map((n) => `${n}M`),
  fc.integer({ min: 1, max: 64 }).map((n) => `${n}g`),
  fc.integer({ min: 1, max: 1 << 20 }).map((n) => `${n * 4096}`),
);
const backendArb = fc.record({
  type: fc.constantFrom("ram", "memfd"),
  size: sizeArb,
  nodes: fc.option(fc.constantFrom("0", "1", "0-1", "2"), { nil: undefined }),
  policy: fc.constantFrom("bind", "preferred", "interleave"),
  prealloc: fc.constantFrom("on", "off", "yes", undefined),
  threads: fc.option(fc.integer({ min: 1, max: 32 }), { nil: undefined }),
  json: fc.boolean(),
});
const lineArb = fc
  .record({
    backends: fc.array(backendArb, { minLength: 1, maxLength: 4 }),
    smp: fc.option(fc.constantFrom("4", "8,sockets=2,cores=4,threads=1", "maxcpus=16,cpus=2"), { nil: undefined }),
    extra: fc.subarray(["-nographic", "-S", "-accel tcg", "-display none", "-cpu max", "-numa dist,src=0,dst=1,val=21"]),
    binary: fc.constantFrom("qemu-system-x86_64", "/usr/bin/qemu-system-x86_64", "time ./qemu-system-x86_64", "LC_ALL=C qemu-kvm"),
  })
  .map(({ backends, smp, extra, binary }) => {
    const parts = [binary, "-m 1G"];
    if (smp) parts.push(`-smp ${smp}`);
    backends.forEach((b, i) => {
      if (b.json) {
        const o: Record<string, unknown> = {
          "qom-type": `memory-backend-${b.type}`,
          id: `m${i}`,
          size: Number(b.size.replace(/[Mg]$/, "")) * (b.size.endsWith("M") ? 2 ** 20 : b.size.endsWith("g") ? 2 ** 30 : 1),
        };
        if (b.nodes) Object.assign(o, { "host-nodes": b.nodes === "0-1" ? [0, 1] : [Number(b.nodes)], policy: b.policy });
        if (b.prealloc) o.prealloc = b.prealloc !== "off";
        if (b.threads) o["prealloc-threads"] = b.threads;
        parts.push(`-object '${JSON.stringify(o)}'`);
      } else {
        let v = `memory-backend-${b.type},id=m${i},size=${b.size}`;
        if (b.nodes) v += `,host-nodes=${b.nodes},policy=${b.policy}`;
        if (b.prealloc) v += `,prealloc=${b.prealloc}`;
        if (b.threads) v += `,prealloc-threads=${b.threads}`;
        parts.push(`-object ${v}`);
      }
      parts.push(`-numa node,nodeid=${i},memdev=m${i}`);
    });
    parts.push(...extra);
    return parts.join(" \\\n  ");
  });

describe("property: round trips", () => {
  it("any generated command line imports and exports to the same argv", () => {
    fc.assert(
      fc.property(lineArb, (text) => {
        const r = parseCommandLine(text);
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(generateArgv(r.layout)).toEqual(argvOf(text));
      }),
      { numRuns: 400 },
    );
  });

  it("a layout exported and imported again is the same layout, apart from where it came from", () => {
    fc.assert(
      fc.property(lineArb, (text) => {
        const first = parseCommandLine(text).layout;
        const strip = (l: unknown) => JSON.parse(JSON.stringify(l, (k, v) => (k === "origin" || k === "at" ? undefined : v)));
        for (const b of first.backends) b.origin = undefined;
        const again = parseCommandLine(generateShellLine(first)).layout;
        expect(strip(again)).toEqual(strip(first));
      }),
      { numRuns: 300 },
    );
  });

  it("mutated real lines never throw and always give diagnostics with positions inside the text", () => {
    const seeds = fixtures.map(fixture);
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 6 })), { maxLength: 6 }), (base, edits) => {
        let text = base;
        for (const [pos, del, ins] of edits) {
          const p = pos % (text.length + 1);
          text = text.slice(0, p) + ins + text.slice(p + del);
        }
        const r = parseCommandLine(text);
        for (const d of r.diagnostics) {
          if (d.at?.span) expect(d.at.span[1]).toBeLessThanOrEqual(text.length);
          expect(d.message.length).toBeGreaterThan(0);
          expect(d.fix.length).toBeGreaterThan(0);
        }
        expect(() => generateArgv(r.layout)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
