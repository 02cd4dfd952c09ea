// When the checker may call something an error that QEMU itself accepts. Numadesk's policy
// (README, "Checker agreement"): an error means QEMU refuses the line, or the line names host
// nodes or CPUs the target lacks, or it would fail at start on the target (memory, huge
// pages), or the QEMU version lacks a feature. Errors of the last three kinds say so in their
// text with one of these phrases, so a reader (and the oracle test) can tell them from
// QEMU's own refusals.

export type PolicyKind = "host" | "start" | "version";

export const POLICY_PHRASE: Record<PolicyKind, string> = {
  host: "(policy: the target host lacks it)",
  start: "(policy: it would fail at start on the target)",
  version: "(policy: this QEMU version lacks it)",
};

/** The policy kind a diagnostic's text declares, if any. */
export function policyOf(message: string): PolicyKind | undefined {
  for (const [kind, phrase] of Object.entries(POLICY_PHRASE) as Array<[PolicyKind, string]>) if (message.includes(phrase)) return kind;
  return undefined;
}
