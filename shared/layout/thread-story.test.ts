import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { topologySchema } from "../topology/schema";
import { planLayout } from "../plan/planner";
import { threadStory } from "./thread-story";
import { emptyLayout } from "./schema";

const seed = topologySchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, "../../assets/hosts/bm-standard2-52.json"), "utf8")));

describe("the one story of the thread numbers", () => {
  const plan = planLayout(seed, { mem: "256G", vcpus: 104, threads: 16 });
  if (!plan.ok) throw new Error("plan failed");
  it("QEMU 7.2: the backends' workers, their sum, and that only one backend's run at once", () => {
    expect(threadStory(plan.layout, "7.2.22", 104)).toBe(
      'preallocation threads: ram-node0 8 + ram-node1 8 = 16 in all; at most 8 run at once: QEMU 7.2.22 preallocates backends one after another (in parallel only since QEMU 9.0). The bar\'s threads/VM is what "plan for me" shares out among the backends; the threads/backend chip gives that many to each backend of the host node it is dropped on.',
    );
  });
  it("QEMU 9.0 runs them together; a host with 4 CPUs caps each backend's workers", () => {
    expect(threadStory(plan.layout, "9.0.0", 104)).toContain("= 16 in all, all at once (QEMU 9.0.0 preallocates them in parallel)");
    expect(threadStory(plan.layout, "7.2.22", 4)).toContain("ram-node0 4 + ram-node1 4 = 8 in all; at most 4 run at once");
  });
  it("says nothing without preallocation", () => {
    expect(threadStory(emptyLayout(), "7.2.22")).toBeUndefined();
  });
});
