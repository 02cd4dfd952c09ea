// NUMA032: what the selected QEMU binary does not have. Its -help, -object help and
// -machine help lists (read by electron/qemu/discover.ts, cached per binary) are facts the
// checker is given; an option, object type or machine type missing from them is refused by
// that binary (QEMU 7.2: "-smpp: invalid option", "invalid object type: memory-backend-epc",
// "Parameter 'qom-type' does not accept value 'memory-backend-shm'", "unsupported machine type").

import type { At, Diagnostic } from "../../diagnostics/diagnostic";
import type { Layout } from "../../layout/schema";
import { closest } from "../../qemu/codec";
import { optionName } from "../../qemu/options";
import { OPTION_ALIASES } from "../../qemu/elements";
import { argRefs } from "../../layout/refs";
import type { CheckContext } from "../context";
import { atArg, atBackend, atMachine, atThreadContext } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";
import { machineKind } from "./machine-numa";

const NUMA032: RuleMeta = {
  code: "NUMA032",
  severity: "error",
  title: "an option, `-object` type or `-machine` type the selected QEMU binary does not list in its `-help`",
  concern: "qemu version",
  policy: false,
};

const d = (message: string, fix: string, at: At, token?: number): Diagnostic => emit(NUMA032, message, fix, token === undefined ? at : { ...at, token });

const didYouMean = (word: string, list: readonly string[]) => {
  const near = closest(word, list);
  return near ? `; did you mean '${near}'?` : "";
};

function unknownToQemu(layout: Layout, { qemu }: CheckContext): Diagnostic[] {
  const help = qemu?.help;
  if (!help) return [];
  const out: Diagnostic[] = [];
  const v = qemu.version ? ` ${qemu.version}` : "";
  layout.args.forEach((a, i) => {
    const name = optionName(a.tokens[0] ?? "");
    if (name === undefined) return;
    const canonical = OPTION_ALIASES[`-${name}`]?.slice(1) ?? name;
    if (help.options.includes(name) || help.options.includes(canonical)) return;
    out.push(
      d(
        `QEMU${v} has no option -${name}${didYouMean(name, help.options).replace(/'(?=[^']*'\?$)/, "'-")} (QEMU: "-${name}: invalid option")`,
        "remove it or spell it as QEMU's -help lists it",
        atArg(i),
        a.at,
      ),
    );
  });
  const types = [
    ...layout.backends.map((b, i) => ({ type: `memory-backend-${b.type}`, where: atBackend(b, i), at: b.origin?.at })),
    ...(layout.threadContexts.length > 0 ? [{ type: "thread-context", where: atThreadContext(layout.threadContexts[0]!, 0), at: layout.threadContexts[0]!.origin?.at }] : []),
    ...argRefs(layout).flatMap((r) => (r.option === "-object" && r.qomType ? [{ type: r.qomType, where: atArg(r.arg), at: layout.args[r.arg]?.at }] : [])),
  ];
  for (const t of types) {
    if (help.objectTypes.includes(t.type)) continue;
    out.push(
      d(
        `QEMU${v} cannot create objects of type ${t.type} (its -object help does not list it)${didYouMean(t.type, help.objectTypes)}`,
        t.type === "thread-context" ? "use QEMU 7.2 or newer, or remove the thread-contexts" : "use a type this QEMU lists, or a QEMU that has this one",
        t.where,
        t.at === undefined ? undefined : t.at + 1,
      ),
    );
  }
  const machine = layout.machine?.type;
  if (machine !== undefined && !help.machineTypes.includes(machine)) {
    const at = layout.machine?.origin?.at;
    out.push(
      d(
        `QEMU${v} has no machine type '${machine}'${didYouMean(machine, help.machineTypes)} (QEMU: "unsupported machine type")`,
        "use a type from -machine help, e.g. q35 or pc",
        atMachine("type"),
        at === undefined ? undefined : at + 1,
      ),
    );
  }
  const family = machineKind(layout).family;
  const props = family === "pc" || family === "q35" ? help.machineProps?.[family] : undefined;
  if (props) {
    const at = layout.machine?.origin?.at;
    for (const key of Object.keys(layout.machine?.extra ?? {})) {
      // accel=, kernel-irqchip= and friends are taken by -machine for the accelerator (vl.c);
      // dotted keys (sgx-epc.0.memdev, cxl-fmw.0.size) are list properties
      if (key.includes(".") || ACCEL_COMPAT.has(key) || props.includes(key)) continue;
      out.push(
        d(
          `QEMU${v} has no -machine property '${key}'${didYouMean(key, props)} (QEMU: "Property '…-machine.${key}' not found")`,
          "remove it, or spell it as -machine TYPE,help lists it",
          atMachine(),
          at === undefined ? undefined : at + 1,
        ),
      );
    }
  }
  return out;
}

// -machine keys QEMU 7.2 passes to the accelerator rather than the machine (softmmu/vl.c), and
// pc's nvdimm-persistence, which neither help text names
const ACCEL_COMPAT = new Set(["accel", "kernel-irqchip", "kernel_irqchip", "kvm-shadow-mem", "kvm_shadow_mem", "igd-passthru", "type", "nvdimm-persistence"]);

export const QEMU_BINARY_RULES: RuleDef[] = [{ name: "unknownToQemu", codes: [NUMA032], check: unknownToQemu }];
