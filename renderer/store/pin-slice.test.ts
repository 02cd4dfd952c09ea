// The canvas's pinning actions through the store, against the real backend in-process: each
// drop is one undo step, a refused one says why and changes nothing, the libvirt export and the
// launch script follow, and an I/O thread added from the chip's menu is on the command line.

import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../../electron/backend/backend";
import { createAppStore } from "./store";
import { exportLibvirt } from "../../shared/export/libvirt";
import { generateArgs } from "../../shared/qemu/generate";
import { addIothread } from "../../shared/pin/edits";

const runs = mkdtempSync(join(tmpdir(), "numadesk-pin-store-"));
const backend = createBackend({ runsDir: runs });
afterAll(async () => {
  await backend.close();
  rmSync(runs, { recursive: true, force: true });
});

async function seedStore() {
  const store = createAppStore(backend.api);
  await store.getState().chooseSample("bm-standard2-52");
  store.getState().plan({ mem: "8G", vcpus: 8, threads: 4 });
  return store;
}
const xml = (s: Awaited<ReturnType<typeof seedStore>>) => exportLibvirt(s.getState().layout).xml;

describe("pinning from the canvas, through the store", () => {
  it("a vCPU dropped on a PU, the emulator on a node, a reserved PU: one undo step each", async () => {
    const store = await seedStore();
    const s = () => store.getState();
    const start = s().layout;
    s().pinVcpus([0], { pu: 5 });
    expect(xml(store)).toContain("<vcpupin vcpu='0' cpuset='5'/>");
    s().pinThreadTo({ kind: "emulator" }, { node: 1 });
    expect(xml(store)).toContain("<emulatorpin cpuset='26-51,78-103'/>");
    s().toggleReserve(5);
    expect(xml(store)).not.toContain("cpuset='5'");
    expect(xml(store)).toContain("<vcpupin vcpu='0' cpuset='0-4,6-25,52-77'/>");
    s().undo();
    expect(xml(store)).toContain("<vcpupin vcpu='0' cpuset='5'/>");
    s().undo();
    s().undo();
    expect(s().layout).toBe(start);
  });

  it("a refused drop says why and leaves the layout and the undo stack alone", async () => {
    const store = await seedStore();
    const s = () => store.getState();
    s().toggleReserve(9);
    const before = s().layout;
    const past = s().past.length;
    s().pinVcpus([0], { pu: 9 });
    expect(s().layout).toBe(before);
    expect(s().past.length).toBe(past);
    expect(s().message).toEqual({ kind: "error", text: "CPU 9 is reserved for the host: release it first (right-click it)" });
  });

  it("an I/O thread added and dropped on a PU is an -object iothread with an iothreadpin", async () => {
    const store = await seedStore();
    const s = () => store.getState();
    s().edit(addIothread);
    expect(generateArgs(s().layout)).toContain("iothread,id=io0");
    s().pinThreadTo({ kind: "iothread", id: "io0" }, { pu: 30 });
    expect(xml(store)).toContain("<iothreadpin iothread='1' cpuset='30'/>");
  });
});
