// Live GiB per backend, against the real QEMU: the smaps of a run's QEMU say how much of each
// backend is populated, and when preallocation is done each backend is all there.

import { describe, expect, it } from "vitest";
import { readSysfs } from "../probe/sysfs";
import { runPrealloc } from "../qemu/launch";
import { parseSmaps, BackendFill } from "../../shared/run/populated";
import type { Layout } from "../../shared/layout/schema";

const host = readSysfs();
const node = String(host.nodes.find((n) => n.cpus.length > 0)!.id);

// two backends of different kinds and sizes, created in this order: ram first, then memfd
const layout: Layout = {
  version: 2,
  memory: { size: "384M" },
  smp: { cpus: 2 },
  nodes: [
    { nodeid: 0, cpus: "0", memdev: "m0" },
    { nodeid: 1, cpus: "1", memdev: "m1" },
  ],
  distances: [],
  threadContexts: [],
  backends: [
    { id: "m0", type: "ram", size: "256M", hostNodes: node, policy: "bind", prealloc: true, preallocThreads: 2 },
    { id: "m1", type: "memfd", size: "128M", hostNodes: node, policy: "bind", prealloc: true, preallocThreads: 2 },
  ],
  args: [],
};

describe("bytes populated per backend", () => {
  it("rise to each backend's size by the time QEMU greets, as its smaps mapping says", { timeout: 120_000 }, async () => {
    const events: Array<{ t: number; bytes: Record<string, number> }> = [];
    const record = await runPrealloc(layout, { host, onEvent: (e) => e.type === "populated" && events.push({ t: e.t, bytes: e.bytes }) });
    expect(record.outcome).toBe("ok");
    expect(events.length).toBeGreaterThan(0);
    const last = events.at(-1)!;
    expect(last.bytes).toEqual({ m0: 256 * 2 ** 20, m1: 128 * 2 ** 20 });
    // never more than the backend, never shrinking
    for (let i = 1; i < events.length; i++) for (const id of ["m0", "m1"]) expect(events[i]!.bytes[id]!).toBeGreaterThanOrEqual(events[i - 1]!.bytes[id]!);
    // the record keeps the series, for replays
    expect(record.populated?.t.length).toBe(events.length);
    expect(record.populated?.bytes.m0?.at(-1)).toBe(256 * 2 ** 20);
    // the last look is the one taken when QEMU greeted (late by however busy the machine is), not at exit
    expect(last.t).toBeGreaterThan(0);
    expect(last.t).toBeLessThan(record.timings.preallocMs! + 5000);
  });
});

describe("reading smaps", () => {
  const text = (entries: Array<[string, string, string, number]>) =>
    entries
      .map(
        ([range, perms, path, rssKb]) =>
          `${range} ${perms} 00000000 00:00 0                          ${path}\nSize:             1 kB\nRss:              ${rssKb} kB\nShared_Hugetlb:        0 kB\nPrivate_Hugetlb:       0 kB\nVmFlags: rd wr mr mw me ac sd\n`,
      )
      .join("");

  it("tells two same-sized ram backends apart by the order their mappings appear", () => {
    const fill = new BackendFill([
      { id: "a", bytes: 0x1000000, kind: "ram" },
      { id: "b", bytes: 0x1000000, kind: "ram" },
    ]);
    // a is mapped first (the higher address, top-down), then b below it
    expect(fill.look(parseSmaps(text([["7f0001000000-7f0002000000", "rw-p", "", 100]])))).toEqual({ a: 102400, b: 0 });
    expect(
      fill.look(
        parseSmaps(
          text([
            ["7f0000000000-7f0001000000", "rw-p", "", 8],
            ["7f0001000000-7f0002000000", "rw-p", "", 16384],
          ]),
        ),
      ),
    ).toEqual({ a: 16384 * 1024, b: 8192 });
  });

  it("ignores mappings of another size, kind or permission", () => {
    const fill = new BackendFill([{ id: "m", bytes: 0x1000000, kind: "memfd" }]);
    const seen = fill.look(
      parseSmaps(
        text([
          ["7f0001000000-7f0002000000", "rw-p", "", 100],
          ["7f0003000000-7f0004000000", "r--s", "/memfd:memory-backend-memfd (deleted)", 5],
          ["7f0004000000-7f0005000001", "rw-s", "/memfd:memory-backend-memfd (deleted)", 5],
        ]),
      ),
    );
    expect(seen).toEqual({ m: 0 });
    expect(fill.look(parseSmaps(text([["7f0006000000-7f0007000000", "rw-s", "/memfd:memory-backend-memfd (deleted)", 64]])))).toEqual({ m: 65536 });
  });
});
