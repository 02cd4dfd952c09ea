// The host a command works against: --sample NAME, --sysfs DIR, --topo FILE, or this host.

import type { HostTopology } from "../../shared/topology/schema";
import { loadSample, loadTopologyFile, TopologyFileError } from "../hosts/samples";
import { ProbeError, readSysfs } from "../probe/sysfs";
import { labTopology } from "../../shared/lab/topology";
import { lacksNote } from "../../shared/topology/lacks-note";
import { InputError, UsageError } from "./errors";

export interface TargetOptions {
  sample?: string;
  sysfs?: string;
  topo?: string;
  lab?: string;
}

export const TARGET_OPTIONS = {
  sample: { type: "string" },
  sysfs: { type: "string" },
  topo: { type: "string" },
  lab: { type: "string" },
} as const;

export const TARGET_HELP = `target (default: this host, read from /sys):
  --sample NAME   a bundled sample host (see: numadesk topo --list-samples)
  --sysfs DIR     a copy of another machine's sysfs (DIR/devices/system/{node,cpu})
  --topo FILE     a topology saved with: numadesk topo --format json
  --lab 2|4       the NUMA lab's virtual machine (see: numadesk lab)`;

/** The target's topology; `note` hears what its source could not tell (a sysfs copy's missing files). */
export function resolveTarget(opts: TargetOptions, note?: (text: string) => void): HostTopology {
  const host = resolveHost(opts);
  const said = note && lacksNote(host);
  if (said) note(said);
  return host;
}

function resolveHost(opts: TargetOptions): HostTopology {
  const given = [opts.sample, opts.sysfs, opts.topo, opts.lab].filter((x) => x !== undefined);
  if (given.length > 1) throw new UsageError("give one target: --sample, --sysfs, --topo or --lab");
  if (opts.lab !== undefined) {
    if (opts.lab !== "2" && opts.lab !== "4") throw new UsageError("--lab takes 2 or 4 (nodes)");
    return labTopology(Number(opts.lab) as 2 | 4);
  }
  try {
    if (opts.sample !== undefined) return loadSample(opts.sample);
    if (opts.topo !== undefined) return loadTopologyFile(opts.topo);
    if (opts.sysfs !== undefined) return readSysfs({ root: opts.sysfs });
    return readSysfs();
  } catch (e) {
    if (e instanceof TopologyFileError || e instanceof ProbeError) throw new InputError(e.message);
    throw e;
  }
}
