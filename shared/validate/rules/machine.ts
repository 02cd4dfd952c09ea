// Machine: what the -machine type allows at all.

import { atMachine } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const NUMA024: RuleMeta = { code: "NUMA024", severity: "error", title: "`-machine none` with `-numa`", concern: "machine", policy: false };

// NUMA024: -machine none has no NUMA.
export const machineNone: RuleDef = {
  name: "machineNone",
  codes: [NUMA024],
  check: (layout) =>
    layout.machine?.type === "none" && layout.nodes.length > 0
      ? [emit(NUMA024, `-machine none does not support -numa ("NUMA is not supported by this machine-type")`, "use -machine q35 or pc", atMachine("type"))]
      : [],
};

export const MACHINE_RULES: readonly RuleDef[] = [machineNone];
