// Topology texts that lie: each value is possible, together they are not (numactl -H edited,
// truncated, or stitched from two hosts). Found by feeding such texts to `numadesk topo --from`.

import { describe, expect, it } from "vitest";
import { importNumactl } from "./import/numactl";
import { topologyInconsistency } from "./consistency";

const text = (free0: number, cpus1: string) =>
  `available: 2 nodes (0-1)\nnode 0 cpus: 0 1\nnode 0 size: 100 MB\nnode 0 free: ${free0} MB\nnode 1 cpus: ${cpus1}\nnode 1 size: 100 MB\nnode 1 free: 50 MB\nnode distances:\nnode 0 1\n0: 10 20\n1: 20 10\n`;

describe("a topology whose values disagree", () => {
  it("numactl -H with a CPU in two nodes is refused, naming the CPU and both nodes", () => {
    const r = importNumactl(text(50, "1 2"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe("the text contradicts itself: CPU 1 is listed by node 0 and by node 1; a CPU belongs to one node");
  });

  it("numactl -H with more free memory than memory is refused with both sizes", () => {
    const r = importNumactl(text(200, "2 3"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe("the text contradicts itself: node 0 has more free memory (200 MiB) than memory (100 MiB)");
  });

  it("the same text told truthfully is read", () => {
    const r = importNumactl(text(100, "2 3"));
    expect(r.ok).toBe(true);
    if (r.ok) expect(topologyInconsistency(r.topology)).toBeUndefined();
  });

  it("a CPU that names a node other than the one that lists it, and a distance matrix of the wrong shape", () => {
    const r = importNumactl(text(50, "2 3"));
    if (!r.ok) throw new Error(r.error);
    const t = r.topology;
    expect(topologyInconsistency({ ...t, cpus: t.cpus.map((c) => (c.id === 3 ? { ...c, node: 0 } : c)) })).toBe("CPU 3 says it is on node 0, but node 1 lists it");
    expect(topologyInconsistency({ ...t, distances: [[10]] })).toBe("the distances must be a 2×2 matrix, one row and column per node");
  });
});
