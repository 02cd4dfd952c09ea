import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exportLibvirt } from "./libvirt";
import { parseCommandLine } from "../qemu/parse";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../qemu/fixtures", name), "utf8");

describe("libvirt export", () => {
  it("writes the seed's fast layout as cells, strict memnodes and one thread count", () => {
    const { layout } = parseCommandLine(fixture("seed-fast.sh").replace("-m 256G", "-m 256G -smp 104"));
    const { xml, notes } = exportLibvirt(layout);
    expect(xml).toContain("<memory unit='KiB'>268435456</memory>");
    expect(xml).toContain("<vcpu placement='static'>104</vcpu>");
    expect(xml).toContain("<cell id='0' cpus='0-25,52-77' memory='134217728' unit='KiB'/>");
    expect(xml).toContain("<memnode cellid='1' mode='strict' nodeset='1'/>");
    expect(xml).toContain("<allocation mode='immediate' threads='8'/>");
    expect(notes.join("\n")).toMatch(/explicit thread-contexts \(tc0: node 0, tc1: node 1\)/);
    expect(notes.join("\n")).toMatch(/-nographic/);
  });

  it("says when backends ask for different thread counts", () => {
    const { layout } = parseCommandLine(
      fixture("seed-baseline.sh")
        .replace("prealloc-threads=8\n", "prealloc-threads=8\n")
        .replace(/prealloc-threads=8$/m, "prealloc-threads=4"),
    );
    const { xml, notes } = exportLibvirt(layout);
    expect(xml).toContain("threads='8'");
    expect(notes.join("\n")).toMatch(/per-backend thread counts \(ram-node0: 8, ram-node1: 4\)/);
  });

  it("maps libvirt's own line back: preferred, huge pages, memfd, shared access", () => {
    const { layout } = parseCommandLine(fixture("libvirt-memfd-memory-numa.args"));
    const { xml } = exportLibvirt(layout);
    expect(xml).toContain("<page size='2048' unit='KiB' nodeset='0'/>");
    expect(xml).toContain("<source type='memfd'/>");
    expect(xml).toContain("<access mode='shared'/>");
    expect(xml).toContain("<memnode cellid='0' mode='preferred' nodeset='3'/>");
    expect(xml).toContain("<topology sockets='1' dies='1' clusters='1' cores='8' threads='1'/>");
  });

  it("carries guest distances into the cells", () => {
    const { layout } = parseCommandLine(fixture("handwritten-mixed.sh"));
    expect(exportLibvirt(layout).xml).toMatch(/<cell id='0' memory='4194304' unit='KiB'>\s*<distances>\s*<sibling id='1' value='21'\/>/);
  });

  it("is well-formed XML apart from the fragment having several roots", () => {
    const { layout } = parseCommandLine(fixture("libvirt-numatune-memnode.args"));
    const { xml } = exportLibvirt(layout);
    const body = xml.replace(/<!--[\s\S]*?-->/g, "");
    const stack: string[] = [];
    for (const m of body.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
      if (m[3]) continue;
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });
});
