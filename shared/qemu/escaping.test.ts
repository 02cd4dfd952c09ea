// Hostile strings in every string field come out of the exports meaning exactly what the
// layout says: the argv read back by QEMU's own option rules gives the modelled properties and
// nothing more, and the libvirt XML holds only the elements Numadesk meant to write.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateArgs } from "./generate";
import { optionGroups } from "./generate";
import { parseCommandLine } from "./parse";
import { emptyLayout, layoutSchema, type Layout } from "../layout/schema";
import { loadLayoutValue } from "../layout/load";
import { exportLibvirt } from "../export/libvirt";
import { parseXml, type XmlElement } from "../xml/scan";
import { checkLayout } from "../validate/check";
import { generateScript, generateShellLine, generateArgv } from "./generate";
import { prepareRunArgs } from "../run/prepare";
import { z } from "zod";

/**
 * QEMU's QemuOpts reader (util/qemu-option.c, opts_do_parse/get_opt_name_value/get_opt_value,
 * QEMU 6.0–10.x), written out here independently of Numadesk's parser: the first segment
 * without '=' before any ',' is the implied value; ",," is a literal comma inside a value.
 */
function qemuOptsParse(params: string, firstName: string | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let p = 0;
  let first = firstName;
  const getValue = (from: number): [string, number] => {
    let v = "";
    let i = from;
    while (i < params.length) {
      if (params[i] === ",") {
        if (params[i + 1] !== ",") break;
        i++; // ",," is one comma
      }
      v += params[i];
      i++;
    }
    return [v, i];
  };
  while (p < params.length) {
    const rest = params.slice(p);
    const m = /[=,]/.exec(rest);
    const len = m ? m.index : rest.length;
    if (rest[len] !== "=") {
      if (first !== undefined) {
        const [v, q] = getValue(p);
        out.push([first, v]);
        p = q;
      } else {
        const name = rest.slice(0, len);
        out.push(name.startsWith("no") ? [name.slice(2), "off"] : [name, "on"]);
        p += len;
      }
    } else {
      const name = rest.slice(0, len);
      const [v, q] = getValue(p + len + 1);
      out.push([name, v]);
      p = q;
    }
    first = undefined;
    if (params[p] === ",") p++;
  }
  return out;
}

const optionValue = (args: string[], option: string, nth = 0): string => {
  const groups = optionGroups(args).filter((g) => g[0] === option);
  return groups[nth]![1]!;
};

// Strings built to break option syntax, shells and XML, plus whatever fast-check finds.
const HOSTILE = [
  "a=b",
  "x,debug-threads=off",
  ",",
  ",,",
  "=",
  "",
  "-incoming",
  "exec:touch /tmp/x",
  "a,,b=c",
  "--><evil/><!--",
  "-->",
  "a--b---c----",
  "]]>",
  "'\"`$(id)`\\",
  "\n-pidfile /tmp/x\n",
  "\u001b[2J\u001b]0;title\u0007",
  "\u202eevil",
  "ünïcødé ✓",
  "\ud800",
];
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: "binary", maxLength: 40 }).map((s) => s.replace(/\0/g, "")),
);

describe("key=value values survive any content", () => {
  it("a guest name reads back as itself, and debug-threads stays on", () => {
    fc.assert(
      fc.property(hostile, (guest) => {
        const l = emptyLayout("1G");
        l.name = { guest, debugThreads: true };
        const parsed = qemuOptsParse(optionValue(generateArgs(l), "-name"), "guest");
        expect(parsed).toEqual([
          ["guest", guest],
          ["debug-threads", "on"],
        ]);
      }),
      { numRuns: 400 },
    );
  });

  it("a machine type, a mem-path and an extra property read back as themselves", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (type, memPath, extraValue) => {
        const l = emptyLayout("1G");
        l.machine = { type };
        l.backends.push({ id: "m0", type: "file", size: "1G", memPath, extra: { align: extraValue } });
        const args = generateArgs(l);
        expect(qemuOptsParse(optionValue(args, "-machine"), "type")).toEqual([["type", type]]);
        expect(qemuOptsParse(optionValue(args, "-object"), "qom-type")).toEqual([
          ["qom-type", "memory-backend-file"],
          ["id", "m0"],
          ["size", "1G"],
          ["mem-path", memPath],
          ["align", extraValue],
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it("an imported element edited to a hostile value is patched, not spliced", () => {
    fc.assert(
      fc.property(hostile, (guest) => {
        const { layout } = parseCommandLine("qemu-system-x86_64 -name vm1,debug-threads=on -m 1G");
        layout.name!.guest = guest;
        expect(qemuOptsParse(optionValue(generateArgs(layout), "-name"), "guest")).toEqual([
          ["guest", guest],
          ["debug-threads", "on"],
        ]);
      }),
      { numRuns: 300 },
    );
  });
});

const LIBVIRT_ELEMENTS = new Set([
  "memory",
  "memoryBacking",
  "hugepages",
  "page",
  "source",
  "access",
  "allocation",
  "vcpu",
  "numatune",
  "memnode",
  "cpu",
  "topology",
  "numa",
  "cell",
  "distances",
  "sibling",
]);

function elements(el: XmlElement, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    out.push(c);
    elements(c, out);
  }
  return out;
}

describe("libvirt XML holds only what Numadesk writes", () => {
  it("hostile ids and options in the notes never become elements or text", () => {
    fc.assert(
      fc.property(hostile, hostile, (id, arg) => {
        const l = emptyLayout("2G");
        l.smp = { cpus: 2 };
        l.nodes.push({ nodeid: 0, cpus: "0-1", memdev: id || "m" });
        l.threadContexts.push({ id: `${id}-tc`, nodeAffinity: "0" });
        l.backends.push({ id: id || "m", type: "ram", size: "2G", hostNodes: "0", policy: "bind", prealloc: true, preallocThreads: 2, preallocContext: `${id}-tc` });
        l.args.push({ tokens: ["-append", arg] });
        const { xml } = exportLibvirt(l);
        const doc = parseXml(`<domain>${xml}</domain>`);
        expect(doc.ok, xml).toBe(true);
        if (!doc.ok) return;
        for (const e of elements(doc.root)) {
          expect(LIBVIRT_ELEMENTS.has(e.name), e.name).toBe(true);
          expect(e.text.trim()).toMatch(/^\d*$/);
        }
        expect(doc.root.text.trim()).toBe("");
        // every comment is one comment: "--" never appears inside one
        for (const m of xml.matchAll(/<!--([\s\S]*?)-->/g)) expect(m[1]).not.toMatch(/--/);
      }),
      { numRuns: 300 },
    );
  });
});

// ── Every field of the layout schema, fuzzed ──────────────────────────────────────────────

const root = join(import.meta.dirname, "../..");
const seed = parseCommandLine(readFileSync(join(root, "shared/qemu/fixtures/seed-fast.sh"), "utf8").replace("-m 256G", "-m 256G -smp 104")).layout;
seed.args.push({ tokens: ["-numa", "cpu,node-id=0,socket-id=0"] });
seed.distances.push({ src: 0, dst: 1, val: 21 });
seed.machine = { type: "q35" };

/** Every path a layout field can have: top-level fields and each field of each element kind. */
function fieldPaths(): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [];
  const shape = layoutSchema.shape as Record<string, z.ZodType>;
  const unwrap = (s: z.ZodType): z.ZodType => (s instanceof z.ZodOptional ? unwrap(s.unwrap() as z.ZodType) : s);
  for (const [key, s0] of Object.entries(shape)) {
    const s = unwrap(s0);
    paths.push([key]);
    const inner = s instanceof z.ZodArray ? unwrap(s.element as z.ZodType) : s;
    const prefix = s instanceof z.ZodArray ? [key, 0] : [key];
    if (inner instanceof z.ZodObject) for (const f of Object.keys(inner.shape as object)) paths.push([...prefix, f]);
  }
  return paths;
}

const anyValue = fc.oneof(
  hostile,
  fc.integer({ min: -5, max: 70_000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(hostile, fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.oneof(hostile, fc.constantFrom("merge", "a.b", "x y")), fc.oneof(hostile, fc.integer(), fc.boolean()), { maxKeys: 3 }),
  fc.record({ at: fc.integer({ min: 0, max: 5 }), tokens: fc.array(fc.oneof(hostile, fc.constantFrom("-object", "-numa", "-pidfile", "-m")), { maxLength: 3 }) }),
  fc.constantFrom("1G", "0-1", "bind", "memfd", "file", "tc0", "ram-node0", "q35"),
);

function setPath(doc: Record<string, unknown>, path: Array<string | number>, value: unknown) {
  let cur: unknown = doc;
  for (const k of path.slice(0, -1)) {
    const next = (cur as Record<string | number, unknown>)[k];
    if (next === undefined || next === null || typeof next !== "object") return false;
    cur = next;
  }
  (cur as Record<string | number, unknown>)[path[path.length - 1]!] = value;
  return true;
}

describe("any value in any field of a layout file", () => {
  const paths = fieldPaths();

  it("covers every field the schema has", () => {
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.map((p) => p.join("."))).toEqual(
      expect.arrayContaining(["backends.0.memPath", "backends.0.extra", "backends.0.origin", "args.0.tokens", "name.guest", "qemu.binary", "machine.extra"]),
    );
  });

  it("is refused with a path, or loads into a layout every export and the run builder handle", () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), anyValue, fc.constantFrom(...paths), anyValue, (p1, v1, p2, v2) => {
        const doc = JSON.parse(JSON.stringify(seed)) as Record<string, unknown>;
        doc.qemu = { binary: "qemu-system-x86_64" };
        doc.name = { guest: "vm", debugThreads: true };
        setPath(doc, p1, v1);
        setPath(doc, p2, v2);
        const r = loadLayoutValue(JSON.parse(JSON.stringify(doc)));
        if (!r.ok) {
          expect(r.diagnostics[0]!.at?.path).toMatch(/^\$/);
          return;
        }
        const l: Layout = r.layout;
        generateArgv(l);
        generateShellLine(l);
        generateScript(l);
        exportLibvirt(l);
        checkLayout(l);
        const run = prepareRunArgs(l, { qmpSocket: "/tmp/x/qmp.sock", nameThreads: true, memPaths: new Map(l.backends.map((b) => [b.id, "/dev/shm"])) });
        // whatever a schema-valid file says, what a run renders passes its own gate
        expect(run.refused.filter((x) => /please report/.test(x))).toEqual([]);
        for (const w of run.args) expect(w).not.toMatch(/\0/);
      }),
      { numRuns: 1500 },
    );
  });
});
