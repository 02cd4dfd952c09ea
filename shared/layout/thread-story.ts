// The one sentence that ties the app's three thread numbers together: "threads/VM" in the top
// bar (what "plan for me" shares out among the backends), the "threads/backend" chip in the
// layout panel (what one drop gives each backend of a host node) and the threads each backend
// row shows (what QEMU will really run, after its caps). A user saw 16, 2 and 8 and could not
// tell which was the VM's. It says the backends' workers, their sum, and how many QEMU runs at
// once: one backend after another before QEMU 9.0 (qemu/prealloc-rules.ts), so the sum is not
// what runs together there.

import type { Layout } from "./schema";
import { preallocPhases, preallocPlan } from "../qemu/prealloc-rules";

/** The sentence, or undefined when no backend is preallocated. */
export function threadStory(layout: Layout, qemuVersion: string | undefined, hostOnlineCpus?: number): string | undefined {
  const plan = preallocPlan(layout, qemuVersion, hostOnlineCpus);
  if (plan.length === 0) return undefined;
  const total = plan.reduce((a, p) => a + p.threadsSeen, 0);
  const atOnce = Math.max(...preallocPhases(plan).map((phase) => phase.reduce((a, p) => a + p.threadsSeen, 0)));
  const parts = plan.map((p) => `${p.id} ${p.threadsSeen === 0 ? "0 (QEMU's main thread)" : p.threadsSeen}`);
  const sum = plan.length > 1 ? `${parts.join(" + ")} = ${total} in all` : `${parts[0]}`;
  const alone = plan.find((p) => !p.parallel)?.why ?? "one backend after another";
  const how = plan.length === 1 ? "" : atOnce === total ? `, all at once (QEMU ${qemuVersion} preallocates them in parallel)` : `; at most ${atOnce} run at once: ${alone}`;
  return `preallocation threads: ${sum}${how}. The bar's threads/VM is what "plan for me" shares out among the backends; the threads/backend chip gives that many to each backend of the host node it is dropped on.`;
}
