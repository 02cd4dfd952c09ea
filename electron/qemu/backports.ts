// QEMU 10 from Debian's bookworm-backports, without installing it: apt-get with a private
// sources list and lists folder (the system's apt state is left alone) downloads
// qemu-system-x86, qemu-system-common and qemu-system-data, `dpkg-deb -x` unpacks each into a
// cache folder, and the binary runs from there with `-L <root>/usr/share/qemu` for its firmware
// (Debian builds it with a fixed data directory, /usr/share/qemu). Cached in
// ~/.cache/numadesk/qemu-backports/<package version>/root; the tests fetch it the way the lab
// fetches its kernel, and skip with the reason when it cannot be fetched.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export class BackportsError extends Error {
  override name = "BackportsError";
}

export const BACKPORTS_PACKAGES = ["qemu-system-x86", "qemu-system-common", "qemu-system-data"];

export function backportsCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "numadesk", "qemu-backports");
}

function run(cmd: string, args: string[], cwd?: string): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    let out = "";
    let child;
    try {
      child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 900_000 });
    } catch (e) {
      resolve({ ok: false, out: `${cmd}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    const take = (b: Buffer) => {
      if (out.length < 1024 * 1024) out += b.toString("utf8");
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, out: `${cmd}: ${e.code ?? e.message}` }));
    child.on("close", (code) => resolve({ ok: code === 0, out }));
  });
}

/** The Debian mirror this machine's apt uses (deb822 or one-line format); Debian's own otherwise. */
export function debianMirror(): string {
  const candidates = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];
  for (const f of candidates) {
    try {
      const text = readFileSync(f, "utf8");
      const uri = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text)?.[1];
      if (uri && !/security/.test(uri)) return uri;
    } catch {
      /* not there: try the next */
    }
  }
  return "http://deb.debian.org/debian";
}

export interface BackportsQemu {
  /** the unpacked qemu-system-x86_64 */
  binary: string;
  /** give QEMU `-L dataDir` so it finds its firmware */
  dataDir: string;
  /** the Debian package version, e.g. "1:10.0.2+ds-1~bpo12+1" */
  packageVersion: string;
}

function cached(): BackportsQemu | undefined {
  const base = backportsCacheDir();
  if (!existsSync(base)) return undefined;
  for (const v of readdirSync(base).sort().reverse()) {
    const root = join(base, v, "root");
    const binary = join(root, "usr", "bin", "qemu-system-x86_64");
    if (existsSync(binary) && existsSync(join(base, v, "complete"))) return { binary, dataDir: join(root, "usr", "share", "qemu"), packageVersion: decodeURIComponent(v) };
  }
  return undefined;
}

/**
 * QEMU from bookworm-backports, unpacked in the cache (downloaded the first time only).
 * Throws BackportsError with what failed and how to do it by hand.
 */
export async function ensureBackportsQemu(say: (m: string) => void = () => undefined): Promise<BackportsQemu> {
  const hit = cached();
  if (hit) return hit;
  const base = backportsCacheDir();
  const work = join(base, `.work-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "lists", "partial"), { recursive: true });
  mkdirSync(join(work, "cache", "archives", "partial"), { recursive: true });
  try {
    // signed-by: Debian's key, also where the system trusts another distribution's (Ubuntu)
    const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
    writeFileSync(join(work, "sources.list"), `deb ${existsSync(keyring) ? `[signed-by=${keyring}] ` : ""}${debianMirror()} bookworm-backports main\n`);
    // Private sources, lists and cache: the system's apt state is neither read nor changed,
    // and no root is needed. Debian's archive keyring checks the signatures as usual.
    const opts = [
      "-o",
      `Dir::Etc::sourcelist=${join(work, "sources.list")}`,
      "-o",
      "Dir::Etc::sourceparts=-",
      "-o",
      `Dir::State::Lists=${join(work, "lists")}`,
      "-o",
      `Dir::Cache=${join(work, "cache")}`,
      "-o",
      "Debug::NoLocking=1",
      // as root apt downloads as user _apt, who cannot write into a private folder
      ...(process.getuid?.() === 0 ? ["-o", "APT::Sandbox::User=root"] : []),
    ];
    say("reading bookworm-backports' package list (apt-get update, private lists)");
    const u = await run("apt-get", [...opts, "update", "-qq"]);
    if (!u.ok) throw new BackportsError(`apt-get update of bookworm-backports failed: ${lastLine(u.out)}`);
    say(`downloading ${BACKPORTS_PACKAGES.join(", ")} from bookworm-backports (apt-get download)`);
    const d = await run("apt-get", [...opts, "download", ...BACKPORTS_PACKAGES.map((p) => `${p}/bookworm-backports`)], work);
    if (!d.ok) throw new BackportsError(`apt-get download from bookworm-backports failed: ${lastLine(d.out)}`);
    const debs = readdirSync(work).filter((n) => n.endsWith(".deb"));
    if (debs.length !== BACKPORTS_PACKAGES.length) throw new BackportsError(`apt-get download left ${debs.length} packages, expected ${BACKPORTS_PACKAGES.length}`);
    const x86 = debs.find((n) => n.startsWith("qemu-system-x86_"))!;
    // qemu-system-x86_1%3a10.0.2+ds-1~bpo12+1_amd64.deb → 1%3a10.0.2+ds-1~bpo12+1
    const version = x86.split("_")[1]!;
    const root = join(work, "root");
    for (const deb of debs) {
      const x = await run("dpkg-deb", ["-x", join(work, deb), root]);
      if (!x.ok) throw new BackportsError(`cannot unpack ${deb}: ${lastLine(x.out)} (dpkg-deb is in Debian's dpkg package)`);
    }
    const dest = join(base, version);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    renameSync(root, join(dest, "root"));
    writeFileSync(join(dest, "complete"), debs.join("\n") + "\n");
    return cached()!;
  } catch (e) {
    if (e instanceof BackportsError)
      throw new BackportsError(`${e.message}; by hand: see DESIGN's recipe (apt-get download ${BACKPORTS_PACKAGES.join(" ")} from bookworm-backports, dpkg-deb -x each)`);
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").slice(-1)[0] ?? "(no output)";
}
