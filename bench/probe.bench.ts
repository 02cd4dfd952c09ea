// Probe speed: reading a 2-node, 104-CPU sysfs tree into a topology, against the floor of
// just reading the same files, in the same run.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { readSysfs } from "../electron/probe/sysfs";
import { forgetPciIdentities } from "../electron/probe/pci";
import { forgetCaches } from "../electron/probe/caches";
import { spreadOf } from "../shared/bench/stats";

const tree = join(import.meta.dirname, "../electron/probe/fixtures/sysfs-bm-standard2-52");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

export function benchProbe(rounds = 60) {
  const all = files(tree);
  const probe: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // alternate so both see the same cache state and machine noise
    let t = performance.now();
    for (const f of all) readFileSync(f, "utf8");
    floor.push(performance.now() - t);
    t = performance.now();
    readSysfs({ root: tree });
    probe.push(performance.now() - t);
  }
  const p = spreadOf(probe.slice(5))!;
  const f = spreadOf(floor.slice(5))!;
  return { name: "probe", files: all.length, probeMs: p, readAllFilesMs: f, ratio: p.median / f.median, target: "under 50 ms on a 2-node, 104-CPU tree" };
}

/**
 * This host's live probe as the app repeats it (caches, PCI identities and pci.ids names kept),
 * against the same probe with nothing kept (what a fresh process, or every probe before the
 * identities were kept, pays), alternated in the same run.
 */
export function benchProbeLive(rounds = 40) {
  const warm: number[] = [];
  const cold: number[] = [];
  readSysfs();
  for (let i = 0; i < rounds; i++) {
    forgetPciIdentities();
    forgetCaches();
    let t = performance.now();
    const first = readSysfs();
    cold.push(performance.now() - t);
    t = performance.now();
    const again = readSysfs();
    warm.push(performance.now() - t);
    // the kept probe must say what the fresh one says
    if (JSON.stringify(first.pciDevices) !== JSON.stringify(again.pciDevices)) throw new Error("the kept PCI identities disagree with a fresh read");
  }
  const w = spreadOf(warm.slice(3))!;
  const c = spreadOf(cold.slice(3))!;
  return {
    name: "probe-live",
    pciDevices: readSysfs().pciDevices?.length ?? 0,
    steadyMs: w,
    freshMs: c,
    ratio: w.median / c.median,
    target: "the steady probe of this host well under the fresh one (was 22 ms steady, 7-9 ms before PCI)",
  };
}
