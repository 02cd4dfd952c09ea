// How QEMU fills in an -smp and when it refuses it: machine_parse_smp_config() in
// hw/core/machine-smp.c, read for 7.2 and 10.0 and checked against both binaries on the -smp
// strings of shared/qemu/fixtures/smp-oracle.json (every verdict and message there agrees).
//
// - Omitted sockets/cores/threads are computed from maxcpus (itself cpus when omitted) by
//   integer division. Machine types before 6.2 (pc-i440fx-6.1, pc-q35-6.1, …) fill in sockets
//   first; 6.2 and later fill in cores first (sockets and threads then default to 1); threads
//   are computed last. So `-smp 8,sockets=3` gets cores = 8 / 3 = 2 and is refused because
//   3 × 2 ≠ 8. Without cpus and maxcpus, omitted parts are 1 and maxcpus is their product.
// - A value given as 0: QEMU 7.2 warns ("Deprecated CPU topology (considered invalid)") and takes
//   it as omitted; QEMU 9.0 removed that and 10.0 refuses it.
// - Then: product ≠ maxcpus is refused, and so is maxcpus < cpus.
// - x86 has dies; clusters > 1 are refused on x86 by 7.2 and 10.0 alike (NUMA039 says so);
//   modules exist from QEMU 9.1 (7.2: "Parameter 'smp.modules' is unexpected", NUMA039) and
//   10.0 prints them in its message ("modules (1)"), between dies and cores.

// An unknown QEMU version is taken as the installed 7.2 everywhere in Numadesk: these -smp
// rules, NUMA039's limits (validate/rules/machine-numa.ts), NUMA020/NUMA030 (qemu-version.ts)
// and the preallocation engine (qemu/prealloc-rules.ts: one backend after another). Where 7.2's
// rule differs from a newer QEMU's (modules=, q35's vCPU limit), the diagnostic says it assumed
// so, in these words (a 0 value needs none: the parser's PARSE009 says what 7.2 and 9.0+ do):
export const ASSUMING_72 = "assuming QEMU 7.2 rules: the version is unknown";

/** Is "7.2.22" below major.minor? (false when the version is unknown) */
function below(v: string | undefined, major: number, minor: number): boolean {
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m !== null && (Number(m[1]) < major || (Number(m[1]) === major && Number(m[2]) < minor));
}

/** The -smp values as given: undefined when omitted, 0 when written as 0. */
export interface SmpGiven {
  cpus?: number;
  maxcpus?: number;
  sockets?: number;
  dies?: number;
  clusters?: number;
  /** QEMU 9.1+ */
  modules?: number;
  cores?: number;
  threads?: number;
}

export interface SmpResolved {
  cpus: number;
  maxcpus: number;
  sockets: number;
  dies: number;
  clusters: number;
  modules: number;
  cores: number;
  threads: number;
}

export type SmpVerdict =
  { ok: true; topology: SmpResolved; zeroWarning: boolean } | { ok: false; kind: "zero"; qemuSays: string } | { ok: false; kind: "product" | "cpus-over-max"; topology: SmpResolved; qemuSays: string };

/** Does this machine type fill in sockets before cores (types before 6.2)? "pc"/"q35" are the newest. */
export function prefersSockets(machineType: string | undefined): boolean {
  const m = /^pc-(?:i440fx|q35)-(\d+)\.(\d+)/.exec(machineType ?? "pc");
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj < 6 || (maj === 6 && min < 2);
}

/** QEMU 9.0 and later refuse a 0; 7.2 warns and treats it as omitted. Unknown version: the installed 7.2's way. */
export function zeroIsRefused(qemuVersion: string | undefined): boolean {
  return qemuVersion !== undefined && !below(qemuVersion, 9, 0);
}

/** Does this QEMU take -smp modules= (9.1 and later)? Unknown version: no, as the installed 7.2. */
export function modulesKnown(qemuVersion: string | undefined): boolean {
  return qemuVersion !== undefined && !below(qemuVersion, 9, 1);
}

/** "sockets (3) * dies (1) * cores (2) * threads (1)", as x86 QEMU prints it (10.0 adds modules). */
export function hierarchyText(t: SmpResolved, qemuVersion: string | undefined): string {
  const modules = modulesKnown(qemuVersion) ? ` * modules (${t.modules})` : "";
  return `sockets (${t.sockets}) * dies (${t.dies})${modules} * cores (${t.cores}) * threads (${t.threads})`;
}

/** Fill in -smp the way QEMU does for an x86 machine type, and say whether QEMU accepts it. */
export function resolveSmp(given: SmpGiven, machineType: string | undefined, qemuVersion: string | undefined): SmpVerdict {
  const values = Object.values(given).filter((v): v is number => v !== undefined);
  const zero = values.some((v) => v === 0);
  if (zero && zeroIsRefused(qemuVersion)) return { ok: false, kind: "zero", qemuSays: "Invalid CPU topology: CPU topology parameters must be greater than zero" };
  // 7.2: a 0 counts as omitted
  const g = (v: number | undefined) => (v === undefined || v === 0 ? 0 : v);
  let cpus = g(given.cpus);
  let maxcpus = g(given.maxcpus);
  let sockets = g(given.sockets);
  let cores = g(given.cores);
  let threads = g(given.threads);
  const dies = g(given.dies) || 1;
  const clusters = (g(given.clusters) || 1) * (g(given.modules) || 1); // both multiply in every division
  if (cpus === 0 && maxcpus === 0) {
    sockets ||= 1;
    cores ||= 1;
    threads ||= 1;
  } else {
    maxcpus ||= cpus;
    if (prefersSockets(machineType)) {
      if (sockets === 0) {
        cores ||= 1;
        threads ||= 1;
        sockets = Math.floor(maxcpus / (dies * clusters * cores * threads));
      } else if (cores === 0) {
        threads ||= 1;
        cores = Math.floor(maxcpus / (sockets * dies * clusters * threads));
      }
    } else if (cores === 0) {
      sockets ||= 1;
      threads ||= 1;
      cores = Math.floor(maxcpus / (sockets * dies * clusters * threads));
    } else if (sockets === 0) {
      threads ||= 1;
      sockets = Math.floor(maxcpus / (dies * clusters * cores * threads));
    }
    if (threads === 0) threads = Math.floor(maxcpus / (sockets * dies * clusters * cores));
  }
  const total = sockets * dies * clusters * cores * threads;
  const modules = g(given.modules) || 1;
  maxcpus ||= total;
  cpus ||= maxcpus;
  const topology: SmpResolved = { cpus, maxcpus, sockets, dies, clusters: clusters / modules, modules, cores, threads };
  const text = hierarchyText(topology, qemuVersion);
  if (total !== maxcpus) return { ok: false, kind: "product", topology, qemuSays: `Invalid CPU topology: product of the hierarchy must match maxcpus: ${text} != maxcpus (${maxcpus})` };
  if (maxcpus < cpus)
    return { ok: false, kind: "cpus-over-max", topology, qemuSays: `Invalid CPU topology: maxcpus must be equal to or greater than smp: ${text} == maxcpus (${maxcpus}) < smp_cpus (${cpus})` };
  return { ok: true, topology, zeroWarning: zero };
}

/**
 * A topology QEMU accepts with the given cpus and maxcpus (maxcpus raised to cpus when below
 * it): the given threads, dies and sockets where they divide it, cores for the rest.
 */
export function acceptedTopology(given: SmpGiven): { maxcpus: number; sockets: number; dies: number; modules: number; cores: number; threads: number } {
  const product = (given.sockets || 1) * (given.dies || 1) * (given.modules || 1) * (given.cores || 1) * (given.threads || 1);
  const maxcpus = Math.max(given.maxcpus || 0, given.cpus || 0) || product;
  const keep = (v: number | undefined, rest: number) => (v && rest % v === 0 ? v : 1);
  const threads = keep(given.threads, maxcpus);
  const modules = keep(given.modules, maxcpus / threads);
  const dies = keep(given.dies, maxcpus / threads / modules);
  const sockets = keep(given.sockets, maxcpus / threads / modules / dies);
  return { maxcpus, sockets, dies, modules, cores: maxcpus / (threads * modules * dies * sockets), threads };
}
