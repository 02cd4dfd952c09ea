// A sysfs copy from elsewhere (`--sysfs DIR`) is someone else's files: what it lacks is said in
// source.lacks, naming the file, and what would make us read outside it, loop or hang is
// refused with one sentence. Each tree is written on disk here, in the kernel's formats, and
// read by the real reader.

import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ProbeError, readSysfs } from "./sysfs";
import { topologySchema } from "../../shared/topology/schema";
import { writeTinySysfs } from "./fixtures/tiny-sysfs";

const base = mkdtempSync(join(tmpdir(), "numadesk-sysfs-copy-"));
afterAll(() => rmSync(base, { recursive: true, force: true }), 120_000);
let made = 0;

/** A fresh copy of the tiny 2-node host (fixtures/tiny-sysfs.ts) under this file's folder. */
const tinyHost = () => writeTinySysfs(join(base, `copy${made++}`));

const at = (root: string, rel: string) => join(root, "devices/system", rel);
const lacksOf = (root: string) => {
  const t = readSysfs({ root });
  expect(topologySchema.safeParse(t).success).toBe(true);
  return t.source.lacks ?? [];
};

describe("what a sysfs copy lacks is said, naming the file", () => {
  it("a whole copy says nothing is missing (the fixture is right)", () => {
    const t = readSysfs({ root: tinyHost() });
    expect(t.source.lacks).toBeUndefined();
    expect(t.nodes.map((n) => [n.cpus, n.memTotal])).toEqual([
      [[0, 1], 4 * 2 ** 30],
      [[2, 3], 4 * 2 ** 30],
    ]);
    expect(t.distances).toEqual([
      [10, 21],
      [21, 10],
    ]);
  });

  it("this machine's real /sys reads with nothing lacking", () => {
    expect(readSysfs().source.lacks).toBeUndefined();
  });

  it("every sysfs fixture reads with nothing lacking", () => {
    const fixtures = join(import.meta.dirname, "fixtures");
    for (const f of ["sysfs-bm-standard2-52", "sysfs-4node-cxl", "sysfs-this-vm-1node", "sysfs-2node-gpu-nic", "sysfs-xeon-6140-snc2"]) {
      expect(readSysfs({ root: join(fixtures, f) }).source.lacks, f).toBeUndefined();
    }
  });

  it("a node without meminfo: 0 B, and said", () => {
    const root = tinyHost();
    rmSync(at(root, "node/node1/meminfo"));
    const t = readSysfs({ root });
    expect(t.nodes[1]!.memTotal).toBe(0);
    expect(t.source.lacks).toEqual(["node/node1/meminfo is missing: its memory is taken as 0"]);
  });

  it("a meminfo without MemTotal or MemFree (or in other units, or not UTF-8) says which line", () => {
    const root = tinyHost();
    writeFileSync(at(root, "node/node0/meminfo"), "Node 0 MemTotal:        4 GB\n");
    writeFileSync(at(root, "node/node1/meminfo"), Buffer.from([0xff, 0xfe, 0x4d, 0x65, 0x6d, 0x0a]));
    const lacks = lacksOf(root);
    expect(lacks).toContain("node/nodeN/meminfo for N = 0-1 has no MemTotal line in kB: its memory is taken as 0");
    expect(lacks).toContain("node/nodeN/meminfo for N = 0-1 has no MemFree line in kB: its free memory is taken as 0");
  });

  it.each([
    ["too few numbers", "10\n"],
    ["too many numbers", "10 21 31\n"],
    ["words", "ten twenty-one\n"],
    ["an empty file", ""],
    ["a number above 255", "10 300\n"],
    ["a negative number", "10 -21\n"],
  ])("a node's distance file with %s: 10/20, and said with what it reads", (_what, text) => {
    const root = tinyHost();
    writeFileSync(at(root, "node/node0/distance"), text);
    const t = readSysfs({ root });
    expect(t.distances).toEqual([
      [10, 20],
      [21, 10],
    ]);
    expect(t.source.lacks).toEqual([`node/node0/distance reads '${text.trim()}', is not 2 distances from 0 to 255: taken as 10 to itself and 20 to the others`]);
  });

  it("a missing distance file is said too", () => {
    const root = tinyHost();
    rmSync(at(root, "node/node1/distance"));
    expect(lacksOf(root)).toEqual(["node/node1/distance is missing: taken as 10 to itself and 20 to the others"]);
  });

  it("garbage in core_id, physical_package_id and die_id: defaults, each said with the file", () => {
    const root = tinyHost();
    writeFileSync(at(root, "cpu/cpu1/topology/core_id"), "abc\n");
    writeFileSync(at(root, "cpu/cpu2/topology/physical_package_id"), "0x1\n");
    writeFileSync(at(root, "cpu/cpu3/topology/die_id"), "\n");
    const t = readSysfs({ root });
    expect(t.cpus[1]).toMatchObject({ core: 1 });
    expect(t.cpus[2]).toMatchObject({ socket: 0 });
    expect(t.cpus[3]!.die).toBeUndefined();
    expect(t.source.lacks).toEqual([
      "cpu/cpu1/topology/core_id reads 'abc', is not a number: the core is taken as the CPU's number",
      "cpu/cpu2/topology/physical_package_id reads '0x1', is not a number: the package is taken as 0",
      "cpu/cpu3/topology/die_id reads '', is not a number: the die is left unknown",
    ]);
  });

  it("the same gap on many CPUs is one line; a missing die_id (kernels before 5.2) and package -1 are not gaps", () => {
    const root = tinyHost();
    for (const c of [0, 1, 2, 3]) {
      writeFileSync(at(root, `cpu/cpu${c}/topology/core_id`), "\u001b]0;pwned\u0007\n");
      rmSync(at(root, `cpu/cpu${c}/topology/die_id`));
    }
    writeFileSync(at(root, "cpu/cpu3/topology/physical_package_id"), "-1\n");
    expect(lacksOf(root)).toEqual(["cpu/cpuN/topology/core_id for N = 0-3 is not a number: the core is taken as the CPU's number"]);
  });

  it("a bad value quoted in a lacks line cannot reach the terminal raw, and a long one is cut", () => {
    const root = tinyHost();
    writeFileSync(at(root, "cpu/cpu1/topology/core_id"), `\u001b[2J${"9".repeat(5000)}`);
    const [line] = lacksOf(root);
    expect(line).toContain("reads '\\x1b[2J999");
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(line!.length).toBeLessThan(200);
  });

  it("a missing cpulist, siblings list or huge-page count is said; a cpulist naming CPUs without a folder leaves them out", () => {
    const root = tinyHost();
    rmSync(at(root, "node/node1/cpulist"));
    writeFileSync(at(root, "node/node0/cpulist"), "0-1,7,4000-4001\n");
    rmSync(at(root, "cpu/cpu0/topology/thread_siblings_list"));
    writeFileSync(at(root, "node/node0/hugepages/hugepages-2048kB/free_hugepages"), "many\n");
    const t = readSysfs({ root });
    expect(t.nodes[0]!.cpus).toEqual([0, 1]);
    expect(t.cpus[2]!.node).toBe(0);
    expect(t.source.lacks).toEqual([
      "node/node0/cpulist names CPUs 7,4000-4001 that have no cpu/cpuN folder: they are left out",
      "node/node0/hugepages/hugepages-2048kB/free_hugepages is missing or not a number: taken as 0",
      "node/node1/cpulist is missing: the node is taken as having no CPUs",
      "cpu/cpu0/topology/thread_siblings_list is missing: the CPU is taken as having no SMT sibling",
      "cpu/cpuN for N = 2-3 is in no node's cpulist: taken as on node 0",
    ]);
  });

  it("a siblings list naming a CPU without a folder leaves it out, and says so", () => {
    const root = tinyHost();
    writeFileSync(at(root, "cpu/cpu0/topology/thread_siblings_list"), "0-1,64\n");
    const t = readSysfs({ root });
    expect(t.cpus[0]!.siblings).toEqual([0, 1]);
    expect(t.source.lacks).toEqual(["cpu/cpu0/topology/thread_siblings_list names CPUs 64 that have no cpu/cpuN folder: they are left out"]);
  });

  it("an attribute linked inside the copy is read; a dangling link is a missing file", () => {
    const root = tinyHost();
    rmSync(at(root, "node/node1/distance"));
    symlinkSync("../../../../elsewhere/distance", at(root, "node/node1/distance"));
    mkdirSync(join(root, "elsewhere"));
    writeFileSync(join(root, "elsewhere/distance"), "21 10\n");
    expect(lacksOf(root)).toEqual([]);
    rmSync(join(root, "elsewhere/distance"));
    expect(lacksOf(root)).toEqual(["node/node1/distance is missing: taken as 10 to itself and 20 to the others"]);
  });

  it("a copy without node/ and without /proc/meminfo beside it does not read this host's memory", () => {
    const root = tinyHost();
    rmSync(at(root, "node"), { recursive: true });
    // what the old reader took: the file beside the copy's folder
    mkdirSync(join(root, "../proc"), { recursive: true });
    writeFileSync(join(root, "../proc/meminfo"), "MemTotal: 999 kB\nMemFree: 1 kB\n");
    const t = readSysfs({ root });
    expect(t.nodes[0]!.memTotal).toBe(0);
    expect(t.source.lacks).toEqual(["node is missing (a kernel without NUMA) and no /proc/meminfo came with the copy: the memory is taken as 0"]);
  });
});

describe("caches, PCI devices and host-wide huge-page counts a copy gets wrong are said too", () => {
  /** The tiny host with one L3 per package, a NIC on node 1 and a 2 MiB pool, all as the kernel writes them. */
  const fullHost = () => {
    const root = tinyHost();
    const put = (rel: string, text: string) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    for (const c of [0, 1, 2, 3]) {
      const d = `devices/system/cpu/cpu${c}/cache/index3`;
      put(`${d}/level`, "3\n");
      put(`${d}/type`, "Unified\n");
      put(`${d}/size`, "32768K\n");
      put(`${d}/shared_cpu_list`, c < 2 ? "0-1\n" : "2-3\n");
    }
    const nic = "bus/pci/devices/0000:3b:00.0";
    put(`${nic}/class`, "0x020000\n");
    put(`${nic}/vendor`, "0x8086\n");
    put(`${nic}/device`, "0x1572\n");
    put(`${nic}/numa_node`, "1\n");
    for (const [f, v] of [
      ["nr_hugepages", "8"],
      ["free_hugepages", "8"],
      ["resv_hugepages", "0"],
      ["surplus_hugepages", "0"],
    ])
      put(`kernel/mm/hugepages/hugepages-2048kB/${f}`, `${v}\n`);
    return { root, put };
  };

  it("the whole copy says nothing is missing, and reads its L3s, NIC and pool", () => {
    const { root } = fullHost();
    const t = readSysfs({ root });
    expect(t.source.lacks).toBeUndefined();
    expect(t.caches?.map((c) => [c.level, c.size, c.cpus])).toEqual([
      [3, 32 * 2 ** 20, [0, 1]],
      [3, 32 * 2 ** 20, [2, 3]],
    ]);
    expect(t.pciDevices?.map((d) => [d.address, d.numaNode])).toEqual([["0000:3b:00.0", 1]]);
    expect(t.hugepagePools?.map((p) => [p.pageSize, p.total])).toEqual([[2 * 2 ** 20, 8]]);
  });

  it("a cache level, type, size or CPU list that is not what the kernel writes: the default, said with the file", () => {
    const { root, put } = fullHost();
    put("devices/system/cpu/cpu0/cache/index3/size", "lots\n");
    put("devices/system/cpu/cpu1/cache/index3/type", "Victim\n");
    put("devices/system/cpu/cpu2/cache/index3/level", "9\n");
    rmSync(join(root, "devices/system/cpu/cpu3/cache/index3/shared_cpu_list"));
    expect(lacksOf(root)).toEqual([
      "cpu/cpu0/cache/index3/size reads 'lots', is not a size in K, M or G: the cache's size is taken as 0",
      "cpu/cpu1/cache/index3/type reads 'Victim', is not Data, Instruction or Unified: the cache is left out",
      "cpu/cpu2/cache/index3/level reads '9', is not a cache level (1-4): the cache is left out",
      "cpu/cpu3/cache/index3/shared_cpu_list is missing or not a CPU list: the cache is taken as the CPU's alone",
    ]);
  });

  it("a PCI device without a readable class or with a bad numa_node: left out or node unknown, said with its address", () => {
    const { root, put } = fullHost();
    put("bus/pci/devices/0000:3b:00.0/numa_node", "one\n");
    put("bus/pci/devices/0000:5e:00.0/class", "display\n");
    put("bus/pci/devices/0000:5e:00.0/vendor", "0x10de\n");
    put("bus/pci/devices/0000:5e:00.0/device", "0x1eb8\n");
    put("bus/pci/devices/0000:5e:00.0/numa_node", "0\n");
    const t = readSysfs({ root });
    expect(t.pciDevices?.map((d) => [d.address, d.numaNode])).toEqual([["0000:3b:00.0", -1]]);
    expect(t.source.lacks).toEqual([
      "bus/pci/devices/0000:3b:00.0/numa_node reads 'one', is not a node number: the device's node is taken as unknown",
      "bus/pci/devices/0000:5e:00.0/class reads 'display', is not a hex id: the device is left out",
    ]);
  });

  it("a host-wide huge-page count missing or not a number: 0, said with the file", () => {
    const { root, put } = fullHost();
    put("kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "-3\n");
    rmSync(join(root, "kernel/mm/hugepages/hugepages-2048kB/resv_hugepages"));
    const t = readSysfs({ root });
    expect(t.hugepagePools?.[0]).toMatchObject({ free: 0, reserved: 0, total: 8 });
    expect(t.source.lacks).toEqual([
      "kernel/mm/hugepages/hugepages-2048kB/free_hugepages reads '-3', is negative: taken as 0",
      "kernel/mm/hugepages/hugepages-2048kB/resv_hugepages is missing or not a number: taken as 0",
    ]);
  });
});

describe("a sysfs copy is read only inside its folder, without loops", () => {
  const refused = (root: string, message: RegExp) => {
    const t0 = Date.now();
    expect(() => readSysfs({ root })).toThrow(ProbeError);
    expect(() => readSysfs({ root })).toThrow(message);
    expect(Date.now() - t0).toBeLessThan(10_000);
  };

  it("a node folder linked to a folder outside the copy is refused, naming the link", () => {
    const root = tinyHost();
    const outside = tinyHost();
    rmSync(at(root, "node/node1"), { recursive: true });
    symlinkSync(at(outside, "node/node1"), at(root, "node/node1"));
    refused(root, /node\/node1 is a symbolic link \(to .*copy\d+\/devices\/system\/node\/node1\), where sysfs has a folder/);
  });

  it("a node folder linked to the live /sys is refused (it would read this host's node)", () => {
    const root = tinyHost();
    rmSync(at(root, "node/node0"), { recursive: true });
    symlinkSync("/sys/devices/system/node/node0", at(root, "node/node0"));
    refused(root, /node\/node0 is a symbolic link \(to \/sys\/devices\/system\/node\/node0\)/);
  });

  it("an attribute linked outside the copy is refused with where it leads", () => {
    const root = tinyHost();
    rmSync(at(root, "node/node0/meminfo"));
    symlinkSync("/proc/meminfo", at(root, "node/node0/meminfo"));
    refused(root, /node\/node0\/meminfo leads outside the copy \(to \/proc\/meminfo\)/);
  });

  it("a folder deeper in the tree linked outside is refused when read through", () => {
    const root = tinyHost();
    rmSync(at(root, "cpu/cpu1/topology"), { recursive: true });
    symlinkSync("/sys/devices/system/cpu/cpu0/topology", at(root, "cpu/cpu1/topology"));
    refused(root, /cpu\/cpu1\/topology leads outside the copy \(to \/sys\/devices\/system\/cpu\/cpu0\/topology\)/);
  });

  it.each([
    ["node1 → . (the node/ folder itself: a phantom node)", "node/node1", "."],
    ["node1 → .. (an ancestor)", "node/node1", ".."],
    ["node1 → node0 (a second name for a node)", "node/node1", "node0"],
    ["cpu3 → cpu2", "cpu/cpu3", "cpu2"],
    ["cpu3 → itself (a loop)", "cpu/cpu3", "cpu3"],
  ])("%s is refused", (_what, rel, to) => {
    const root = tinyHost();
    rmSync(at(root, rel), { recursive: true });
    symlinkSync(to, at(root, rel));
    refused(root, new RegExp(`${rel.replace("/", "\\/")} is a symbolic link \\(to ${to.replace(/\./g, "\\.")}\\), where sysfs has a folder`));
  });

  it("a FIFO or a file where a node folder goes is refused, not read as an empty node", () => {
    const root = tinyHost();
    rmSync(at(root, "node/node1"), { recursive: true });
    execFileSync("mkfifo", [at(root, "node/node1")]);
    refused(root, /node\/node1 is a FIFO \(named pipe\), where sysfs has a folder/);
    rmSync(at(root, "node/node1"));
    writeFileSync(at(root, "node/node1"), "");
    refused(root, /node\/node1 is a file, where sysfs has a folder/);
  });

  it("node01 is not a second name for node1", () => {
    const root = tinyHost();
    execFileSync("cp", ["-r", at(root, "node/node1"), at(root, "node/node01")]);
    expect(readSysfs({ root }).nodes.map((n) => n.id)).toEqual([0, 1]);
  });

  it("a PCI entry may link inside the copy, as sysfs's own do; outside or back up it is refused", () => {
    const root = tinyHost();
    const fn = "0000:00:01.0";
    const dev = join(root, "devices/pci0000:00", fn);
    mkdirSync(dev, { recursive: true });
    for (const [f, v] of [
      ["class", "0x020000"],
      ["vendor", "0x8086"],
      ["device", "0x10d3"],
      ["numa_node", "1"],
    ]) {
      writeFileSync(join(dev, f!), `${v}\n`);
    }
    const entry = join(root, "bus/pci/devices", fn);
    mkdirSync(dirname(entry), { recursive: true });
    symlinkSync(`../../../devices/pci0000:00/${fn}`, entry);
    expect(readSysfs({ root }).pciDevices).toEqual([expect.objectContaining({ address: fn, vendor: 0x8086, numaNode: 1 })]);
    rmSync(entry);
    symlinkSync("/sys/bus/pci/devices/0000:00:00.0", entry);
    refused(root, /bus\/pci\/devices\/0000:00:01\.0 leads outside the copy/);
    rmSync(entry);
    symlinkSync("..", entry);
    refused(root, /bus\/pci\/devices\/0000:00:01\.0 leads back to a folder above it/);
  });
});

describe("hostile shapes end in a sentence or a lacks line, never a hang or a stack trace", () => {
  const oneSentence = (root: string, message: RegExp) => {
    const t0 = Date.now();
    let thrown: unknown;
    try {
      readSysfs({ root });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProbeError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toMatch(/\n|internal error|at .*\.ts:\d+/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  };

  it("10^5 node entries: refused by count after 70 000 names, before any is read", () => {
    const root = tinyHost();
    // Empty files named node2…node99999: the reader counts names before it looks at what they are,
    // so they stand for folders here. 10^5 folders took 25 s to make and over 2 minutes to delete
    // on this ext4 /tmp at load 8; files take about 15 s in all.
    const nodeDir = at(root, "node");
    for (let i = 2; i < 100_000; i++) closeSync(openSync(join(nodeDir, `node${i}`), "w"));
    try {
      oneSentence(root, /devices\/system\/node holds more than 70000 entries; no sysfs folder does/);
    } finally {
      for (let i = 2; i < 100_000; i++) unlinkSync(join(nodeDir, `node${i}`));
    }
  }, 180_000);

  it("more CPU folders than Linux has (8192) are refused by count", () => {
    const root = tinyHost();
    // empty files: the count is taken before any entry is looked at
    for (let i = 4; i <= 8192; i++) closeSync(openSync(at(root, `cpu/cpu${i}`), "w"));
    oneSentence(root, /devices\/system\/cpu has 8193 CPU folders; Linux has at most 8192/);
  }, 120_000);

  it("a node numbered past Linux's 1024 nodes is refused", () => {
    const root = tinyHost();
    execFileSync("cp", ["-r", at(root, "node/node1"), at(root, "node/node1024")]);
    oneSentence(root, /has a folder node1024: node numbers stop at 1023/);
  });

  it("a cpulist naming CPU 10^9 is refused with the number", () => {
    const root = tinyHost();
    writeFileSync(at(root, "node/node1/cpulist"), "2-3,1000000000\n");
    oneSentence(root, /node\/node1\/cpulist: .*1000000000.*above the limit 65535/);
  });

  it.each([
    ["a 100 MB meminfo", (f: string) => writeFileSync(f, Buffer.alloc(100 * 2 ** 20, 0x41)), /node1\/meminfo is 100 MiB, more than a sysfs attribute can be/],
    ["a FIFO as meminfo", (f: string) => execFileSync("mkfifo", [f]), /node1\/meminfo is a FIFO \(named pipe\), not a sysfs attribute/],
    ["a FIFO as core_id", (f: string) => execFileSync("mkfifo", [f.replace("node/node1/meminfo", "cpu/cpu2/topology/core_id")]), /cpu2\/topology\/core_id is a FIFO/],
    ["a folder as distance", (f: string) => mkdirSync(f.replace("meminfo", "distance")), /node1\/distance is a folder/],
    [
      "a socket as meminfo",
      // a Unix socket bound by a node process that exits without closing it: the file stays
      (f: string) => execFileSync(process.execPath, ["-e", "require('net').createServer().listen(process.argv[1], () => process.exit(0))", f]),
      /node1\/meminfo is a socket \(or a device with nothing behind it\), not a sysfs attribute/,
    ],
    ["/dev/zero's device node inside the copy as meminfo", (f: string) => execFileSync("mknod", [f, "c", "1", "5"]), /node1\/meminfo is a character device/],
  ])("%s", (what, plant, message) => {
    const root = tinyHost();
    const f = at(root, "node/node1/meminfo");
    if (!what.includes("core_id") && !what.includes("distance")) rmSync(f);
    else rmSync(what.includes("core_id") ? at(root, "cpu/cpu2/topology/core_id") : at(root, "node/node1/distance"));
    plant(f);
    oneSentence(root, message);
  });

  it("a copy's folder names that are not UTF-8 are not nodes", () => {
    const root = tinyHost();
    // node\xff: a name the kernel never makes; node's readdir gives it as "node\ufffd"
    mkdirSync(Buffer.concat([Buffer.from(at(root, "node/node")), Buffer.from([0xff])]));
    expect(readSysfs({ root }).nodes.map((n) => n.id)).toEqual([0, 1]);
  });

  it("a file made unreadable (chmod 000) reads for root, as the real /sys does; for another user it is a sentence", () => {
    const root = tinyHost();
    const f = at(root, "node/node1/meminfo");
    execFileSync("chmod", ["000", f]);
    if (process.getuid?.() !== 0) {
      oneSentence(root, /node1\/meminfo: permission denied/);
      return;
    }
    // root has CAP_DAC_OVERRIDE: mode 000 does not stop it, so the copy reads whole
    expect(readSysfs({ root }).nodes[1]!.memTotal).toBe(4 * 2 ** 30);
  });
});
