// Machine: what the -machine type allows at all.

import { atMachine } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";
import { layoutConsoleConflict } from "../../layout/guest-console";

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

const NUMA045: RuleMeta = { code: "NUMA045", severity: "error", title: "`-nographic` with `-monitor stdio`: two devices on stdio", concern: "machine", policy: false };

// NUMA045: -nographic gives the default serial port stdio once -monitor is given, and -monitor
// stdio wants stdio too. QEMU 7.2.22 and 10.0.2 refuse the pair ("cannot use stdio by multiple
// character devices"); -nodefaults or a -serial option takes the default serial port away
// (shared/layout/guest-console.ts, recorded in electron/qemu/console.test.ts).
export const consoleStdio: RuleDef = {
  name: "consoleStdio",
  codes: [NUMA045],
  check: (layout) => {
    const why = layoutConsoleConflict(layout);
    return why
      ? [
          emit(NUMA045, why, "use -display none (no window, the monitor stays on stdio), or drop -monitor stdio (-nographic alone multiplexes the serial port and the monitor on stdio)", {
            path: "console",
            element: { kind: "machine" },
          }),
        ]
      : [];
  },
};

export const MACHINE_RULES: readonly RuleDef[] = [machineNone, consoleStdio];
