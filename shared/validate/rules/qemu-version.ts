// QEMU version: what the selected QEMU lacks or does differently. Each check reads its release
// from its own metadata, so the README's table and the check cannot disagree.

import { versionBefore } from "../context";
import { atName, atThreadContext } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

// thread-context (and prealloc-context=) came with QEMU 7.2.
const NUMA020: RuleMeta = { code: "NUMA020", severity: "error", title: "thread-contexts with a QEMU older than 7.2", concern: "qemu version", qemu: { min: "7.2" }, policy: true };
// Before QEMU 11 threads are named only with -name debug-threads=on.
const NUMA030: RuleMeta = {
  code: "NUMA030",
  severity: "hint",
  title: "preallocation without `-name debug-threads=on` (threads are not named before QEMU 11)",
  concern: "qemu version",
  qemu: { max: "11.0" },
  policy: false,
};

// NUMA020: thread-context and prealloc-context need QEMU 7.2.
export const contextNeedsQemu72: RuleDef = {
  name: "contextNeedsQemu72",
  codes: [NUMA020],
  check: (layout, { qemu }) => {
    if (!versionBefore(qemu?.version, NUMA020.qemu!.min!)) return [];
    return layout.threadContexts.map((t, i) =>
      emit(NUMA020, `thread-context ${t.id} needs QEMU 7.2 or newer; this QEMU is ${qemu!.version}`, "upgrade QEMU (Debian 12 ships 7.2) or remove the thread-contexts", atThreadContext(t, i)),
    );
  },
};

// NUMA030: the sampler and `ps` see thread names only with debug-threads=on before QEMU 11.
export const threadNames: RuleDef = {
  name: "threadNames",
  codes: [NUMA030],
  check: (layout, { qemu }) => {
    if (!layout.backends.some((b) => b.prealloc)) return [];
    if (layout.name?.debugThreads) return [];
    const v = qemu?.version;
    if (v && !versionBefore(v, NUMA030.qemu!.max!)) return [];
    return [
      emit(
        NUMA030,
        "QEMU's threads are not named (no -name debug-threads=on): ps and top show every thread as qemu-system-x86, not touch_pages",
        "add -name debug-threads=on (Numadesk adds it itself when it launches a run)",
        atName(),
      ),
    ];
  },
};

export const QEMU_VERSION_RULES: readonly RuleDef[] = [contextNeedsQemu72, threadNames];
