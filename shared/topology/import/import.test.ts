import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { detectTopologyFormat, importTopology, TOPOLOGY_FORMATS, type TopologyFormat } from "./formats";
import { parseHwlocBitmap } from "./hwloc";
import { topologySchema, type HostTopology } from "../schema";
import { formatNumactl } from "../format";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

function read(format: TopologyFormat, file: string): { t: HostTopology; lacks: string[] } {
  const r = importTopology(format, fixture(file));
  if (!r.ok) throw new Error(r.error);
  expect(topologySchema.safeParse(r.topology).success).toBe(true);
  return { t: r.topology, lacks: r.lacks };
}

describe("topology importers on real outputs", () => {
  it("numactl -H of this VM, and printing it again gives the same lines", () => {
    const { t, lacks } = read("numactl", "numactl-this-vm.txt");
    expect(t.nodes.map((n) => n.cpus)).toEqual([[0, 1]]);
    expect(formatNumactl(t)).toBe(fixture("numactl-this-vm.txt"));
    expect(lacks).toContain("sockets");
  });

  it("numactl -H of a 4-node server pasted from a book, single-spaced", () => {
    const { t } = read("numactl", "numactl-oracle-4node.txt");
    expect(t.nodes.map((n) => n.cpus.length)).toEqual([6, 6, 6, 6]);
    expect(t.nodes[1]).toMatchObject({ memTotal: 8192 * 2 ** 20, memFree: 41 * 2 ** 20 });
    expect(t.distances[2]).toEqual([16, 16, 10, 16]);
  });

  it("lscpu of a 2-socket EPYC 7451 with 8 nodes, sockets guessed from node order and said so", () => {
    const { t, lacks } = read("lscpu", "lscpu-epyc-7451.txt");
    expect(t.nodes).toHaveLength(8);
    expect(t.nodes[0]!.cpus).toEqual([0, 1, 2, 3, 4, 5, 48, 49, 50, 51, 52, 53]);
    expect(t.cpus.find((c) => c.id === 72)?.socket).toBe(1);
    expect(lacks).toContain("sockets (guessed from node order)");
    expect(lacks.join("; ")).toMatch(/node distances/);
  });

  it("lscpu -p of the same EPYC: cores and SMT siblings from the rows", () => {
    const { t } = read("lscpu-p", "lscpu-p-epyc-7451.txt");
    expect(t.cpus.find((c) => c.id === 49)).toMatchObject({ node: 0, socket: 0, core: 1, siblings: [1, 49] });
    expect(t.nodes.map((n) => n.cpus.length)).toEqual([12, 12, 12, 12, 12, 12, 12, 12]);
  });

  it("lscpu and lscpu -p of a 4-socket HP DL585 agree on where every CPU is", () => {
    const human = read("lscpu", "lscpu-hpdl585.txt").t;
    const parsable = read("lscpu-p", "lscpu-p-hpdl585.txt").t;
    expect(human.nodes.map((n) => n.cpus)).toEqual(parsable.nodes.map((n) => n.cpus));
    expect(human.cpus.map((c) => [c.id, c.node, c.socket])).toEqual(parsable.cpus.map((c) => [c.id, c.node, c.socket]));
  });

  it("lscpu -p of this VM", () => {
    const { t } = read("lscpu-p", "lscpu-p-this-vm.txt");
    expect(t.cpus.map((c) => c.id)).toEqual([0, 1]);
  });

  it("virsh capabilities: memory, huge page pools, sockets and siblings", () => {
    const { t, lacks } = read("libvirt", "libvirt-caps-x86_64-basic.xml");
    expect(t.nodes).toHaveLength(4);
    expect(t.nodes[2]!.memTotal).toBe(3145728 * 1024);
    expect(t.nodes[0]!.hugepages).toEqual([
      { pageSize: 2 * 2 ** 20, total: 4096, free: 4096 },
      { pageSize: 2 ** 30, total: 6144, free: 6144 },
    ]);
    expect(t.cpus.find((c) => c.id === 9)).toMatchObject({ node: 2, socket: 2, core: 9, die: 0 });
    expect(lacks).toContain("free memory");
  });

  it("hwloc XML 3.0: NUMA nodes from cpusets, memory from local_memory", () => {
    const { t } = read("hwloc", "hwloc-8intel64-4n2t-memattrs.xml");
    expect(t.nodes.map((n) => [n.id, n.cpus, n.memTotal])).toEqual([
      [0, [0, 1], 2 ** 30],
      [1, [2, 3], 2 ** 30],
      [2, [4, 5], 2 ** 30],
      [3, [6, 7], 2 ** 30],
    ]);
  });

  it("hwloc distances2 with float values (hwloc's 16amd64-4distances), in node-id order", () => {
    const nodes = [1, 0, 2, 5, 4, 3, 6, 7].map((id, i) => `<object type="NUMANode" os_index="${id}" cpuset="0x${(3 << (2 * i)).toString(16)}" local_memory="8589934592"/>`).join("");
    const row = (i: number) => Array.from({ length: 8 }, (_, j) => (i === j ? "10.000000" : "20.000000")).join(" ");
    const xml = `<topology><object type="Machine">${nodes}</object><distances2 type="NUMANode" nbobjs="8" kind="5" indexing="os"><indexes length="16">1 0 2 5 4 3 6 7 </indexes><floats length="160">${[0, 1, 2, 3, 4, 5, 6, 7].map(row).join(" ")}</floats></distances2></topology>`;
    const r = importTopology("hwloc", xml);
    expect(r.ok && r.topology.distances[0]).toEqual([10, 20, 20, 20, 20, 20, 20, 20]);
    expect(r.ok && r.topology.nodes.map((n) => n.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("reads hwloc bitmaps with several 32-bit words", () => {
    expect(parseHwlocBitmap("0x00000001,0x00000003")).toEqual([0, 1, 32]);
  });

  it("tells the format from pasted text", () => {
    expect(detectTopologyFormat(fixture("numactl-oracle-4node.txt"))).toBe("numactl");
    expect(detectTopologyFormat(fixture("lscpu-epyc-7451.txt"))).toBe("lscpu");
    expect(detectTopologyFormat(fixture("lscpu-p-hpdl585.txt"))).toBe("lscpu-p");
    expect(detectTopologyFormat(fixture("hwloc-8intel64-4n2t-memattrs.xml"))).toBe("hwloc");
    expect(detectTopologyFormat(fixture("libvirt-caps-x86_64-basic.xml"))).toBe("libvirt");
  });

  it("says what is wrong with text of the wrong kind", () => {
    for (const format of Object.keys(TOPOLOGY_FORMATS) as TopologyFormat[]) {
      const r = importTopology(format, "hello world\n");
      expect(r.ok, format).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
    }
  });

  it("property: mutated real outputs never throw", () => {
    const inputs: Array<[TopologyFormat, string]> = [
      ["numactl", fixture("numactl-oracle-4node.txt")],
      ["lscpu", fixture("lscpu-epyc-7451.txt")],
      ["lscpu-p", fixture("lscpu-p-hpdl585.txt")],
      ["libvirt", fixture("libvirt-caps-x86_64-basic.xml")],
      ["hwloc", fixture("hwloc-8intel64-4n2t-memattrs.xml")],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...inputs), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.string({ maxLength: 8 })), { maxLength: 5 }), ([format, base], edits) => {
        let text = base;
        for (const [pos, del, ins] of edits) {
          const p = pos % (text.length + 1);
          text = text.slice(0, p) + ins + text.slice(p + del);
        }
        const r = importTopology(format, text);
        if (r.ok) expect(topologySchema.safeParse(r.topology).success).toBe(true);
        else expect(typeof r.error).toBe("string");
      }),
      { numRuns: 600 },
    );
  });
});

describe("caches and PCI devices from other tools' outputs", () => {
  it("lscpu -p's cache columns give which CPUs share each cache: EPYC 7451 has two L3s of 6 PUs per node", () => {
    const { t, lacks } = read("lscpu-p", "lscpu-p-epyc-7451.txt");
    const l3 = t.caches!.filter((c) => c.level === 3);
    expect(l3).toHaveLength(16);
    expect(l3[0]).toEqual({ level: 3, type: "unified", size: 0, cpus: [0, 1, 2, 48, 49, 50] });
    expect(t.caches!.filter((c) => c.level === 1 && c.type === "instruction")).toHaveLength(48);
    expect(lacks.join()).toContain("cache sizes");
  });

  it("hwloc 2.x XML: every cache with its size, and PCI devices on the node of their ancestor", () => {
    const { t } = read("hwloc", "hwloc-epyc-7763-zen3.xml");
    const l3 = t.caches!.filter((c) => c.level === 3);
    expect(l3).toHaveLength(16);
    expect(l3.every((c) => c.size === 32 * 2 ** 20 && c.cpus.length === 8)).toBe(true);
    expect(t.caches!.filter((c) => c.level === 1 && c.type === "instruction")).toHaveLength(128);
    const pci = read("hwloc", "hwloc-2n8c2t-pci.xml").t.pciDevices!;
    expect(pci.find((d) => d.address === "0000:81:00.0")).toMatchObject({ numaNode: 1, classCode: 0x020000, vendor: 0x8086, device: 0x1521 });
    expect(pci.find((d) => d.address === "0000:03:00.0")).toMatchObject({ numaNode: 0, className: "3D controller" });
  });

  it("formats without caches (numactl, virsh capabilities) leave them out rather than inventing some", () => {
    expect(read("numactl", "numactl-this-vm.txt").t.caches).toBeUndefined();
    expect(read("libvirt", "libvirt-caps-x86_64-basic.xml").t.caches).toBeUndefined();
  });
});
