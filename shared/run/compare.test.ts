import { describe, expect, it } from "vitest";
import { argvDiff, sharedDomainMs } from "./compare";

describe("runs side by side", () => {
  it("share the longest run's time axis", () => {
    const a = { samples: { t: [0, 10, 4200] }, timings: { preallocMs: 4100, totalMs: 5000 } };
    const b = { samples: { t: [0, 1900] }, timings: { preallocMs: 1800, totalMs: 2500 } };
    expect(sharedDomainMs([a, b] as never)).toBe(4500);
    expect(sharedDomainMs([b] as never)).toBe(2000);
  });
  it("mark the options that differ", () => {
    const without = ["qemu-system-x86_64", "-m", "256M", "-object", "memory-backend-ram,id=ram0,size=256M,prealloc=on"];
    const withCtx = ["qemu-system-x86_64", "-m", "256M", "-object", "thread-context,id=tc0,node-affinity=1", "-object", "memory-backend-ram,id=ram0,size=256M,prealloc=on,prealloc-context=tc0"];
    const d = argvDiff(withCtx, without);
    expect(d.filter((p) => p.changed).map((p) => p.text)).toEqual(["-object thread-context,id=tc0,node-affinity=1", "-object memory-backend-ram,id=ram0,size=256M,prealloc=on,prealloc-context=tc0"]);
    expect(d.find((p) => p.text === "-m 256M")?.changed).toBe(false);
    expect(argvDiff(["-qmp", "unix:/tmp/a.sock"], ["-qmp", "unix:/tmp/b.sock"])[0]!.changed).toBe(false);
  });
});
