import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../qemu/parse";
import { checkLayout } from "../validate/check";
import { topologySchema, type HostTopology } from "../topology/schema";
import { fixFor } from "../layout/fixes";
import { PIN_CASES } from "../validate/rules/pinning-cases";

const root = join(import.meta.dirname, "../..");
const seed: HostTopology = topologySchema.parse(JSON.parse(readFileSync(join(root, "assets/hosts/bm-standard2-52.json"), "utf8")));
const GOOD2 = `qemu-system-x86_64 -name debug-threads=on -m 4G -smp 4 -numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1
  -object thread-context,id=tc0,node-affinity=0 -object thread-context,id=tc1,node-affinity=1
  -object memory-backend-ram,id=m0,size=2G,host-nodes=0,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc0
  -object memory-backend-ram,id=m1,size=2G,host-nodes=1,policy=bind,prealloc=on,prealloc-threads=2,prealloc-context=tc1`;

describe("one-click fixes for the pinning rules", () => {
  it.each(PIN_CASES(GOOD2, seed))("$code: the fix makes it go away ($what)", ({ code, bad, edit }) => {
    const { layout } = parseCommandLine(bad);
    edit.bad(layout);
    const d = checkLayout(layout, { host: seed }).find((x) => x.code === code)!;
    expect(d).toBeDefined();
    const fix = fixFor(d, layout, seed);
    expect(fix, code).toBeDefined();
    const fixed = fix!.apply(layout);
    expect(checkLayout(fixed, { host: seed }).map((x) => x.code)).not.toContain(code);
    // the fix is an edit: the layout it was given is unchanged
    expect(checkLayout(layout, { host: seed }).map((x) => x.code)).toContain(code);
  });

  it("PIN001's fix pins the guest node to its memory's node, minus reserved CPUs", () => {
    const { layout } = parseCommandLine(GOOD2);
    layout.pinning = {
      reserved: "0,52",
      vcpus: [
        { node: 0, hostCpus: "26-51" },
        { vcpus: "1", hostCpus: "30" },
      ],
    };
    const d = checkLayout(layout, { host: seed }).find((x) => x.code === "PIN001")!;
    const fixed = fixFor(d, layout, seed)!.apply(layout);
    expect(fixed.pinning?.vcpus).toEqual([{ node: 0, hostCpus: "1-25,53-77" }]);
  });

  it("PIN004's fix puts each guest SMT pair on one host core", () => {
    const { layout } = parseCommandLine(GOOD2.replace("-smp 4", "-smp 4,sockets=2,cores=1,threads=2"));
    layout.pinning = {
      vcpus: [
        { vcpus: "0", hostCpus: "0" },
        { vcpus: "1", hostCpus: "1" },
      ],
    };
    const d = checkLayout(layout, { host: seed }).find((x) => x.code === "PIN004")!;
    const fixed = fixFor(d, layout, seed)!.apply(layout);
    expect(fixed.pinning?.vcpus?.slice(0, 2)).toEqual([
      { vcpus: "0", hostCpus: "0" },
      { vcpus: "1", hostCpus: "52" },
    ]);
  });
});
