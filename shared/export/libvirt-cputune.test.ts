import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportLibvirt } from "./libvirt";
import { planLayout, type PlanRequest } from "../plan/planner";
import { parseCommandLine } from "../qemu/parse";
import { topologySchema, type HostTopology } from "../topology/schema";
import { idList } from "../cpulist/cpulist";

const root = join(import.meta.dirname, "../..");
const seed: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/bm-standard2-52.json"), "utf8")));
const dir = mkdtempSync(join(tmpdir(), "libvirt-cputune-"));

function seedXml(req: Partial<PlanRequest> = {}) {
  const r = planLayout(seed, { mem: "256G", vcpus: 104, threads: 16, ...req });
  if (!r.ok) throw new Error(r.diagnostics[0]!.message);
  return { layout: r.layout, ...exportLibvirt(r.layout) };
}

/** libvirt's own RNG schema (Debian's libvirt-clients): the fragment inside a minimal domain. */
function validate(fragment: string): string {
  const file = join(dir, `domain-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, `<domain type='kvm'>\n<name>numadesk</name>\n${fragment}<os><type arch='x86_64'>hvm</type></os>\n</domain>\n`);
  // it says "FILE validates" on stderr and exits 0, or prints the schema errors and exits 1
  const r = spawnSync("virt-xml-validate", [file, "domain"], { encoding: "utf8" });
  return `${r.status} ${r.stdout}${r.stderr}`;
}

const vcpupins = (xml: string) => [...xml.matchAll(/<vcpupin vcpu='(\d+)' cpuset='([^']+)'\/>/g)].map((m) => ({ vcpu: Number(m[1]), cpus: idList(m[2]) }));
const nodeOf = (cpu: number) => seed.cpus.find((c) => c.id === cpu)!.node;

describe("libvirt export of pinning", () => {
  it("the seed's plan has 104 vcpupins, each within its guest node's host node, and validates against libvirt's schema", () => {
    const { xml, layout } = seedXml();
    const pins = vcpupins(xml);
    expect(pins.map((p) => p.vcpu)).toEqual(Array.from({ length: 104 }, (_, i) => i));
    for (const p of pins) {
      const guest = layout.nodes.find((n) => idList(n.cpus).includes(p.vcpu))!;
      const hostNode = Number(layout.backends.find((b) => b.id === guest.memdev)!.hostNodes);
      expect(new Set(p.cpus.map(nodeOf))).toEqual(new Set([hostNode]));
      expect(p.cpus).toHaveLength(52);
    }
    expect(xml).toContain("<vcpu placement='static' cpuset='0-103'>104</vcpu>");
    expect(validate(xml)).toMatch(/^0 .* validates/);
  });

  it("--pin cpu: vCPU pairs on SMT sibling pairs, one PU each, and it validates", () => {
    const { xml } = seedXml({ pin: "cpu", mirrorSmp: true });
    const pins = vcpupins(xml);
    expect(pins).toHaveLength(104);
    for (let v = 0; v < 104; v += 2) {
      const [a, b] = [pins[v]!.cpus, pins[v + 1]!.cpus];
      expect(a).toHaveLength(1);
      expect(seed.cpus.find((c) => c.id === a[0])!.siblings).toEqual([a[0]!, b[0]!].sort((x, y) => x - y));
    }
    expect(xml).toContain("<topology sockets='2' cores='26' threads='2'/>");
    expect(validate(xml)).toMatch(/^0 .* validates/);
  });

  it("writes I/O threads, their pins and the emulator pin, and names what libvirt cannot hold", () => {
    const { layout } = parseCommandLine("taskset -c 0-3 qemu-system-x86_64 -m 1G -smp 4 -object iothread,id=iothread1 -object iothread,id=disk-io,poll-max-ns=32768 -numa node,nodeid=0,cpus=0-3");
    layout.pinning = {
      ...layout.pinning,
      vcpus: [
        { vcpus: "0-1", hostCpus: "0" },
        { vcpus: "2-3", hostCpus: "1" },
      ],
      emulator: "2",
      reserved: "5",
    };
    layout.iothreads![1]!.hostCpus = "3";
    const { xml, notes } = exportLibvirt(layout);
    expect(xml).toContain("<iothreads>2</iothreads>");
    expect(xml).toContain("<vcpupin vcpu='3' cpuset='1'/>");
    expect(xml).toContain("<emulatorpin cpuset='2'/>");
    // iothread1 has no pin of its own: the taskset's set
    expect(xml).toContain("<iothreadpin iothread='1' cpuset='0-3'/>");
    expect(xml).toContain("<iothreadpin iothread='2' cpuset='3'/>");
    expect(notes.join("\n")).toMatch(/disk-io is libvirt's iothread 2/);
    expect(notes.join("\n")).toMatch(/poll-max-ns/);
    expect(notes.join("\n")).toMatch(/reserved for the host \(5\)/);
    expect(validate(xml)).toMatch(/^0 .* validates/);
  });

  it("a layout without pinning has no <cputune>", () => {
    const { xml } = seedXml({ pin: "none" });
    expect(xml).not.toMatch(/cputune|cpuset/);
  });
});

describe("the schema check itself", () => {
  it("refuses a vcpupin libvirt's schema does not know", () => {
    expect(validate("<vcpu placement='static'>2</vcpu>\n<cputune>\n  <vcpupin vcpu='0' cpus='1'/>\n</cputune>\n")).toMatch(/^[1-9]\d* .*Relax-NG validity error/s);
  });
});
