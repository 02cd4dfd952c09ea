// Which QEMU the diagnostics judged the line for: the one the app found on this host (its
// version, from the probe at start), or none, in which case the rules that differ between
// versions take QEMU 7.2's (shared/qemu/smp-topology.ts) — the same sentence `numadesk check` prints.

import { useApp } from "./useApp";

export function CheckedQemu() {
  const qemu = useApp((s) => s.qemu);
  if (qemu === undefined) return null;
  const text = qemu.version ? `checked against QEMU ${qemu.version}, the one found on this host` : "checked without a QEMU version (none found on this host): where versions differ, QEMU 7.2's rules";
  return (
    <span className="muted checked-qemu" data-testid="checked-qemu" title={qemu.error ?? undefined}>
      {text}
    </span>
  );
}
