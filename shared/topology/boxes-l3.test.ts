import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importHwloc } from "./import/hwloc";
import { importLscpuParsable } from "./import/lscpu";
import { hostBoxes } from "./boxes";
import { cardContent, hostGeometry, L3_HEAD } from "./box-geometry";
import { formatTopologyText } from "./format";
import type { HostTopology } from "./schema";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "import/fixtures", name), "utf8");
const ok = (r: ReturnType<typeof importHwloc>): HostTopology => {
  if (!r.ok) throw new Error(r.error);
  return r.topology;
};
const epyc7451 = ok(importLscpuParsable(fixture("lscpu-p-epyc-7451.txt")));
const gpuNic = ok(importHwloc(fixture("hwloc-2n8c2t-pci.xml"), "gpu-nic"));

describe("L3 groups in the box model", () => {
  it("a node of EPYC 7451 holds two L3 groups of 3 cores, in core order", () => {
    const n = hostBoxes(epyc7451).nodes[0]!;
    expect(n.l3!.map((g) => g.cores.map((c) => c.pus[0]!.os))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("no L3 level without caches, as lstopo skips what it does not know", () => {
    const { caches: _c, ...bare } = epyc7451;
    expect(hostBoxes(bare).nodes[0]!.l3).toBeUndefined();
  });

  it("topo text nests each L3's cores under it", () => {
    expect(formatTopologyText(epyc7451)).toContain(
      "    NUMA node 0: 0 B, 0 B free\n      L3 (size unknown): PU 0-2,48-50\n        3 cores × 2 PUs: PU 0-2 + 48-50\n      L3 (size unknown): PU 3-5,51-53\n",
    );
  });

  it("the canvas frames each L3 group around exactly its cores", () => {
    const card = cardContent(hostBoxes(epyc7451).nodes[0]!, false);
    expect(card.l3).toHaveLength(2);
    card.l3.forEach((f, i) => {
      const inside = card.cores.filter((c) => c.x >= f.x && c.x + c.w <= f.x + f.w && c.y >= f.y + L3_HEAD && c.y + c.h <= f.y + f.h);
      expect(inside.flatMap((c) => c.pus.map((p) => p.os)).sort((a, b) => a - b)).toEqual(i === 0 ? [0, 1, 2, 48, 49, 50] : [3, 4, 5, 51, 52, 53]);
    });
    for (const c of card.cores) expect(c.x + c.w).toBeLessThanOrEqual(card.w);
  });

  it("PCI devices go on their node's card, the unknown-node ones beside the machine", () => {
    const withUnknown: HostTopology = { ...gpuNic, pciDevices: [...gpuNic.pciDevices!, { address: "0000:00:1f.3", classCode: 0x0c0500, vendor: 0x8086, device: 0x1d22, numaNode: -1 }] };
    const m = hostBoxes(withUnknown);
    expect(m.nodes[1]!.pci!.map((d) => d.address)).toContain("0000:81:00.0");
    expect(m.unplacedPci!.map((d) => d.address)).toEqual(["0000:00:1f.3"]);
    const geo = hostGeometry(m, { aspect: 16 / 9 });
    const card = geo.cards[1]!;
    expect(card.pciY).toBeGreaterThan(card.memY);
    expect(card.chipsY).toBeGreaterThan(card.pciY!);
  });
});
