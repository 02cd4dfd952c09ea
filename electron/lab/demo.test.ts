// The lab demo's plans, checked without booting: on 2 and on 4 nodes the pair is the same
// story (memory on the last node, two preallocation threads, without and with a
// thread-context there), and each job is valid for the lab's virtual host.

import { describe, expect, it } from "vitest";
import { demoJobs } from "./demo";
import { labTopology } from "../../shared/lab/topology";
import { preallocThreads } from "../../shared/qemu/prealloc";
import { checkLayout } from "../../shared/validate/check";
import { hasErrors } from "../../shared/diagnostics/diagnostic";

describe("the lab demo's plans", () => {
  for (const nodes of [2, 4] as const) {
    it(`${nodes} nodes: a thread-context on the memory's node and two threads per backend in the second job, none in the first`, () => {
      const host = labTopology(nodes);
      const [without, withTc] = demoJobs(nodes);
      for (const job of [without!, withTc!]) {
        expect(hasErrors(checkLayout(job.layout, { host, qemu: { version: "7.2.22" } })), job.label).toBe(false);
        for (const b of job.layout.backends) {
          expect(b.hostNodes).toBe(String(nodes - 1));
          // QEMU caps the threads by the host's online CPUs, not by the context's: 2 threads
          // on node 3's single vCPU is what QEMU 7.2 starts (the 4-node lab test sees both)
          expect(preallocThreads(b, job.layout, host.cpus.length).effective).toBeGreaterThanOrEqual(2);
        }
      }
      expect(without!.layout.threadContexts).toEqual([]);
      expect(withTc!.layout.threadContexts).toEqual([{ id: `tc${nodes - 1}`, nodeAffinity: String(nodes - 1) }]);
      expect(withTc!.layout.backends.every((b) => b.preallocContext === `tc${nodes - 1}`)).toBe(true);
    });
  }
});
