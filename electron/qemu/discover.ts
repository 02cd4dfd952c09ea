// Find qemu-system-<arch>, read its version and ask the binary itself what it supports:
// `-object help` lists the object types, `-object thread-context,help` its properties, and a
// short start with a node-affinity context tells whether it was built with libnuma.
// No QEMU installed is a normal state: design and export still work.

import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { homedir, release } from "node:os";
import { createHash } from "node:crypto";
import { delimiter, dirname, join } from "node:path";
import { runsBackendsInParallel } from "../../shared/qemu/prealloc-rules";
import { spawn, spawnSync } from "node:child_process";
import { versionBelow, type QemuHelp } from "../../shared/validate/context";

export interface QemuFeatures {
  threadContext: boolean;
  /** node-affinity= works (needs a QEMU built with libnuma) */
  nodeAffinity: boolean;
  memfd: boolean;
  /** several backends preallocated at once (QEMU ≥ 9.0; not visible in -help, so from the version) */
  parallelPrealloc: boolean;
  /** threads are named only with -name debug-threads=on (QEMU < 11) */
  debugThreadsNeeded: boolean;
}

export interface QemuInfo {
  binary: string;
  version: string;
  /** `-L` for binaries unpacked outside /usr (bookworm-backports' QEMU in the cache): their firmware folder */
  dataDir?: string;
  /** accelerators `-accel help` lists (tcg, kvm, …) */
  accelerators: string[];
  /** sha256 of the binary: probes are cached by content */
  sha256: string;
  features: QemuFeatures;
  /** the options, object types and machine types the binary lists */
  help: QemuHelp;
}

export class QemuNotFound extends Error {
  override name = "QemuNotFound";
}

export const INSTALL_HINT = "install it with: apt-get install qemu-system-x86 (Debian, Ubuntu) or dnf install qemu-system-x86 (Fedora), or give its path with --qemu PATH (or NUMADESK_QEMU)";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The binary to use: an explicit path, $NUMADESK_QEMU, or qemu-system-<arch> on PATH. */
export function findQemu(explicit?: string, arch = "x86_64"): string {
  const wanted = explicit ?? process.env.NUMADESK_QEMU;
  if (wanted) {
    if (!executable(wanted)) throw new QemuNotFound(`${wanted} is not an executable file; ${INSTALL_HINT}`);
    return wanted;
  }
  const name = `qemu-system-${arch}`;
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    const p = join(dir || ".", name);
    if (executable(p)) return p;
  }
  throw new QemuNotFound(`${name} is not on PATH; ${INSTALL_HINT}`);
}

function run(binary: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(binary, args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) throw new QemuNotFound(`${binary} could not be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); ${INSTALL_HINT}`);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)" → "7.2.22" */
export function parseQemuVersion(text: string): string | undefined {
  return /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

/** Does a thread-context with node-affinity start? Quits through the monitor at once. */
function nodeAffinityWorks(binary: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(binary, ["-machine", "none", "-nodefaults", "-display", "none", "-S", "-object", "thread-context,id=probe,node-affinity=0", "-monitor", "stdio"], {
      stdio: ["pipe", "ignore", "ignore"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.on("error", () => resolve(false));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end("quit\n");
  });
}

/** Option names from `-help`: "-fda/-fdb file", "-h or -help", "--preconfig" → fda, fdb, h, help, preconfig. */
export function parseHelpOptions(text: string): string[] {
  const out = new Set<string>(["M"]); // -M is -machine's alias; -help does not list it
  for (const line of text.split("\n")) {
    const m = /^(-[^\s]+)(?: or (-[^\s]+))?/.exec(line);
    if (!m) continue;
    for (const word of [m[1], m[2]]) for (const o of word?.split("/") ?? []) if (o.startsWith("-")) out.add(o.replace(/^--?/, ""));
  }
  return [...out].sort();
}

/** Indented names after the heading of `-object help` / `-machine help`. */
function listedNames(text: string, indented: boolean): string[] {
  return text
    .split("\n")
    .slice(1)
    .filter((l) => (indented ? /^\s+\S+$/.test(l) : /^\S+\s/.test(l)))
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter((n) => n !== "none" || !indented);
}

/**
 * Properties -machine takes for a type: what `-machine TYPE,help` lists ("  acpi=<OnOffAuto>")
 * and what -help's -machine entry names (hmat=, nvdimm=, accel=: QEMU 7.2's TYPE,help leaves
 * these out, yet takes them).
 */
export function parseMachineProps(typeHelp: string, help: string): string[] {
  const out = new Set<string>();
  for (const m of typeHelp.matchAll(/^\s+([A-Za-z][\w.-]*)=/gm)) out.add(m[1]!);
  const lines = help.split("\n");
  const start = lines.findIndex((l) => l.startsWith("-machine "));
  if (start >= 0) {
    for (const l of lines.slice(start, start + 40)) {
      if (l !== lines[start] && /^-/.test(l)) break;
      for (const m of l.matchAll(/(?:^|[\s,[])(?:property )?([a-z][\w-]*)=/g)) out.add(m[1]!);
    }
  }
  return [...out].sort();
}

const helpCache = new Map<string, QemuHelp>();
const helpKeys = new Map<string, string>();

/**
 * What the binary lists: options, object types, machine types. Cached by the binary's
 * content (a hash, computed again only when its size or mtime changes), so a QEMU upgraded
 * in place is asked again and two paths to one binary ask once.
 */
export function readQemuHelp(binary: string): QemuHelp {
  const key = contentHash(binary);
  const hit = helpCache.get(key);
  if (hit) return hit;
  const helpText = run(binary, ["-help"]).out;
  const machineProps: Record<string, string[]> = {};
  for (const t of ["pc", "q35"]) machineProps[t] = parseMachineProps(run(binary, ["-machine", `${t},help`]).out, helpText);
  const help: QemuHelp = {
    options: parseHelpOptions(helpText),
    objectTypes: listedNames(run(binary, ["-object", "help"]).out, true),
    machineTypes: listedNames(run(binary, ["-machine", "help"]).out, false),
    machineProps,
  };
  helpCache.set(key, help);
  return help;
}

/** Version and -help lists of a binary, without starting it (for `numadesk check --qemu PATH`). */
export function qemuFacts(explicit?: string): { version: string; help: QemuHelp } {
  const binary = findQemu(explicit);
  const v = run(binary, ["--version"]);
  const version = parseQemuVersion(v.out);
  if (!version) throw new QemuNotFound(`${binary} does not answer --version like QEMU (${(v.out || v.err).trim().replace(/\s+/g, " ").slice(0, 80)}); ${INSTALL_HINT}`);
  return { version, help: readQemuHelp(binary) };
}

/**
 * The firmware folder of a QEMU installed outside /usr (an unpacked package, /opt/qemu-X):
 * `<prefix>/share/qemu` beside its `bin/` (QEMU still searches its built-in folder after -L, where
 * Debian's seabios puts bios-256k.bin). Debian builds QEMU with a fixed data directory, so
 * such a binary would otherwise load /usr/share/qemu's firmware (another version's) or none.
 */
export function qemuDataDir(binary: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(binary);
  } catch {
    return undefined;
  }
  const dir = join(dirname(dirname(real)), "share", "qemu");
  if (dir === "/usr/share/qemu" || !existsSync(join(dir, "linuxboot_dma.bin"))) return undefined;
  return dir;
}

/** `-L DIR` for a binary that needs it (empty for a system QEMU). */
export function dataDirArgs(qemu: { dataDir?: string }): string[] {
  return qemu.dataDir ? ["-L", qemu.dataDir] : [];
}

function contentHash(binary: string): string {
  const st = statSync(binary);
  const stamp = `${binary}\0${st.size}\0${st.mtimeMs}`;
  let key = helpKeys.get(stamp);
  if (key === undefined) {
    key = createHash("sha256").update(readFileSync(binary)).digest("hex");
    helpKeys.set(stamp, key);
  }
  return key;
}

/** Where probes are kept between runs, one JSON per binary content. */
export function probeCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "numadesk", "qemu-probe");
}

const PROBE_VERSION = 1;
const cache = new Map<string, Omit<QemuInfo, "binary" | "dataDir">>();

/** "Accelerators supported in QEMU binary:\ntcg\nkvm" → ["tcg", "kvm"] */
export function parseAccelerators(text: string): string[] {
  return text
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => /^[a-z][\w-]*$/.test(l));
}

/**
 * Version, accelerators, object types, thread-context and node-affinity, parallel
 * preallocation, the option lists: asked once per binary content (kept in memory and in
 * ~/.cache/numadesk/qemu-probe), so a QEMU upgraded in place is asked again.
 */
export async function probeQemu(explicit?: string): Promise<QemuInfo> {
  const binary = findQemu(explicit);
  const sha256 = contentHash(binary);
  const dataDir = qemuDataDir(binary);
  const withPath = (p: Omit<QemuInfo, "binary" | "dataDir">): QemuInfo => ({ binary, ...(dataDir ? { dataDir } : {}), ...p });
  const hit = cache.get(sha256);
  if (hit) return withPath(hit);
  const file = join(probeCacheDir(), `${sha256}.json`);
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as { probeVersion?: number; kernel?: string; info?: Omit<QemuInfo, "binary" | "dataDir"> };
    if (saved.probeVersion === PROBE_VERSION && saved.kernel === release() && saved.info?.sha256 === sha256 && Array.isArray(saved.info.help?.options)) {
      cache.set(sha256, saved.info);
      return withPath(saved.info);
    }
  } catch {
    /* not probed yet, or an unreadable cache file: probe again */
  }
  const v = run(binary, ["--version"]);
  const version = parseQemuVersion(v.out);
  if (!version) throw new QemuNotFound(`${binary} does not answer --version like QEMU (${(v.out || v.err).trim().replace(/\s+/g, " ").slice(0, 80)}); ${INSTALL_HINT}`);
  const objects = run(binary, ["-object", "help"]).out;
  const threadContext = /^\s*thread-context$/m.test(objects);
  const memfd = /^\s*memory-backend-memfd$/m.test(objects);
  const tcProps = threadContext ? run(binary, ["-object", "thread-context,help"]).out : "";
  const nodeAffinity = /node-affinity/.test(tcProps) && (await nodeAffinityWorks(binary));
  const info: Omit<QemuInfo, "binary" | "dataDir"> = {
    version,
    sha256,
    accelerators: parseAccelerators(run(binary, ["-accel", "help"]).out),
    help: readQemuHelp(binary),
    features: {
      threadContext,
      nodeAffinity,
      memfd,
      // QEMU >= 9.0 on a kernel with MADV_POPULATE_WRITE (shared/qemu/prealloc-rules.ts);
      // versions.test.ts times it on the real binaries
      parallelPrealloc: threadContext && runsBackendsInParallel(version, { release: release() }).parallel,
      debugThreadsNeeded: versionBelow(version, 11, 0),
    },
  };
  cache.set(sha256, info);
  try {
    mkdirSync(probeCacheDir(), { recursive: true });
    writeFileSync(file, JSON.stringify({ probeVersion: PROBE_VERSION, kernel: release(), info }) + "\n");
  } catch {
    /* a read-only cache only costs a probe next time */
  }
  return withPath(info);
}
