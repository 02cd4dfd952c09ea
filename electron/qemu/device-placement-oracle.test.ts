// The expander bridges the line puts host devices on (shared/qemu/device-placement.ts), run by
// the installed QEMU. This host has no device to pass through (vfio-pci refuses any address
// here), so each vfio-pci is replaced by an emulated NIC of the same bus (e1000e on q35, e1000
// on pc) and QEMU's `info qtree` says where it sits: under the bridge whose numa_node is the
// device's guest node.

import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { parseCommandLine } from "../../shared/qemu/parse";
import { generateArgs } from "../../shared/qemu/generate";
import { ORACLE_ARGS } from "../oracle/verdict";
import { findQemu } from "./discover";
import type { Layout } from "../../shared/layout/schema";

const qemu = findQemu();

const layoutOn = (machine: string): Layout => ({
  ...parseCommandLine(
    `qemu-system-x86_64 ${machine} -m 512M -smp 2 -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1 -object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M`,
  ).layout,
  hostDevices: [
    { host: "0000:81:00.0", id: "hostdev0", guestNode: 1 },
    { host: "0000:83:00.0", id: "hostdev1", guestNode: 0 },
  ],
});

/** `info qtree` for the line with each vfio-pci,host=… replaced by `nic`. */
function qtree(args: string[], nic: string): string {
  const swapped = args.map((a) => a.replace(/^vfio-pci,host=[0-9a-f:.]+/, nic));
  return execFileSync(qemu, [...ORACLE_ARGS, "-monitor", "stdio", ...swapped], { input: "info qtree\nquit\n", encoding: "utf8", timeout: 60_000, stdio: ["pipe", "pipe", "pipe"] });
}

/** The numa_node of the bridge a device id sits under, read from the qtree's nesting. */
function nodeOfDevice(tree: string, id: string): number | undefined {
  // each bridge's bus is named by its id ("bus: pxb-node1"); its numa_node is on the bridge's own entry
  const bridges = new Map<string, number>();
  for (const m of tree.matchAll(/dev: pxb(?:-pcie)?, id "([^"]+)"\s*\n(?:\s+[^\n]*\n)*?\s+numa_node = (\d+)/g)) bridges.set(m[1]!, Number(m[2]));
  const lines = tree.split("\n");
  const at = lines.findIndex((l) => l.includes(`id "${id}"`));
  if (at < 0) return undefined;
  const indent = (l: string) => l.length - l.trimStart().length;
  // walk up to the enclosing "bus: pxb-nodeN"
  for (let i = at - 1, level = indent(lines[at]!); i >= 0; i--) {
    if (indent(lines[i]!) >= level) continue;
    level = indent(lines[i]!);
    const bus = /bus: (pxb-node\d+)/.exec(lines[i]!);
    if (bus) return bridges.get(bus[1]!);
  }
  return undefined;
}

describe("host devices placed on guest nodes, in QEMU's own tree", () => {
  it.each([
    ["-machine q35", "e1000e"],
    ["-machine pc", "e1000"],
    ["", "e1000"],
  ])(
    "%s: each device under the bridge of its guest node",
    (machine, nic) => {
      const tree = qtree(generateArgs(layoutOn(machine)), nic);
      expect(nodeOfDevice(tree, "hostdev0")).toBe(1);
      expect(nodeOfDevice(tree, "hostdev1")).toBe(0);
    },
    60_000,
  );
});
