// Hotplug memory and who uses a backend, as QEMU 7.2 checks them (each message below is what
// it printed for the oracle corpus, shared/validate/oracle/corpus.json):
//   NUMA033  -m slots=/maxmem= and pc-dimm devices: "slots specified but no max-size",
//            "maximum memory size … must be at least the initial memory size", "memory slots
//            were specified but maximum memory size … is equal to the initial memory size",
//            "unsupported amount of memory slots: 300", "no slots where allocated", "no free
//            slots available", "not enough space", "backend memory size must be multiple of
//            0x200000", "'memdev' property must be set", "DIMM property node has value 5"
//   NUMA034  one backend used twice (two guest nodes, a node and a device, two devices):
//            "memory backend m0 can't be used multiple times", "can't use already busy memdev"
//   NUMA035  -machine memory-backend= together with -numa memdev=: "'-machine memory-backend'
//            and '-numa memdev' properties are mutually exclusive"

import type { At, Diagnostic } from "../../diagnostics/diagnostic";
import { atArg, atMachine, atMemory, atNode } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";
import type { Layout } from "../../layout/schema";
import { formatSize, humanSize, MiB, parseSize } from "../../size/size";
import { splitValue } from "../../qemu/codec";
import { optionName } from "../../qemu/options";
import { backendBytes } from "../../qemu/prealloc";
import type { Rule } from "../context";

const NUMA033: RuleMeta = {
  code: "NUMA033",
  severity: "error",
  title: "`-m slots=`/`maxmem=` QEMU refuses, or `pc-dimm` devices without slots, space, memdev or an existing node",
  concern: "memory",
  policy: false,
};
const NUMA034: RuleMeta = { code: "NUMA034", severity: "error", title: "one memory backend used by two guest nodes, or by a node and a device, or by two devices", concern: "memory", policy: false };
const NUMA035: RuleMeta = { code: "NUMA035", severity: "error", title: "`-machine memory-backend=` together with `-numa memdev=`", concern: "memory", policy: false };
const META: Record<string, RuleMeta> = { NUMA033, NUMA034, NUMA035 };

// pc's ACPI memory hotplug has 256 slots (ACPI_MAX_RAM_SLOTS, hw/i386/pc.c)
const MAX_SLOTS = 256;
// x86 pc-dimm: the backend must be a multiple of 2 MiB (QEMU 7.2: "backend memory size must
// be multiple of 0x200000")
const DIMM_ALIGN = 2 * MiB;
const DIMM_DRIVERS = new Set(["pc-dimm", "nvdimm"]);

const d = (code: string, message: string, fix: string, at: At): Diagnostic => emit(META[code]!, message, fix, at);

interface Device {
  arg: number;
  driver: string;
  id?: string;
  memdev?: string;
  node?: string;
}

function devices(layout: Layout): Device[] {
  const out: Device[] = [];
  layout.args.forEach((a, arg) => {
    if (optionName(a.tokens[0] ?? "") !== "device" || a.tokens[1] === undefined) return;
    const split = splitValue({ option: "-device", impliedKey: "driver" }, a.tokens[1]);
    const get = (k: string) => {
      const v = split.entries.find((e) => e.key === k)?.value;
      return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
    };
    const driver = get("driver");
    if (!driver) return;
    const dev: Device = { arg, driver };
    for (const k of ["id", "memdev", "node"] as const) {
      const v = get(k);
      if (v !== undefined) dev[k] = v;
    }
    out.push(dev);
  });
  return out;
}

const ramBytes = (layout: Layout) => {
  const r = layout.memory ? parseSize(layout.memory.size, "M") : undefined;
  return r?.ok ? r.bytes : 128 * MiB;
};

// NUMA033
export const hotplugMemory: Rule = (layout) => {
  const out: Diagnostic[] = [];
  const m = layout.memory;
  const size = ramBytes(layout);
  const slots = m?.slots ?? 0;
  const maxmemR = m?.maxmem !== undefined ? parseSize(m.maxmem, "M") : undefined;
  const maxmem = maxmemR?.ok ? maxmemR.bytes : undefined;
  if (slots > 0 && maxmem === undefined) {
    out.push(d("NUMA033", `-m slots=${slots} without maxmem=; QEMU says "slots specified but no max-size"`, `add maxmem= (e.g. maxmem=${formatSize(size * 2, "M")}) or remove slots=`, atMemory()));
  }
  if (maxmem !== undefined && maxmem < size) {
    out.push(
      d(
        "NUMA033",
        `-m maxmem=${m!.maxmem} is below the initial ${humanSize(size)}; QEMU refuses it ("maximum memory size … must be at least the initial memory size")`,
        "raise maxmem= above -m",
        atMemory(),
      ),
    );
  } else if (maxmem !== undefined && maxmem === size && slots > 0) {
    out.push(
      d(
        "NUMA033",
        `-m slots=${slots} with maxmem= equal to -m leaves no hotplug space; QEMU refuses it ("memory slots were specified but maximum memory size … is equal to the initial memory size")`,
        "raise maxmem= above -m, or remove slots=",
        atMemory(),
      ),
    );
  }
  if (slots > MAX_SLOTS) {
    out.push(
      d("NUMA033", `-m slots=${slots} is more than the ${MAX_SLOTS} an x86 machine has; QEMU says "unsupported amount of memory slots: ${slots}"`, `use slots=${MAX_SLOTS} or fewer`, atMemory()),
    );
  }
  const dimms = devices(layout).filter((x) => DIMM_DRIVERS.has(x.driver));
  const byId = new Map(layout.backends.map((b) => [b.id, b]));
  const guestNodes = layout.nodes.length;
  let used = 0;
  dimms.forEach((dev, k) => {
    const path = atArg(dev.arg);
    const what = `-device ${dev.driver}${dev.id ? `,id=${dev.id}` : ""}`;
    if (dev.memdev === undefined) {
      out.push(d("NUMA033", `${what} has no memdev=; QEMU says "'memdev' property must be set"`, "add memdev=ID of a memory backend", path));
      return;
    }
    if (slots === 0) {
      out.push(d("NUMA033", `${what} needs a memory slot, but -m has no slots=; QEMU says "no slots where allocated, please specify the 'slots' option"`, "add slots=N,maxmem=SIZE to -m", path));
      return;
    }
    if (k >= slots) {
      out.push(d("NUMA033", `${what} is memory device ${k + 1}, but -m has slots=${slots}; QEMU says "no free slots available"`, `raise slots= to ${dimms.length}`, path));
      return;
    }
    const b = byId.get(dev.memdev);
    if (!b) return; // NUMA005 says the memdev is missing
    const bytes = backendBytes(b);
    if (bytes % DIMM_ALIGN !== 0) {
      out.push(
        d(
          "NUMA033",
          `backend ${b.id} of ${what} is ${humanSize(bytes)}, not a multiple of 2 MiB; QEMU says "backend memory size must be multiple of 0x200000"`,
          "make the backend a multiple of 2 MiB",
          path,
        ),
      );
      return;
    }
    used += bytes;
    if (maxmem !== undefined && used > maxmem - size) {
      out.push(
        d(
          "NUMA033",
          `${what} does not fit: the memory devices need ${humanSize(used)}, but maxmem - -m leaves ${humanSize(Math.max(0, maxmem - size))}; QEMU says "not enough space"`,
          `raise maxmem= to at least ${humanSize(size + used)}`,
          path,
        ),
      );
    }
    if (dev.node !== undefined && guestNodes > 0 && Number(dev.node) >= guestNodes) {
      out.push(
        d(
          "NUMA033",
          `${what} is on guest node ${dev.node}, but there ${guestNodes === 1 ? "is 1 guest node" : `are ${guestNodes} guest nodes`}; QEMU says "DIMM property node has value ${dev.node}"`,
          "use node= of a -numa node",
          path,
        ),
      );
    }
  });
  return out;
};

// NUMA034
export const backendUsedOnce: Rule = (layout) => {
  const out: Diagnostic[] = [];
  const users = new Map<string, string>();
  const use = (memdev: string, who: string, path: At, quote: string) => {
    const first = users.get(memdev);
    if (first !== undefined) {
      out.push(d("NUMA034", `backend ${memdev} is used by ${first} and again by ${who}; QEMU says "${quote}"`, "give each user its own backend", path));
      return;
    }
    users.set(memdev, who);
  };
  layout.nodes.forEach((n, i) => {
    if (n.memdev !== undefined) use(n.memdev, `guest node ${n.nodeid ?? i}`, atNode(layout, i, "memdev"), `memory backend ${n.memdev} can't be used multiple times.`);
  });
  for (const dev of devices(layout)) {
    if (dev.memdev !== undefined) use(dev.memdev, `-device ${dev.driver}${dev.id ? `,id=${dev.id}` : ""}`, atArg(dev.arg), `can't use already busy memdev: ${dev.memdev}`);
  }
  return out;
};

// NUMA035
export const bootBackendWithNuma: Rule = (layout) => {
  const boot = layout.machine?.memoryBackend;
  if (boot === undefined || !layout.nodes.some((n) => n.memdev !== undefined)) return [];
  return [
    d(
      "NUMA035",
      `-machine memory-backend=${boot} cannot be used with -numa memdev=; QEMU says "'-machine memory-backend' and '-numa memdev' properties are mutually exclusive"`,
      "drop -machine memory-backend= (the guest nodes' backends are the RAM), or drop the nodes' memdev=",
      atMachine("memoryBackend"),
    ),
  ];
};

export const HOTPLUG_RULES: RuleDef[] = [
  { name: "hotplugMemory", codes: [NUMA033], check: hotplugMemory },
  { name: "backendUsedOnce", codes: [NUMA034], check: backendUsedOnce },
  { name: "bootBackendWithNuma", codes: [NUMA035], check: bootBackendWithNuma },
];
