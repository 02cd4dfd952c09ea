import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planLayout } from "../plan/planner";
import { topologySchema, type HostTopology } from "../topology/schema";
import { pinModeOf, setPinList, setPinMode } from "./edits";

const seed: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/bm-standard2-52.json"), "utf8")));
const planned = () => {
  const r = planLayout(seed, { mem: "8G", vcpus: 4, threads: 4 });
  if (!r.ok) throw new Error("plan failed");
  return r.layout;
};

describe("pinning edits", () => {
  it("switches between node-wide, one PU per vCPU and none, keeping the reserved CPUs out", () => {
    const start = planned();
    expect(pinModeOf(start)).toBe("node");
    const reserved = setPinList(start, "reserved", "0, 52");
    if (!reserved.ok) throw new Error(reserved.error);
    const cpu = setPinMode(reserved.layout, seed, "cpu");
    if (!cpu.ok) throw new Error(cpu.error);
    expect(pinModeOf(cpu.layout)).toBe("cpu");
    expect(cpu.layout.pinning?.reserved).toBe("0,52");
    expect(cpu.layout.pinning?.vcpus?.[0]).toEqual({ vcpus: "0", hostCpus: "1" });
    const none = setPinMode(cpu.layout, seed, "none");
    expect(none.ok && pinModeOf(none.layout)).toBe("none");
    expect(none.ok && none.layout.pinning).toEqual({ reserved: "0,52" });
  });

  it("refuses a bad CPU list and a guest node whose memory is not bound", () => {
    expect(setPinList(planned(), "emulator", "3-1")).toMatchObject({ ok: false });
    const l = planned();
    delete l.backends[0]!.policy;
    expect(setPinMode(l, seed, "node")).toMatchObject({ ok: false, error: expect.stringMatching(/not bound to a host node/) });
    const cleared = setPinList({ ...planned(), pinning: { emulator: "5" } }, "emulator", "");
    expect(cleared.ok && cleared.layout.pinning).toBeUndefined();
  });

  it("a refused mode is said in the pinning panel's words, with what to do, not the CLI's (--pin cpu, --reserve)", () => {
    // 2 vCPUs in guest node 0 on host node 0; all but 1 of its 52 CPUs reserved for the host
    const l = planned();
    const node0 = seed.nodes.find((n) => n.id === 0)!.cpus;
    const reserved = setPinList(l, "reserved", node0.slice(1).join(","));
    if (!reserved.ok) throw new Error(reserved.error);
    const r = setPinMode(reserved.layout, seed, "cpu");
    if (r.ok) throw new Error("not refused");
    expect(r.error).toMatch(
      /^one PU per vCPU: guest node 0 has \d+ vCPUs but host node 0 has 1 CPU not reserved for the host, so vCPUs would share PUs; give fewer vCPUs, reserve fewer CPUs, or pin node-wide$/,
    );
    expect(r.error).not.toContain("--");
  });
});
