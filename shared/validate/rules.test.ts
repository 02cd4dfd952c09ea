import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { checkLayout } from "./check";
import { topologySchema, type HostTopology } from "../topology/schema";
import type { CheckContext } from "./context";
import { RULE_CODES, ruleMeta } from "./rules/registry";
import type { Layout } from "../layout/schema";
import { PIN_CASES } from "./rules/pinning-cases";
import { importHwloc } from "../topology/import/hwloc";
import { importLscpuParsable } from "../topology/import/lscpu";

const root = join(import.meta.dirname, "../..");
const host = (name: string): HostTopology => topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts", `${name}.json`), "utf8")));
const seedHost = host("bm-standard2-52");
const cxl = host("cxl-4node");
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../qemu/fixtures", name), "utf8");
const imported = (r: ReturnType<typeof importHwloc>) => {
  if (!r.ok) throw new Error(r.error);
  return r.topology;
};
const importFixture = (name: string) => readFileSync(join(import.meta.dirname, "../topology/import/fixtures", name), "utf8");
// real hwloc dump: a 2-socket Xeon with an I350 NIC (0000:81:00.0) and GPUs on node 1
const gpuNicHost = imported(importHwloc(importFixture("hwloc-2n8c2t-pci.xml"), "gpu-nic"));
// real lscpu -p: EPYC 7451, each of 8 nodes holding 2 L3 groups of 3 cores × 2 threads
const epyc7451 = (() => {
  const r = importLscpuParsable(importFixture("lscpu-p-epyc-7451.txt"));
  if (!r.ok) throw new Error(r.error);
  return r.topology;
})();
const probedGpuNicHost = {
  ...gpuNicHost,
  source: { kind: "sysfs" as const, detail: "a copy" },
  pciDevices: gpuNicHost.pciDevices!.map((d, i) => (d.address === "0000:81:00.0" ? d : { ...d, iommuGroup: 20 + i })),
};
const DEV2 = (dev: string) => `${GOOD2} -device vfio-pci,host=${dev}`;
const L3 = (vcpus: number) => `${Q} -m 1G -smp ${vcpus} -numa node,nodeid=0,cpus=0-${vcpus - 1},memdev=m0 -object memory-backend-ram,id=m0,size=1G,host-nodes=0,policy=bind`;

function check(line: string, ctx: CheckContext = {}, edit?: (l: Layout) => void) {
  const { layout } = parseCommandLine(line);
  edit?.(layout);
  return checkLayout(layout, ctx);
}

const Q = "qemu-system-x86_64 -name debug-threads=on";
// A clean 2-node layout on the seed host: the planner's output for 4G, 4 vCPUs, 4 threads.
const GOOD2 = `${Q} -m 4G -smp 4 -numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1
  -object thread-context,id=tc0,node-affinity=0 -object thread-context,id=tc1,node-affinity=1
  -object memory-backend-ram,id=m0,size=2G,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc0
  -object memory-backend-ram,id=m1,size=2G,host-nodes=1,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc1`;

// What QEMU 7.2's -help, -object help and -machine help list, as recorded with the oracle corpus.
const QEMU72_HELP = JSON.parse(readFileSync(join(import.meta.dirname, "oracle/corpus.json"), "utf8")).qemuHelp;

interface Case {
  code: string;
  what: string;
  bad: string;
  good: string;
  ctx?: CheckContext;
  /** pinning has no QEMU option: set on the imported layouts */
  edit?: { bad: (l: Layout) => void; good: (l: Layout) => void };
}

const CASES: Case[] = [
  { code: "NUMA001", what: "backend sizes differ from -m", bad: GOOD2.replace("-m 4G", "-m 6G"), good: GOOD2 },
  {
    code: "NUMA001",
    what: "the boot backend differs from -m",
    bad: `${Q} -m 3G -machine q35,memory-backend=r -object memory-backend-ram,id=r,size=2G`,
    good: `${Q} -m 2G -machine q35,memory-backend=r -object memory-backend-ram,id=r,size=2G`,
  },
  { code: "NUMA002", what: "a vCPU index at or above -smp", bad: GOOD2.replace("-smp 4", "-smp 3"), good: GOOD2 },
  { code: "NUMA003", what: "a vCPU in two guest nodes", bad: GOOD2.replace("cpus=2-3", "cpus=1-3"), good: GOOD2 },
  { code: "NUMA004", what: "a vCPU in no guest node", bad: GOOD2.replace("-smp 4", "-smp 6"), good: GOOD2 },
  { code: "NUMA005", what: "memdev names no backend", bad: GOOD2.replace("memdev=m1", "memdev=m9"), good: GOOD2 },
  { code: "NUMA006", what: "prealloc-context names no thread-context", bad: GOOD2.replace("prealloc-context=tc1", "prealloc-context=tc9"), good: GOOD2 },
  { code: "NUMA007", what: "two objects with one id", bad: GOOD2.replace("thread-context,id=tc1", "thread-context,id=tc0").replace("prealloc-context=tc1", "prealloc-context=tc0"), good: GOOD2 },
  { code: "NUMA008", what: "a malformed id", bad: GOOD2.replaceAll("m1", "1m"), good: GOOD2 },
  { code: "NUMA009", what: "a duplicate guest node id", bad: GOOD2.replace("nodeid=1", "nodeid=0"), good: GOOD2 },
  { code: "NUMA010", what: "host-nodes not on the target host", bad: GOOD2.replace("host-nodes=1", "host-nodes=3"), good: GOOD2, ctx: { host: seedHost } },
  { code: "NUMA011", what: "a thread-context on a CPU-less node", bad: GOOD2.replace("node-affinity=1", "node-affinity=3").replace("host-nodes=1", "host-nodes=3"), good: GOOD2, ctx: { host: cxl } },
  {
    code: "NUMA012",
    what: "a policy without host-nodes",
    bad: `${Q} -m 1G -object memory-backend-ram,id=r,size=1G,policy=bind -machine memory-backend=r`,
    good: `${Q} -m 1G -object memory-backend-ram,id=r,size=1G -machine memory-backend=r`,
  },
  {
    code: "NUMA013",
    what: "more preallocated memory than the node has free",
    bad: GOOD2.replace("-m 4G", "-m 502G").replace("id=m0,size=2G", "id=m0,size=500G"),
    good: GOOD2,
    ctx: { host: seedHost },
  },
  {
    code: "NUMA014",
    what: "a huge-page backend not a multiple of its page size",
    bad: `${Q} -m 1025M -object memory-backend-memfd,id=h,size=1025M,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind -numa node,memdev=h`,
    good: `${Q} -m 1G -object memory-backend-memfd,id=h,size=1G,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind -numa node,memdev=h`,
    ctx: { host: cxl },
  },
  {
    code: "NUMA015",
    what: "two huge-page backends that fit alone but not together",
    bad: `${Q} -m 2400M -smp 2 -numa node,nodeid=0,cpus=0,memdev=h0 -numa node,nodeid=1,cpus=1,memdev=h1 -object memory-backend-memfd,id=h0,size=1200M,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind -object memory-backend-memfd,id=h1,size=1200M,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind`,
    good: `${Q} -m 2400M -smp 2 -numa node,nodeid=0,cpus=0,memdev=h0 -numa node,nodeid=1,cpus=1,memdev=h1 -object memory-backend-memfd,id=h0,size=1200M,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind -object memory-backend-ram,id=h1,size=1200M`,
    ctx: { host: cxl },
  },
  {
    code: "NUMA015",
    what: "more huge pages than the node has free",
    bad: `${Q} -m 4G -object memory-backend-memfd,id=h,size=4G,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind -numa node,memdev=h`,
    good: `${Q} -m 1G -object memory-backend-memfd,id=h,size=1G,hugetlb=on,hugetlbsize=2M,host-nodes=0,policy=bind -numa node,memdev=h`,
    ctx: { host: cxl },
  },
  {
    code: "NUMA015",
    what: "a memfd and a file on hugetlbfs that fit alone but not together on one node",
    bad: `${Q} -m 2400M -smp 2 -numa node,nodeid=0,cpus=0,memdev=h0 -numa node,nodeid=1,cpus=1,memdev=h1 -object memory-backend-memfd,id=h0,size=1200M,hugetlb=on,host-nodes=0,policy=bind -object memory-backend-file,id=h1,size=1200M,mem-path=/dev/hugepages,host-nodes=0,policy=bind`,
    // 600 + 400 pages of 2 MiB: exactly node 0's 1000 free
    good: `${Q} -m 2000M -smp 2 -numa node,nodeid=0,cpus=0,memdev=h0 -numa node,nodeid=1,cpus=1,memdev=h1 -object memory-backend-memfd,id=h0,size=1200M,hugetlb=on,host-nodes=0,policy=bind -object memory-backend-file,id=h1,size=800M,mem-path=/dev/hugepages,host-nodes=0,policy=bind`,
    ctx: { host: { ...cxl, hugetlbfs: [{ path: "/dev/hugepages", pageSize: 2 * 2 ** 20 }] } },
  },
  // the NIC is on host node 1; GOOD2 binds guest node 0's memory to 0 and node 1's to 1
  {
    code: "NUMA042",
    what: "a NIC on host node 1 for a guest whose memory is elsewhere",
    bad: DEV2("0000:81:00.0").replace("host-nodes=1", "host-nodes=0"),
    good: DEV2("0000:81:00.0"),
    ctx: { host: gpuNicHost },
  },
  { code: "NUMA043", what: "a passed-through device the host lacks", bad: DEV2("0000:99:00.0"), good: DEV2("0000:81:00.0"), ctx: { host: gpuNicHost } },
  // a probed host says which IOMMU group each device is in; a device in none cannot be passed through
  { code: "NUMA044", what: "a passed-through device in no IOMMU group on a probed host", bad: DEV2("0000:81:00.0"), good: DEV2("0000:81:00.1"), ctx: { host: probedGpuNicHost } },
  { code: "NUMA041", what: "a guest node of 8 vCPUs on a node of two 6-PU L3 groups", bad: L3(8), good: L3(6), ctx: { host: epyc7451 } },
  { code: "NUMA016", what: "prealloc-threads without prealloc", bad: GOOD2.replace("prealloc=on,prealloc-threads=2,prealloc-context=tc1", "prealloc-threads=2"), good: GOOD2 },
  { code: "NUMA017", what: "more threads than QEMU will start", bad: GOOD2.replaceAll("prealloc-threads=2", "prealloc-threads=64"), good: GOOD2, ctx: { host: seedHost } },
  { code: "NUMA018", what: "a context on another node than the memory", bad: GOOD2.replace("prealloc-context=tc1", "prealloc-context=tc0"), good: GOOD2 },
  {
    code: "NUMA018",
    what: "a memory-only node preallocated from a far node instead of the nearest",
    bad: `${Q} -m 2G -numa node,memdev=c -object thread-context,id=t,node-affinity=0 -object memory-backend-ram,id=c,size=2G,host-nodes=3,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t`,
    good: `${Q} -m 2G -numa node,memdev=c -object thread-context,id=t,node-affinity=2 -object memory-backend-ram,id=c,size=2G,host-nodes=3,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t`,
    ctx: { host: cxl },
  },
  { code: "NUMA019", what: "bound, preallocated memory without a context on a multi-node host", bad: fixture("seed-baseline.sh"), good: fixture("seed-fast.sh"), ctx: { host: seedHost } },
  { code: "NUMA020", what: "a thread-context with QEMU 7.1", bad: GOOD2, good: GOOD2, ctx: { qemu: { version: "7.1.0" } } },
  { code: "NUMA021", what: "both node and CPU affinity", bad: GOOD2.replace("node-affinity=0", "node-affinity=0,cpu-affinity=0-3"), good: GOOD2 },
  { code: "NUMA022", what: "prealloc-threads=0", bad: GOOD2.replace("prealloc-threads=2,prealloc-context=tc0", "prealloc-threads=0"), good: GOOD2 },
  { code: "NUMA023", what: "a context with one preallocation thread", bad: GOOD2.replace("prealloc-threads=2,prealloc-context=tc0", "prealloc-threads=1,prealloc-context=tc0"), good: GOOD2 },
  { code: "NUMA024", what: "-machine none with -numa", bad: GOOD2 + " -machine none", good: GOOD2 + " -machine q35" },
  { code: "NUMA045", what: "-nographic with -monitor stdio and a default serial port", bad: GOOD2 + " -nographic -monitor stdio", good: GOOD2 + " -nographic -monitor stdio -nodefaults" },
  // QEMU 7.2 runs a memory-less node beside memdev nodes (oracle corpus: numa-memless-node) and
  // refuses mem= beside memdev= (numa-mixed-mem-memdev): the case is the second now.
  {
    code: "NUMA025",
    what: "mem= on one node and memdev= on the other",
    bad: GOOD2.replace("-m 4G", "-machine pc-i440fx-5.0 -m 4G").replace(",memdev=m1", ",mem=2G"),
    good: GOOD2.replace("-m 4G", "-machine pc-i440fx-5.0 -m 4G"),
  },
  {
    code: "NUMA026",
    what: "an -smp topology that does not multiply out",
    bad: GOOD2.replace("-smp 4", "-smp 4,sockets=2,cores=4,threads=1"),
    good: GOOD2.replace("-smp 4", "-smp 4,sockets=2,cores=2,threads=1"),
  },
  {
    code: "NUMA027",
    what: "a backend nothing uses",
    bad: GOOD2 + " -object memory-backend-ram,id=spare,size=1G",
    good: GOOD2 + " -object memory-backend-ram,id=spare,size=1G -device pc-dimm,id=d0,memdev=spare",
  },
  { code: "NUMA028", what: "a guest distance to a node that does not exist", bad: GOOD2 + " -numa dist,src=0,dst=5,val=21", good: GOOD2 + " -numa dist,src=0,dst=1,val=21" },
  { code: "NUMA029", what: "mem-path on a ram backend", bad: GOOD2.replace("memory-backend-ram,id=m1,size=2G", "memory-backend-ram,id=m1,size=2G,mem-path=/dev/hugepages"), good: GOOD2 },
  { code: "NUMA030", what: "preallocation without thread names", bad: GOOD2.replace("-name debug-threads=on", ""), good: GOOD2 },
  { code: "NUMA031", what: "prealloc=on with reserve=off", bad: GOOD2.replace("id=m1,size=2G", "id=m1,size=2G,reserve=off"), good: GOOD2.replace("id=m1,size=2G", "id=m1,size=2G,reserve=on") },
  { code: "RISK001", what: "-incoming exec: in a shared line", bad: GOOD2 + " -incoming 'exec:touch /tmp/x'", good: GOOD2 + " -S" },
  { code: "RISK001", what: "-sandbox off", bad: GOOD2 + " -sandbox off", good: GOOD2 + " -sandbox on" },
  { code: "RISK002", what: "-pidfile writes a file", bad: GOOD2 + " -pidfile /tmp/x.pid", good: GOOD2 + " -nographic" },
  { code: "RISK002", what: "a serial port into a file", bad: GOOD2 + " -serial file:/tmp/x", good: GOOD2 + " -serial stdio" },
  { code: "RISK002", what: "a bare word is a disk image", bad: GOOD2 + " disk.img", good: GOOD2 },
  { code: "RISK003", what: "a monitor on a TCP socket", bad: GOOD2 + " -monitor tcp:0.0.0.0:4444,server=on", good: GOOD2 + " -monitor stdio" },
  { code: "RISK004", what: "a host PCI device passed through", bad: GOOD2 + " -device vfio-pci,host=0000:01:00.0", good: GOOD2 + " -device virtio-rng-pci" },
  {
    code: "RISK005",
    what: "a file backend with share and discard-data",
    bad: GOOD2.replace("memory-backend-ram,id=m1,size=2G", "memory-backend-file,id=m1,size=2G,mem-path=/home/u/doc,share=on,discard-data=on"),
    good: GOOD2,
  },
  { code: "RISK006", what: "LD_PRELOAD before the binary", bad: "LD_PRELOAD=/tmp/x.so " + GOOD2, good: "TZ=UTC " + GOOD2 },
  { code: "RISK006", what: "a binary that is not QEMU", bad: GOOD2.replace("qemu-system-x86_64", "/bin/sh"), good: GOOD2 },
  {
    code: "NUMA040",
    what: "a file backend in a folder the target lacks",
    bad: `${Q} -m 128M -numa node,memdev=f -object memory-backend-file,id=f,size=128M,mem-path=/nonexistent/dir/file`,
    good: `${Q} -m 128M -numa node,memdev=f -object memory-backend-file,id=f,size=128M,mem-path=/dev/shm`,
    ctx: { memPaths: { "/nonexistent/dir/file": "missing", "/dev/shm": "dir" } },
  },
  { code: "NUMA032", what: "an option the QEMU binary does not list", bad: GOOD2 + " -smpp 2", good: GOOD2 + " -M q35", ctx: { qemu: { version: "7.2.22", help: QEMU72_HELP } } },
  {
    code: "NUMA032",
    what: "an object type the QEMU binary does not list",
    bad: GOOD2 + " -object memory-backend-epc,id=e,size=64M",
    good: GOOD2 + " -object iothread,id=io0",
    ctx: { qemu: { version: "7.2.22", help: QEMU72_HELP } },
  },
  {
    code: "NUMA032",
    what: "a -machine property the QEMU binary does not list",
    bad: GOOD2 + " -machine q35,foo=on",
    good: GOOD2 + " -machine q35,hmat=on,accel=tcg,usb=off",
    ctx: { qemu: { version: "7.2.22", help: QEMU72_HELP } },
  },
  {
    code: "NUMA032",
    what: "a machine type the QEMU binary does not list",
    bad: GOOD2 + " -machine q36",
    good: GOOD2 + " -machine pc-q35-7.2",
    ctx: { qemu: { version: "7.2.22", help: QEMU72_HELP } },
  },
  // The codes added for the oracle corpus; each bad/good pair is a line QEMU 7.2 refused/ran there.
  { code: "NUMA033", what: "-m slots= without maxmem=", bad: `${Q} -m 256M,slots=2`, good: `${Q} -m 256M,slots=2,maxmem=512M` },
  {
    code: "NUMA033",
    what: "a pc-dimm beyond the hotplug space",
    bad: `${Q} -m 128M,slots=2,maxmem=192M -object memory-backend-ram,id=d0,size=128M -device pc-dimm,id=dimm0,memdev=d0`,
    good: `${Q} -m 128M,slots=2,maxmem=256M -object memory-backend-ram,id=d0,size=128M -device pc-dimm,id=dimm0,memdev=d0`,
  },
  {
    code: "NUMA033",
    what: "a pc-dimm without slots",
    bad: `${Q} -m 128M,maxmem=512M -object memory-backend-ram,id=d0,size=128M -device pc-dimm,id=dimm0,memdev=d0`,
    good: `${Q} -m 128M,slots=1,maxmem=512M -object memory-backend-ram,id=d0,size=128M -device pc-dimm,id=dimm0,memdev=d0`,
  },
  { code: "NUMA034", what: "one backend for two guest nodes", bad: GOOD2.replace("memdev=m1", "memdev=m0"), good: GOOD2 },
  {
    code: "NUMA034",
    what: "one backend for a guest node and a pc-dimm",
    bad: `${Q} -m 128M,slots=2,maxmem=512M -numa node,memdev=d0 -object memory-backend-ram,id=d0,size=128M -device pc-dimm,id=dimm0,memdev=d0`,
    good: `${Q} -m 128M,slots=2,maxmem=512M -numa node,memdev=m0 -object memory-backend-ram,id=m0,size=128M -object memory-backend-ram,id=d0,size=128M -device pc-dimm,id=dimm0,memdev=d0`,
  },
  {
    code: "NUMA035",
    what: "-machine memory-backend= with -numa memdev=",
    bad: `${Q} -m 128M -machine q35,memory-backend=r -numa node,memdev=m0 -object memory-backend-ram,id=r,size=128M -object memory-backend-ram,id=m0,size=128M`,
    good: `${Q} -m 128M -machine q35,memory-backend=r -object memory-backend-ram,id=r,size=128M`,
  },
  {
    code: "NUMA036",
    what: "mem= on a current machine type",
    bad: `${Q} -machine pc-q35-5.1 -m 256M -smp 2 -numa node,nodeid=0,cpus=0,mem=128M -numa node,nodeid=1,cpus=1,mem=128M`,
    good: `${Q} -machine pc-q35-5.0 -m 256M -smp 2 -numa node,nodeid=0,cpus=0,mem=128M -numa node,nodeid=1,cpus=1,mem=128M`,
  },
  { code: "NUMA036", what: "guest nodes none of which has memory", bad: `${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0 -numa node,nodeid=1,cpus=1`, good: GOOD2 },
  {
    code: "NUMA037",
    what: "a -numa dist table missing a pair",
    bad: `${GOOD2.replace("-m 4G", "-m 6G").replace("-smp 4", "-smp 6")} -numa node,nodeid=2,cpus=4-5,memdev=m2 -object memory-backend-ram,id=m2,size=2G -numa dist,src=0,dst=1,val=21`,
    good: `${GOOD2.replace("-m 4G", "-m 6G").replace("-smp 4", "-smp 6")} -numa node,nodeid=2,cpus=4-5,memdev=m2 -object memory-backend-ram,id=m2,size=2G -numa dist,src=0,dst=1,val=21 -numa dist,src=0,dst=2,val=31 -numa dist,src=1,dst=2,val=21`,
  },
  { code: "NUMA037", what: "-numa dist before the nodes it names", bad: GOOD2.replace(`${Q} `, `${Q} -numa dist,src=0,dst=1,val=21 `), good: GOOD2 + " -numa dist,src=0,dst=1,val=21" },
  {
    code: "NUMA038",
    what: "initiator= without hmat=on",
    bad: GOOD2.replace("nodeid=1,cpus=2-3", "nodeid=1,initiator=0,cpus=2-3"),
    good: GOOD2.replace("nodeid=1,cpus=2-3", "nodeid=1,initiator=0,cpus=2-3") + " -machine q35,hmat=on",
  },
  {
    code: "NUMA038",
    what: "an initiator without vCPUs",
    bad: `${Q} -machine q35,hmat=on -m 4G -smp 4 -numa node,nodeid=0,cpus=0-3,memdev=m0 -numa node,nodeid=1,memdev=m1,initiator=1 -object memory-backend-ram,id=m0,size=2G -object memory-backend-ram,id=m1,size=2G`,
    good: `${Q} -machine q35,hmat=on -m 4G -smp 4 -numa node,nodeid=0,cpus=0-3,memdev=m0 -numa node,nodeid=1,memdev=m1,initiator=0 -object memory-backend-ram,id=m0,size=2G -object memory-backend-ram,id=m1,size=2G`,
  },
  {
    code: "NUMA039",
    what: "clusters on x86 before QEMU 9.0",
    bad: GOOD2.replace("-smp 4", "-smp 4,sockets=1,clusters=2,cores=2,threads=1"),
    good: GOOD2.replace("-smp 4", "-smp 4,sockets=1,clusters=1,cores=4,threads=1"),
    ctx: { qemu: { version: "7.2.22" } },
  },
  { code: "NUMA039", what: "more vCPUs than pc takes", bad: `${Q} -machine pc -m 128M -smp 1,maxcpus=256`, good: `${Q} -machine pc -m 128M -smp 255` },
  ...PIN_CASES(GOOD2, seedHost),
];

describe("validation codes", () => {
  it("the clean 2-node layout has no diagnostics at all on the seed host", () => {
    expect(check(GOOD2, { host: seedHost })).toEqual([]);
  });

  it.each(CASES)("$code fires for $what", ({ code, bad, ctx, edit }) => {
    const diags = check(bad, ctx, edit?.bad);
    const d = diags.find((x) => x.code === code);
    expect(d, JSON.stringify(diags.map((x) => x.code))).toBeDefined();
    expect(d!.fix.length).toBeGreaterThan(5);
  });

  it.each(CASES)("$code stays quiet when the layout is right ($what)", ({ code, good, ctx, edit }) => {
    const ok = code === "NUMA020" ? check(good, { qemu: { version: "7.2.0" } }) : check(good, ctx, edit?.good);
    expect(ok.map((x) => x.code)).not.toContain(code);
  });
});

describe("the rule registry's metadata", () => {
  const diagnosticsOfCases = () =>
    CASES.flatMap(({ bad, good, ctx, edit }) =>
      [bad, good].flatMap((line, k) => {
        const { layout } = parseCommandLine(line);
        (k === 0 ? edit?.bad : edit?.good)?.(layout);
        return checkLayout(layout, ctx).map((d) => ({ d, layout }));
      }),
    );

  it("every registered code has a case here (a line that fires it and one that keeps it quiet)", () => {
    expect(RULE_CODES.map((m) => m.code).filter((c) => !CASES.some((x) => x.code === c))).toEqual([]);
  });

  it("every code a case is about is registered", () => {
    expect(CASES.map((x) => x.code).filter((c) => !ruleMeta(c))).toEqual([]);
  });

  it("each code is registered once", () => {
    const codes = RULE_CODES.map((m) => m.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });

  it("every code the cases emit is registered with the severity it is emitted with", () => {
    for (const { d } of diagnosticsOfCases()) {
      const meta = ruleMeta(d.code);
      expect(meta, d.code).toBeDefined();
      if (!meta!.severityVaries) expect(d.severity, d.code).toBe(meta!.severity);
    }
  });

  it("only errors are marked as policy (warnings and hints are things QEMU accepts)", () => {
    expect(RULE_CODES.filter((m) => m.policy && m.severity !== "error").map((m) => m.code)).toEqual([]);
  });

  it("QEMU version ranges are written major.minor", () => {
    for (const m of RULE_CODES) for (const v of [m.qemu?.min, m.qemu?.max]) if (v !== undefined) expect(v, m.code).toMatch(/^\d+\.\d+$/);
  });
});

describe("diagnostics name the element they point at", () => {
  // A path into one element: "backends[1].hostNodes", "threadContexts[0]", "smp", "machine.type".
  const LISTS: Record<string, string> = { backends: "backend", threadContexts: "threadContext", nodes: "node", distances: "distance", args: "arg" };
  const SINGLE: Record<string, string> = { memory: "memory", smp: "smp", name: "name", machine: "machine" };

  it("every diagnostic of the cases whose path points at one element has at.element, and it is that element", () => {
    let pointed = 0;
    for (const { bad, good, ctx } of CASES) {
      for (const line of [bad, good]) {
        const { layout } = parseCommandLine(line);
        for (const d of checkLayout(layout, ctx)) {
          const path = d.at?.path;
          const m = path ? /^([A-Za-z]+)(?:\[(\d+)\])?/.exec(path) : null;
          if (!m) continue;
          const [, slot, index] = m;
          const kind = index !== undefined ? LISTS[slot!] : SINGLE[slot!];
          if (!kind) continue;
          pointed++;
          const el = d.at!.element;
          expect(el, `${d.code} ${path}`).toBeDefined();
          expect(el!.kind, `${d.code} ${path}`).toBe(kind);
          if (index === undefined) continue;
          expect(el!.index, `${d.code} ${path}`).toBe(Number(index));
          if (kind === "backend") expect(el!.id).toBe(layout.backends[Number(index)]!.id);
          if (kind === "threadContext") expect(el!.id).toBe(layout.threadContexts[Number(index)]!.id);
          if (kind === "node") expect(el!.nodeid).toBe(layout.nodes[Number(index)]!.nodeid ?? Number(index));
        }
      }
    }
    expect(pointed).toBeGreaterThan(CASES.length);
  });
});

describe("host fit against what QEMU 7.2 did on a 1-node host", () => {
  const oneNode = { ...seedHost, name: "one node", nodes: [seedHost.nodes[0]!], distances: [[10]], cpus: seedHost.cpus.filter((c) => c.node === 0) };
  const line = (props: string) => `${Q} -m 1G -numa node,memdev=m0 -object memory-backend-ram,id=m0,size=1G,${props}`;

  it("host-nodes naming only absent nodes quotes QEMU's refusal; partly absent says QEMU runs, as a labelled policy error", () => {
    const all = check(line("host-nodes=1,policy=bind"), { host: oneNode }).find((d) => d.code === "NUMA010")!;
    expect(all.message).toContain('"cannot bind memory to host NUMA nodes: Invalid argument"');
    const some = check(line("host-nodes=0-1,policy=bind"), { host: oneNode }).find((d) => d.code === "NUMA010")!;
    expect(some.message).toMatch(/still starts/);
    expect(some.message).not.toContain("cannot bind");
    expect(some.message).toContain("(policy: the target host lacks it)");
  });

  it("node-affinity with one node that has CPUs does not claim QEMU's 'The nodes select no CPUs'", () => {
    const d = check(`${line("prealloc=on")} -object thread-context,id=t,node-affinity=0-1`, { host: oneNode }).find((x) => x.code === "NUMA011")!;
    expect(d.message).not.toContain("The nodes select no CPUs");
    expect(d.message).toContain("(policy: the target host lacks it)");
    const none = check(`${line("prealloc=on")} -object thread-context,id=t,node-affinity=1`, { host: oneNode }).find((x) => x.code === "NUMA011")!;
    expect(none.message).toContain('"The nodes select no CPUs"');
  });

  it("a memory-less guest node, hugetlbsize with hugetlb off, distance 10 and -machine memory-backend= without -m are no errors (QEMU 7.2 runs them)", () => {
    const lines = [
      `${Q} -m 1G -smp 2 -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1 -object memory-backend-ram,id=m0,size=1G`,
      `${Q} -m 1G -numa node,memdev=h -object memory-backend-memfd,id=h,size=1G,hugetlbsize=2M`,
      `${GOOD2} -numa dist,src=0,dst=1,val=10`,
      `${Q} -machine q35,memory-backend=r -object memory-backend-ram,id=r,size=256M`,
    ];
    for (const l of lines)
      expect(
        check(l).filter((d) => d.severity === "error"),
        l,
      ).toEqual([]);
  });
});

describe("what QEMU 7.2 reports first, when a line has two problems (oracle corpus)", () => {
  const oneNode = { ...seedHost, name: "one node", nodes: [seedHost.nodes[0]!], distances: [[10]], cpus: seedHost.cpus.filter((c) => c.node === 0) };

  it("a backend used by two nodes counts twice toward -m (NUMA001), as QEMU adds it up", () => {
    const d = check(`${Q} -m 256M -smp 2 -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m0 -object memory-backend-ram,id=m0,size=256M`);
    expect(d.map((x) => x.code)).toEqual(expect.arrayContaining(["NUMA001", "NUMA034"]));
    expect(d.find((x) => x.code === "NUMA001")!.message).toMatch(/adds up to 512 MiB/);
  });

  it("a host node beyond 127 quotes 'Invalid host-nodes value', not the bind failure", () => {
    const d = check(`${Q} -m 128M -numa node,memdev=m0 -object memory-backend-ram,id=m0,size=128M,host-nodes=200,policy=bind`, { host: oneNode }).find((x) => x.code === "NUMA010")!;
    expect(d.message).toContain('"Invalid host-nodes value: 200"');
  });

  it("huge pages bound to an absent node are NUMA010's, not a shortage of pages", () => {
    const codes = check(`${Q} -m 64M -numa node,memdev=h -object memory-backend-memfd,id=h,size=64M,hugetlb=on,hugetlbsize=2M,host-nodes=1,policy=bind`, { host: oneNode }).map((x) => x.code);
    expect(codes).toContain("NUMA010");
    expect(codes).not.toContain("NUMA015");
  });

  it("a dist naming a missing node is NUMA028's; the table is not judged then", () => {
    const codes = check(GOOD2 + " -numa dist,src=0,dst=5,val=21").map((x) => x.code);
    expect(codes).toContain("NUMA028");
    expect(codes).not.toContain("NUMA037");
  });
});

describe("the seed's command lines", () => {
  // As published, both lines end with -nographic -monitor stdio, which QEMU 7.2 and 10.0 refuse
  // (NUMA045, electron/qemu/console.test.ts); the seed's note says only -smp is missing.
  it.each(["seed-baseline.sh", "seed-fast.sh"])("%s has two errors on the seed host: the missing -smp and the console's stdio clash", (name) => {
    const errors = check(fixture(name), { host: seedHost }).filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code).sort()).toEqual(["NUMA002", "NUMA045"]);
    const smp = errors.find((d) => d.code === "NUMA002")!;
    expect(smp.message).toMatch(/no -smp/);
    expect(smp.fix).toBe("add -smp 104");
    expect(errors.find((d) => d.code === "NUMA045")!.message).toMatch(/cannot use stdio by multiple character devices/);
  });

  it.each(["seed-baseline.sh", "seed-fast.sh"])("%s with -smp 104 and -display none has no error or warning on the seed host", (name) => {
    const line = fixture(name).replace("-m 256G", "-m 256G -smp 104").replace("-nographic", "-display none");
    const diags = check(line, { host: seedHost });
    expect(diags.filter((d) => d.severity !== "hint")).toEqual([]);
    // with -nodefaults there is no default serial port to clash with
    expect(check(fixture(name).replace("-m 256G", "-m 256G -smp 104 -nodefaults"), { host: seedHost }).filter((d) => d.code === "NUMA045")).toEqual([]);
  });

  it("the fast line with -smp 104 and -display none checks clean, hints included", () => {
    expect(check(fixture("seed-fast.sh").replace("-m 256G", "-m 256G -smp 104").replace("-nographic", "-display none"), { host: seedHost })).toEqual([]);
  });

  it("the fast line says what is wrong on a 1-node host: node 1 is missing", () => {
    const oneNode = { ...seedHost, name: "one node", nodes: [seedHost.nodes[0]!], distances: [[10]], cpus: seedHost.cpus.filter((c) => c.node === 0) };
    const codes = check(fixture("seed-fast.sh").replace("-m 256G", "-m 256G -smp 104"), { host: oneNode }).map((d) => d.code);
    expect(codes).toContain("NUMA010");
    expect(codes).toContain("NUMA011");
  });
});
