import { describe, expect, it } from "vitest";
import { parseLabLine } from "./protocol";

describe("the lab's console lines", () => {
  it("reads every kind of line the guest prints", () => {
    expect(parseLabLine("NUMADESK-LAB HELLO 6.1.0-56-amd64 4")).toEqual({ kind: "hello", kernel: "6.1.0-56-amd64", cpus: 4 });
    expect(parseLabLine("NUMADESK-LAB TOPO 1 2-3 469972 440608 20 10")).toEqual({ kind: "topo", node: 1, cpus: [2, 3], memTotalKb: 469972, memFreeKb: 440608, distances: [20, 10] });
    expect(parseLabLine("NUMADESK-LAB TOPO 2 - 1000 900 20 20 10")).toMatchObject({ cpus: [] });
    expect(parseLabLine("NUMADESK-LAB A 142 2-3 touch_pages")).toEqual({ kind: "allowed", tid: 142, cpus: [2, 3], name: "touch_pages" });
    expect(parseLabLine("NUMADESK-LAB A 140 2-3 TC tc1")).toMatchObject({ name: "TC tc1" });
    expect(parseLabLine("NUMADESK-LAB T 21.30 142 3 R 950 touch_pages")).toEqual({ kind: "sample", t: 21.3, tid: 142, cpu: 3, state: "R", ranUs: 950, name: "touch_pages" });
    expect(parseLabLine("NUMADESK-LAB G 986.01")).toEqual({ kind: "greeting", t: 986.01 });
    expect(parseLabLine("NUMADESK-LAB E 1349.40 0")).toEqual({ kind: "exit", t: 1349.4, code: 0 });
    expect(parseLabLine("NUMADESK-LAB ALLDONE")).toEqual({ kind: "alldone" });
  });

  it("reads the pinning lines: status when pinned, every thread read back, pins that failed", () => {
    // as labsampler printed them for a paused QEMU 7.2 pinned vCPU by vCPU
    expect(parseLabLine("NUMADESK-LAB PS prelaunch")).toEqual({ kind: "pin-status", status: "prelaunch" });
    expect(parseLabLine("NUMADESK-LAB P 16696 1 0 qemu-system-x86")).toEqual({ kind: "pinned", tid: 16696, main: true, allowed: "0", name: "qemu-system-x86" });
    expect(parseLabLine("NUMADESK-LAB P 16700 0 2-3 CPU 1/TCG")).toEqual({ kind: "pinned", tid: 16700, main: false, allowed: "2-3", name: "CPU 1/TCG" });
    expect(parseLabLine("NUMADESK-LAB PE CPU 1/TCG (16700) to 7: Invalid argument")).toEqual({ kind: "pin-error", text: "CPU 1/TCG (16700) to 7: Invalid argument" });
    expect(parseLabLine("NUMADESK-LAB P 16700 2 2-3 CPU 1/TCG")).toBeUndefined();
    expect(parseLabLine("NUMADESK-LAB P 16700 0 x CPU 1/TCG")).toBeUndefined();
    expect(parseLabLine("NUMADESK-LAB PS")).toBeUndefined();
  });

  it("reads the guest's PCI lines, and refuses ones with impossible ids", () => {
    expect(parseLabLine("NUMADESK-LAB PCI 0000:81:00.0 0x020000 0x8086 0x10d3 1")).toEqual({ kind: "pci", address: "0000:81:00.0", classCode: 0x020000, vendor: 0x8086, device: 0x10d3, node: 1 });
    expect(parseLabLine("NUMADESK-LAB PCI 0000:00:1f.3 0x0c0500 0x8086 0x2930 -1")).toMatchObject({ node: -1 });
    expect(parseLabLine("NUMADESK-LAB PCI 0000:81:00.0 0x020000 0x18086 0x10d3 1")).toBeUndefined();
    expect(parseLabLine("NUMADESK-LAB PCI ../../x 0x020000 0x8086 0x10d3 1")).toBeUndefined();
  });

  it("finds a line after kernel noise on the same console line, and ignores everything else", () => {
    expect(parseLabLine("[    3.1] random: crng init done NUMADESK-LAB G 5.00")).toEqual({ kind: "greeting", t: 5 });
    expect(parseLabLine("[    3.369143] reboot: Power down")).toBeUndefined();
    expect(parseLabLine("NUMADESK-LAB T x y z")).toBeUndefined();
    expect(parseLabLine("NUMADESK-LAB A 1 0-99999999 x")).toBeUndefined();
    expect(parseLabLine("NUMADESK-LAB NOPE")).toBeUndefined();
  });
});
