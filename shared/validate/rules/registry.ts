// Every validation rule, and every code they emit with its metadata. check.ts runs RULES; the
// README's table, the app and the tests read RULE_CODES without running anything.

import { CPU_RULES } from "./cpus";
import { HOST_FIT_RULES } from "./host-fit";
import { MACHINE_RULES } from "./machine";
import { MEMORY_RULES } from "./memory";
import { PREALLOCATION_RULES } from "./preallocation";
import { QEMU_VERSION_RULES } from "./qemu-version";
import { REFERENCE_RULES } from "./references";
import { SAFETY_RULES } from "./safety";
import { QEMU_BINARY_RULES } from "./qemu-binary";
import { HOTPLUG_RULES } from "./hotplug";
import { MACHINE_NUMA_RULES } from "./machine-numa";
import { PINNING_RULES } from "./pinning";
import { HUGEPAGE_POOL_RULES } from "./hugepage-pools";
import { HOST_DEVICE_RULES } from "./host-devices";
import { CACHE_GROUP_RULES } from "./cache-groups";
import type { RuleDef, RuleMeta } from "./rule";

export const RULES: readonly RuleDef[] = [
  ...MEMORY_RULES,
  ...CPU_RULES,
  ...REFERENCE_RULES,
  ...HOST_FIT_RULES,
  ...HUGEPAGE_POOL_RULES,
  ...HOST_DEVICE_RULES,
  ...CACHE_GROUP_RULES,
  ...PREALLOCATION_RULES,
  ...QEMU_VERSION_RULES,
  ...QEMU_BINARY_RULES,
  ...MACHINE_RULES,
  ...HOTPLUG_RULES,
  ...MACHINE_NUMA_RULES,
  ...SAFETY_RULES,
  ...PINNING_RULES,
];

/** Every code, in code order. */
export const RULE_CODES: readonly RuleMeta[] = RULES.flatMap((r) => r.codes).sort((a, b) => a.code.localeCompare(b.code));

export function ruleMeta(code: string): RuleMeta | undefined {
  return RULE_CODES.find((m) => m.code === code);
}
