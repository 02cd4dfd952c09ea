// NUMA011's cpu-affinity case has a button: an offline or absent CPU in a thread-context's
// cpu-affinity is replaced by online CPUs the context can use (QEMU 7.2 refuses a list with
// none online, "Setting CPU affinity failed: Invalid argument"; electron/qemu/fix-oracle.test.ts
// runs the result through QEMU).

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { checkLayout } from "../validate/check";
import { fixesFor } from "./fixes";
import { topologySchema, type HostTopology } from "../topology/schema";

const seed = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/bm-standard2-52.json"), "utf8")));
/** The seed host with some of node 1's CPUs offline (as `echo 0 > /sys/devices/system/cpu/cpuN/online` leaves it). */
const withOffline = (cpus: number[]): HostTopology => ({ ...seed, cpus: seed.cpus.map((c) => (cpus.includes(c.id) ? { ...c, online: false } : c)) });
const line = (affinity: string, node = 1) =>
  parseCommandLine(
    `qemu-system-x86_64 -name debug-threads=on -m 1G -smp 2 -numa node,nodeid=0,cpus=0-1,memdev=a -object thread-context,id=t0,cpu-affinity=${affinity} -object memory-backend-ram,id=a,size=1G,host-nodes=${node},policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=t0`,
  ).layout;
const numa011 = (l: ReturnType<typeof line>, h: HostTopology) => checkLayout(l, { host: h }).filter((d) => d.code === "NUMA011");

describe("NUMA011 for cpu-affinity: the offline-CPU case has a button", () => {
  const node1 = seed.cpus.filter((c) => c.node === 1).map((c) => c.id);
  it("some offline: keeps the online ones", () => {
    const host = withOffline([node1[1]!]);
    const l = line(`${node1[0]}-${node1[1]}`);
    const [d] = numa011(l, host);
    expect(d).toBeDefined();
    const [fix] = fixesFor(d!, l, host);
    expect(fix?.label).toBe(`keep t0 on its online CPUs (${node1[0]})`);
    const fixed = fix!.apply(l);
    expect(fixed.threadContexts[0]!.cpuAffinity).toBe(String(node1[0]));
    expect(numa011(fixed, host)).toEqual([]);
  });

  it("all offline: the online CPUs of the node they belong to", () => {
    const host = withOffline(node1.slice(0, 2));
    const l = line(`${node1[0]}-${node1[1]}`);
    const [d] = numa011(l, host);
    const [fix] = fixesFor(d!, l, host);
    const fixed = fix!.apply(l);
    expect(fixed.threadContexts[0]!.cpuAffinity).not.toContain(String(node1[0]));
    expect(fix!.label).toMatch(/^put t0 on node 1's online CPUs \(.+\), the online CPUs of its node$/);
    expect(numa011(fixed, host)).toEqual([]);
  });

  it("CPUs the host lacks: the node of the memory the context preallocates", () => {
    const l = line("9000-9001", 0);
    const [d] = numa011(l, seed);
    const [fix] = fixesFor(d!, l, seed);
    expect(fix?.label).toMatch(/^put t0 on node 0's online CPUs \(.+\), nearest its memory$/);
    expect(numa011(fix!.apply(l), seed)).toEqual([]);
  });
});
