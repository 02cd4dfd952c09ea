import { describe, expect, it } from "vitest";
import { labPinLines } from "./pins";
import { planLayout } from "../plan/planner";
import { labTopology } from "./topology";

const plan = (pin?: "node" | "cpu" | "none") => {
  const r = planLayout(labTopology(2), { mem: "256M", vcpus: 2, threads: 2, ...(pin ? { pin } : {}) });
  if (!r.ok) throw new Error(r.diagnostics[0]!.message);
  return r.layout;
};

describe("the lab's pin file", () => {
  it("node-wide pins: each vCPU thread by its QEMU name, the rest left alone", () => {
    expect(labPinLines(plan())).toBe("0-1 CPU 0/TCG\n2-3 CPU 1/TCG\n- *\n");
  });

  it("an emulator pin goes to '*', an I/O thread by its name cut to 15 bytes as the kernel cuts it", () => {
    const layout = plan();
    layout.pinning = { ...layout.pinning, emulator: "0" };
    layout.iothreads = [{ id: "a-long-iothread-id", hostCpus: "3" }];
    expect(labPinLines(layout)).toBe("0-1 CPU 0/TCG\n2-3 CPU 1/TCG\n3 IO a-long-iothr\n0 *\n");
  });

  it("a layout that pins nothing has no pin file", () => {
    expect(labPinLines(plan("none"))).toBeUndefined();
  });
});
