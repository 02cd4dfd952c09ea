// The host a command works against: --sample NAME, --sysfs DIR, --topo FILE, or this host.

import type { HostTopology } from "../../shared/topology/schema";
import { loadSample, loadTopologyFile, TopologyFileError } from "../hosts/samples";
import { ProbeError, readSysfs } from "../probe/sysfs";
import { InputError, UsageError } from "./errors";

export interface TargetOptions {
  sample?: string;
  sysfs?: string;
  topo?: string;
}

export const TARGET_OPTIONS = {
  sample: { type: "string" },
  sysfs: { type: "string" },
  topo: { type: "string" },
} as const;

export const TARGET_HELP = `target (default: this host, read from /sys):
  --sample NAME   a bundled sample host (see: numadesk topo --list-samples)
  --sysfs DIR     a copy of another machine's sysfs (DIR/devices/system/{node,cpu})
  --topo FILE     a topology saved with: numadesk topo --format json`;

export function resolveTarget(opts: TargetOptions): HostTopology {
  const given = [opts.sample, opts.sysfs, opts.topo].filter((x) => x !== undefined);
  if (given.length > 1) throw new UsageError("give one target: --sample, --sysfs or --topo");
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
