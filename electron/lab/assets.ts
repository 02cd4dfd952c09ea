// What the lab guest boots: a kernel with NUMA (this host's own, or Debian's package fetched
// with apt-get download and unpacked, only the kernel kept) and an initramfs built from this
// host's own QEMU with the libraries ldd lists, its TCG module and firmware, a static
// busybox, the lab sampler and /init. Everything is cached (~/.cache/numadesk/lab), keyed by
// what it was made from; nothing binary is committed.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { cpioArchive, type CpioEntry } from "./cpio";
import { writeFileAtomic } from "../run/records";
import { findQemu } from "../qemu/discover";
import { resourcePath } from "../files/resources";
import type { LabPrepStep } from "../../shared/lab/prepare-steps";

/** Told as each step of the preparation starts, and what it is doing (downloading, compiling). */
/** a step and its line; `detail` is the whole of what the line sums up (QEMU's words), for a tooltip */
export type LabSay = (step: LabPrepStep, text: string, detail?: string) => void;

export class LabSetupError extends Error {
  override name = "LabSetupError";
}

export interface LabAssets {
  kernel: string;
  kernelSource: string;
  initramfs: string;
  qemu: string;
}

// labsampler.c and init.sh live beside this file in the repository; the Electron bundle and
// packaged app find them from the app's root (package.json "build.files" ships them).
const HERE = resourcePath("electron/lab");

export function labCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "numadesk", "lab");
}

// Asynchronous on purpose: a first lab run downloads a kernel, unpacks packages and compiles
// the sampler, seconds to minutes of work that must not freeze the app's main process (the
// Electron window answers nothing while its main thread waits).
const MAX_TOOL_OUTPUT = 1024 * 1024;

function run(cmd: string, args: string[], cwd?: string): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    let out = "";
    let child;
    try {
      child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    } catch (e) {
      resolve({ ok: false, out: `${cmd}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    const take = (b: Buffer) => {
      if (out.length < MAX_TOOL_OUTPUT) out += b.toString("utf8");
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, out: `${cmd}: ${e.code ?? e.message}` }));
    child.on("close", (code) => resolve({ ok: code === 0, out }));
  });
}

/** apt-get download, with one `apt-get update` if the package lists are missing. */
async function aptDownload(pkg: string, dir: string, say: (m: string) => void): Promise<string> {
  say(`downloading Debian's ${pkg} (apt-get download)`);
  let r = await run("apt-get", ["download", pkg], dir);
  if (!r.ok && /Unable to locate|has no installation candidate|No packages found/i.test(r.out) && process.getuid?.() === 0) {
    say("updating the package lists (apt-get update)");
    await run("apt-get", ["update", "-qq"]);
    r = await run("apt-get", ["download", pkg], dir);
  }
  if (!r.ok) throw new LabSetupError(`cannot download ${pkg} with apt-get download: ${r.out.trim().split("\n").slice(-1)[0]}; on Debian or Ubuntu, run: apt-get update && apt-get download ${pkg}`);
  const deb = readdirSync(dir).find((n) => n.endsWith(".deb"));
  if (!deb) throw new LabSetupError(`apt-get download ${pkg} left no .deb`);
  return join(dir, deb);
}

function hasNuma(config: string): boolean {
  return /^CONFIG_NUMA=y$/m.test(config) && /^CONFIG_ACPI_NUMA=y$/m.test(config) && /^CONFIG_SERIAL_8250_CONSOLE=y$/m.test(config) && /^CONFIG_BLK_DEV_INITRD=y$/m.test(config);
}

/** This host's kernel when it is readable and has NUMA, else Debian's, downloaded once. */
export async function ensureKernel(say: (m: string) => void = () => undefined): Promise<{ path: string; source: string }> {
  const release = (await run("uname", ["-r"])).out.trim();
  const own = `/boot/vmlinuz-${release}`;
  const ownConfig = `/boot/config-${release}`;
  try {
    if (existsSync(own) && existsSync(ownConfig) && hasNuma(readFileSync(ownConfig, "utf8"))) {
      readFileSync(own, { flag: "r" }).subarray(0, 1);
      return { path: own, source: `this host's kernel ${release}` };
    }
  } catch {
    /* not readable: use Debian's */
  }
  const dir = join(labCacheDir(), "kernel");
  const cached = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith("vmlinuz-")) : undefined;
  if (cached) return { path: join(dir, cached), source: `Debian's kernel ${cached.slice(8)} (cached)` };
  const dep = (await run("apt-cache", ["depends", "linux-image-amd64"])).out;
  const pkg = /Depends: (linux-image-[\w.+-]+-amd64)/.exec(dep)?.[1] ?? "linux-image-amd64";
  const work = mkdtempSync(join(tmpdir(), "numadesk-kernel-"));
  try {
    const deb = await aptDownload(pkg, work, say);
    const x = await run("dpkg-deb", ["-x", deb, join(work, "x")]);
    if (!x.ok) throw new LabSetupError(`cannot unpack ${deb}: ${x.out.trim()} (dpkg-deb is in Debian's dpkg package)`);
    const boot = join(work, "x", "boot");
    const image = readdirSync(boot).find((n) => n.startsWith("vmlinuz-"));
    const config = readdirSync(boot).find((n) => n.startsWith("config-"));
    if (!image || !config) throw new LabSetupError(`${pkg} has no /boot/vmlinuz-*`);
    if (!hasNuma(readFileSync(join(boot, config), "utf8"))) throw new LabSetupError(`${pkg} was built without NUMA support`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(boot, image), join(dir, image));
    return { path: join(dir, image), source: `Debian's kernel ${image.slice(8)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A statically linked busybox: Debian's busybox-static, downloaded once. */
async function ensureBusybox(say: (m: string) => void): Promise<string> {
  const dir = join(labCacheDir(), "busybox");
  const bin = join(dir, "busybox");
  if (existsSync(bin)) return bin;
  if (existsSync("/bin/busybox") && /statically linked/.test((await run("file", ["-L", "/bin/busybox"])).out)) return "/bin/busybox";
  const work = mkdtempSync(join(tmpdir(), "numadesk-busybox-"));
  try {
    const deb = await aptDownload("busybox-static", work, say);
    const x = await run("dpkg-deb", ["-x", deb, join(work, "x")]);
    if (!x.ok) throw new LabSetupError(`cannot unpack ${deb}: ${x.out.trim()}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(work, "x", "bin", "busybox"), bin);
    return bin;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function sha(...parts: Array<Buffer | string>): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex").slice(0, 16);
}

/** A file's content for hashing or packing, read without holding the main thread (QEMU alone is ~18 MB). */
const contentOf = (path: string) => readFile(path);

/** The lab sampler, compiled statically from labsampler.c. */
async function ensureSampler(): Promise<string> {
  const src = join(HERE, "labsampler.c");
  const bin = join(labCacheDir(), `labsampler-${sha(readFileSync(src))}`);
  if (existsSync(bin)) return bin;
  mkdirSync(labCacheDir(), { recursive: true });
  for (const cc of ["cc", "gcc"]) {
    const r = await run(cc, ["-static", "-O2", "-o", bin, src]);
    if (r.ok) return bin;
    if (!/ENOENT/.test(r.out)) throw new LabSetupError(`${cc} cannot build the lab sampler statically: ${r.out.trim().split("\n")[0]} (apt-get install gcc libc6-dev)`);
  }
  throw new LabSetupError("no C compiler to build the lab sampler (apt-get install gcc libc6-dev)");
}

/** Shared libraries a binary loads, from ldd: [path as the loader looks for it]. */
async function libraries(binary: string): Promise<string[]> {
  const r = await run("ldd", [binary]);
  if (!r.ok) throw new LabSetupError(`ldd ${binary} failed: ${r.out.trim()}`);
  const out = new Set<string>();
  for (const line of r.out.split("\n")) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

// What QEMU opens to run a paused guest with TCG (seen with strace on Debian 12's 7.2).
const QEMU_DATA = ["/usr/share/seabios/bios-256k.bin", "/usr/share/qemu/kvmvapic.bin", "/usr/share/qemu/linuxboot_dma.bin"];

export async function ensureInitramfs(qemuBinary: string, say: LabSay = () => undefined): Promise<string> {
  const qemu = realpathSync(qemuBinary);
  const init = await contentOf(join(HERE, "init.sh"));
  say("busybox", "a static busybox for the lab guest");
  const busybox = await ensureBusybox((text) => say("busybox", text));
  say("sampler", "the lab sampler (labsampler.c, compiled once with cc -static)");
  const sampler = await ensureSampler();
  say("initramfs", "the lab initramfs, from this host's QEMU");
  const moduleDir = "/usr/lib/x86_64-linux-gnu/qemu";
  const tcg = join(moduleDir, "accel-tcg-x86_64.so");
  // keyed by the QEMU binary's version and content, and by everything else that goes in
  const version = (await run(qemu, ["--version"])).out.split("\n")[0] ?? "";
  const key = sha(version, await contentOf(qemu), init, await contentOf(sampler), await contentOf(busybox), existsSync(tcg) ? await contentOf(tcg) : "-");
  const out = join(labCacheDir(), `initramfs-${key}.cpio`);
  if (existsSync(out)) return out;
  say("initramfs", "building the lab initramfs from this host's QEMU");
  const files = new Map<string, string>(); // path in the guest → file on the host
  files.set("/init", join(HERE, "init.sh"));
  files.set("/bin/busybox", busybox);
  files.set("/bin/labsampler", sampler);
  files.set("/usr/bin/qemu-system-x86_64", qemu);
  for (const lib of await libraries(qemu)) files.set(lib, lib);
  if (existsSync(tcg)) {
    files.set(tcg, tcg);
    for (const lib of await libraries(tcg)) files.set(lib, lib);
  }
  for (const f of QEMU_DATA) if (existsSync(f)) files.set(f, f);
  const dirs = new Set<string>(["proc", "sys", "dev", "tmp", "job", "bin", "sbin", "usr", "usr/bin", "usr/sbin"]);
  for (const p of files.keys()) {
    for (let d = dirname(p); d !== "/" && d !== "."; d = dirname(d)) dirs.add(d.slice(1));
  }
  const entries: CpioEntry[] = [...dirs].sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b)).map((d) => ({ name: d, type: "dir", mode: 0o755 }));
  for (const [guest, host] of files) entries.push({ name: guest.slice(1), type: "file", mode: 0o755, data: await contentOf(host) });
  // the loader is looked for under /lib64 too
  if (files.has("/lib64/ld-linux-x86-64.so.2") === false) {
    const loader = [...files.keys()].find((p) => basename(p) === "ld-linux-x86-64.so.2");
    if (loader) entries.push({ name: "lib64/ld-linux-x86-64.so.2", type: "symlink", mode: 0o777, data: Buffer.from(loader) });
  }
  mkdirSync(labCacheDir(), { recursive: true });
  writeFileAtomic(out, cpioArchive(entries));
  // one initramfs is enough: drop those built from an older QEMU or sampler
  for (const n of readdirSync(labCacheDir())) if (/^initramfs-\w+\.cpio$/.test(n) && join(labCacheDir(), n) !== out) rmSync(join(labCacheDir(), n), { force: true });
  return out;
}

export async function ensureLabAssets(qemu?: string, say: LabSay = () => undefined): Promise<LabAssets> {
  const binary = findQemu(qemu);
  say("kernel", "a Linux kernel with NUMA for the lab guest");
  const kernel = await ensureKernel((text) => say("kernel", text));
  return { kernel: kernel.path, kernelSource: kernel.source, initramfs: await ensureInitramfs(binary, say), qemu: binary };
}
