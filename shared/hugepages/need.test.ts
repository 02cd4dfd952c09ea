import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { topologySchema, type HostTopology } from "../topology/schema";
import { hugepageClaims, hugepageShortfalls, mountOf, reserveSteps } from "./need";
import { checkLayout } from "../validate/check";

const cxl: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/cxl-4node.json"), "utf8")));
const MiB2 = 2 * 2 ** 20;
const layout = (line: string) => parseCommandLine(`qemu-system-x86_64 ${line}`).layout;

describe("the huge pages a layout takes, per node and page size", () => {
  it("counts memfd hugetlb (default 2 MiB) and file backends on hugetlbfs by their mount's page size", () => {
    const host = {
      ...cxl,
      hugetlbfs: [
        { path: "/dev/hugepages", pageSize: MiB2 },
        { path: "/mnt/huge1g", pageSize: 2 ** 30 },
      ],
    };
    const l = layout(
      "-object memory-backend-memfd,id=a,size=8M,hugetlb=on,host-nodes=0,policy=bind -object memory-backend-file,id=b,size=2G,mem-path=/mnt/huge1g/vm,host-nodes=1,policy=bind -object memory-backend-file,id=c,size=4M,mem-path=/dev/shm/x -object memory-backend-ram,id=d,size=1G",
    );
    expect(hugepageClaims(l, host).map((c) => [c.backend, c.pageSize, c.pages, c.nodes])).toEqual([
      ["a", MiB2, 4, [0]],
      ["b", 2 ** 30, 2, [1]],
    ]);
  });

  it("finds the mount holding a path, the longest first, never a sibling with a common prefix", () => {
    const mounts = [
      { path: "/dev/hugepages", pageSize: MiB2 },
      { path: "/dev/hugepages/big", pageSize: 2 ** 30 },
    ];
    expect(mountOf("/dev/hugepages/big/x", mounts)?.pageSize).toBe(2 ** 30);
    expect(mountOf("/dev/hugepages/x", mounts)?.pageSize).toBe(MiB2);
    expect(mountOf("/dev/hugepages2/x", mounts)).toBeUndefined();
  });

  it("names node, size and shortfall when two backends fit alone but not together", () => {
    // node 0 of the sample has 1000 free 2 MiB pages: 600 + 600 is 200 short
    const l = layout(
      "-object memory-backend-memfd,id=h0,size=1200M,hugetlb=on,host-nodes=0,policy=bind -object memory-backend-memfd,id=h1,size=1200M,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind",
    );
    const [s] = hugepageShortfalls(l, cxl);
    expect(s).toMatchObject({ pageSize: MiB2, nodes: [0], need: 1200, free: 1000, short: 200 });
    const d = checkLayout(l, { host: cxl }).find((x) => x.code === "NUMA015")!;
    expect(d.message).toContain("host node 0, 2 MiB huge pages: the layout needs 1200 (h0 600 + h1 600), 1000 are free: 200 short");
    expect(d.fix).toContain("echo 1224 > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages");
  });

  it("fills one-node claims first, then a two-node claim from what is left, and spreads the missing pages over its nodes", () => {
    const host = structuredClone(cxl);
    host.nodes[1]!.hugepages[0] = { pageSize: MiB2, total: 100, free: 100 };
    // a: 900 of node 0's 1000; b (nodes 0-1) needs 301 of the 100 + 100 left: 101 short
    const l = layout("-object memory-backend-memfd,id=a,size=1800M,hugetlb=on,host-nodes=0,policy=bind -object memory-backend-memfd,id=b,size=602M,hugetlb=on,host-nodes=0-1,policy=bind");
    const s = hugepageShortfalls(l, host);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ nodes: [0, 1], need: 301, free: 200, short: 101 });
    expect(reserveSteps(s, host).map((x) => [x.node, x.from, x.to])).toEqual([
      [0, 1024, 1075],
      [1, 100, 150],
    ]);
  });

  it("counts pages other mappings have reserved (resv_hugepages) as taken", () => {
    const host = { ...cxl, hugepagePools: [{ pageSize: MiB2, total: 1024, free: 1000, reserved: 500, surplus: 0 }] };
    const l = layout("-object memory-backend-memfd,id=h,size=1200M,hugetlb=on");
    expect(hugepageShortfalls(l, cxl)).toEqual([]);
    expect(hugepageShortfalls(l, host)[0]).toMatchObject({ need: 600, free: 500, short: 100, reservedBy: 500 });
  });

  it("is quiet when every node has the pages", () => {
    const l = layout("-object memory-backend-memfd,id=h0,size=1000M,hugetlb=on,host-nodes=0,policy=bind -object memory-backend-memfd,id=h1,size=1000M,hugetlb=on,host-nodes=0,policy=bind");
    expect(hugepageShortfalls(l, cxl)).toEqual([]);
  });
});
