// The QEMU binaries on this host: qemu-system-x86_64 found on PATH, in /usr/bin,
// /usr/local/bin, /opt/*/bin, QEMU from bookworm-backports unpacked in Numadesk's cache, and
// the paths the user added (`numadesk qemu add PATH`, kept in ~/.config/numadesk/qemu.json).
// Each is probed once per binary content (discover.ts); two paths to one file are listed once.

import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { probeQemu, QemuNotFound, type QemuInfo } from "./discover";
import { backportsCacheDir } from "./backports";
import { writeFileAtomic } from "../run/records";

const NAME = "qemu-system-x86_64";

export function qemuConfigFile(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "numadesk", "qemu.json");
}

interface QemuConfig {
  version: 1;
  /** binaries the user added */
  paths: string[];
}

export class QemuConfigError extends Error {
  override name = "QemuConfigError";
}

export function readQemuConfig(): QemuConfig {
  const file = qemuConfigFile();
  if (!existsSync(file)) return { version: 1, paths: [] };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new QemuConfigError(`${file} is not JSON (${(e as Error).message}); fix it or delete it`);
  }
  const paths = (data as { paths?: unknown }).paths;
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === "string")) throw new QemuConfigError(`${file} must hold {"version":1,"paths":["/path/to/qemu-system-x86_64"]}`);
  return { version: 1, paths: paths as string[] };
}

function writeQemuConfig(c: QemuConfig): void {
  mkdirSync(dirname(qemuConfigFile()), { recursive: true });
  writeFileAtomic(qemuConfigFile(), JSON.stringify(c, null, 2) + "\n");
}

function isExecutableFile(p: string): boolean {
  try {
    return statSync(p).isFile() && (statSync(p).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Where to look, in order; `source` says why a path is listed. */
export function candidatePaths(): Array<{ path: string; source: string }> {
  const out: Array<{ path: string; source: string }> = [];
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) out.push({ path: join(dir, NAME), source: "PATH" });
  out.push({ path: `/usr/bin/${NAME}`, source: "/usr/bin" }, { path: `/usr/local/bin/${NAME}`, source: "/usr/local/bin" });
  try {
    for (const d of readdirSync("/opt")) out.push({ path: join("/opt", d, "bin", NAME), source: "/opt/*/bin" });
  } catch {
    /* no /opt */
  }
  try {
    for (const v of readdirSync(backportsCacheDir())) out.push({ path: join(backportsCacheDir(), v, "root", "usr", "bin", NAME), source: "bookworm-backports (cache)" });
  } catch {
    /* nothing fetched */
  }
  for (const p of readQemuConfig().paths) out.push({ path: p, source: "added" });
  return out;
}

export interface ListedQemu {
  path: string;
  source: string;
  info?: QemuInfo;
  /** why it could not be probed */
  error?: string;
}

/** Every QEMU found, probed (each file once, whatever the number of paths to it). */
export async function listQemus(): Promise<ListedQemu[]> {
  const seen = new Map<string, ListedQemu>();
  for (const c of candidatePaths()) {
    if (!isExecutableFile(c.path)) {
      if (c.source === "added") seen.set(`missing:${c.path}`, { path: c.path, source: c.source, error: "no executable file there any more (numadesk qemu remove PATH)" });
      continue;
    }
    const real = realpathSync(c.path);
    if (seen.has(real)) continue;
    const entry: ListedQemu = { path: c.path, source: c.source };
    try {
      entry.info = await probeQemu(c.path);
    } catch (e) {
      entry.error = e instanceof QemuNotFound ? e.message : String((e as Error).message);
    }
    seen.set(real, entry);
  }
  return [...seen.values()];
}

/** Add a binary to the list after probing it: a path that is not QEMU is refused with what it answered. */
export async function addQemu(path: string): Promise<QemuInfo> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new QemuConfigError(`${abs} does not exist`);
  const info = await probeQemu(abs); // throws QemuNotFound with what the file answered
  const c = readQemuConfig();
  if (!c.paths.includes(abs)) writeQemuConfig({ ...c, paths: [...c.paths, abs] });
  return info;
}

/** Remove a binary the user added; found binaries cannot be removed (they are found again). */
export function removeQemu(path: string): boolean {
  const abs = resolve(path);
  const c = readQemuConfig();
  if (!c.paths.includes(abs)) return false;
  writeQemuConfig({ ...c, paths: c.paths.filter((p) => p !== abs) });
  return true;
}

/** One line per binary for `numadesk qemu list`. */
export function describeQemu(q: ListedQemu): string {
  if (!q.info) return `${q.path}  (${q.source})  not usable: ${q.error}`;
  const f = q.info.features;
  const caps = [
    `accel ${q.info.accelerators.join(",") || "?"}`,
    f.threadContext ? (f.nodeAffinity ? "thread-context (node-affinity)" : "thread-context (no libnuma)") : "no thread-context",
    f.parallelPrealloc ? "parallel prealloc" : "sequential prealloc",
    `${q.info.help.objectTypes.length} object types`,
    `${q.info.help.options.length} options`,
  ];
  return `${q.path}  QEMU ${q.info.version}  (${q.source})\n    ${caps.join(", ")}${q.info.dataDir ? `\n    firmware: -L ${q.info.dataDir}` : ""}`;
}
