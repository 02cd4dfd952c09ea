// Reading sysfs attributes, bounded: a live /sys or a copy someone handed us. Every file is
// hostile in a copy (a FIFO, a 1 GB "attribute", a symlink loop), so each read is bounded and a
// missing attribute is simply absent. A copy is read through a SysfsReader confined to its
// folder: a link in it that leads elsewhere would make us read the rest of this host's disk.

import { lstatSync, opendirSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { kindOf, readBoundedText, ReadError } from "../files/read-bounded";
import { parseIdList } from "../../shared/cpulist/cpulist";
import { quotedLine } from "../../shared/text/printable";

export class ProbeError extends Error {
  override name = "ProbeError";
}

// A sysfs attribute is one short line; a bigger "attribute" in a copied tree is not one.
const MAX_ATTRIBUTE = 256 * 1024;
// No sysfs folder the probe lists holds more: /sys/devices/system/cpu has one entry per
// present CPU (Linux builds for at most 8192) and about 20 more. A copy with millions of
// entries is refused after this many, before they are all in memory.
const MAX_ENTRIES = 70_000;

/** Reads confined to `root` (a real path, links resolved) when given; unconfined for /proc and the live /sys's own helpers. */
export class SysfsReader {
  constructor(
    readonly root?: string,
    /** the copy's folder as the user named it, for messages */
    readonly named = root,
  ) {}

  /** `path` as the message shows it: under the folder the user named, quoted safely (a folder name can hold anything). */
  shown(path: string): string {
    return quotedLine(this.root && this.named && path.startsWith(this.root + sep) ? join(this.named, relative(this.root, path)) : path, 300);
  }

  /** Throws when `path` resolves (through links) outside the copy; a missing path is left to the read to report. */
  private confine(path: string): void {
    if (this.root === undefined) return;
    let real: string;
    try {
      real = realpathSync.native(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ELOOP") throw new ProbeError(`${this.shown(path)} is a symbolic link that loops (or links too deep); a sysfs copy holds files, not such links`);
      return;
    }
    this.inside(path, real);
  }

  private inside(path: string, real: string): void {
    if (real !== this.root && !real.startsWith(this.root + sep)) {
      throw new ProbeError(`${this.shown(path)} leads outside the copy (to ${quotedLine(real, 200)}); Numadesk reads a sysfs copy only inside its folder`);
    }
  }

  // Where each folder read so far really is. realpath(3) reads every part of a path (a dozen
  // system calls for cpu/cpuN/topology/core_id), which doubled a copy's probe; a folder's real
  // path is its parent's plus its name unless it is itself a link (one lstat, once per folder).
  private readonly realFolders = new Map<string, string | undefined>();

  /** The real path of folder `dir` (undefined: absent), throwing when it is outside the copy. */
  private realPathOf(dir: string): string | undefined {
    if (dir === this.root) return dir;
    if (this.realFolders.has(dir)) return this.realFolders.get(dir);
    let real: string | undefined;
    const parent = dirname(dir);
    const up = parent === dir || !dir.startsWith(this.root! + sep) ? undefined : this.realPathOf(parent);
    try {
      if (up !== undefined && !lstatSync(dir).isSymbolicLink()) real = join(up, basename(dir));
      else {
        this.confine(dir);
        real = realpathSync.native(dir);
      }
    } catch (e) {
      if (e instanceof ProbeError) throw e;
      real = undefined;
    }
    this.realFolders.set(dir, real);
    return real;
  }

  text(path: string): string | undefined {
    // the folder must be inside the copy; the file itself is opened without following a link
    if (this.root !== undefined && this.realPathOf(dirname(path)) === undefined) return undefined;
    const read = (p: string) => readBoundedText(p, MAX_ATTRIBUTE, { what: "sysfs attribute", noFollow: this.root !== undefined });
    try {
      try {
        return read(path);
      } catch (e) {
        // a link as the file: read where it leads only if that is inside the copy (and not a loop)
        if (!(e instanceof ReadError && e.code === "ELOOP" && this.root !== undefined)) throw e;
        this.confine(path);
        return readBoundedText(realpathSync.native(path), MAX_ATTRIBUTE, { what: "sysfs attribute" });
      }
    } catch (e) {
      // a missing attribute is normal (older kernels, offline CPUs); a FIFO or a 1 GB "attribute" is a broken copy
      if (e instanceof ReadError && !e.missing) throw new ProbeError(this.root && this.named ? e.message.split(this.root + sep).join(this.named + sep) : e.message);
      if (e instanceof ReadError || (e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  int(path: string): number | undefined {
    const t = this.text(path)?.trim();
    if (t === undefined || !/^-?\d{1,15}$/.test(t)) return undefined;
    return Number(t);
  }

  /** "0x020000" → 0x020000; undefined when it is not a hex number */
  hex(path: string): number | undefined {
    const t = this.text(path)?.trim();
    if (t === undefined || !/^0x[0-9a-fA-F]{1,8}$/.test(t)) return undefined;
    return parseInt(t.slice(2), 16);
  }

  list(path: string): number[] | undefined {
    const t = this.text(path);
    if (t === undefined) return undefined;
    const r = parseIdList(t.trim(), this.shown(path));
    if (!r.ok) throw new ProbeError(`${this.shown(path)}: ${r.error}`);
    return r.ids;
  }

  /** The last part of a symlink's target (a device's driver, iommu_group); undefined if absent. Read, never followed. */
  linkName(path: string): string | undefined {
    try {
      return basename(readlinkSync(path));
    } catch {
      return undefined;
    }
  }

  /** A folder's names, at most MAX_ENTRIES of them read; [] when it is absent. */
  entries(dir: string): string[] {
    if (this.root !== undefined && this.realPathOf(dir) === undefined) return [];
    let d;
    try {
      d = opendirSync(dir);
    } catch {
      return [];
    }
    const names: string[] = [];
    try {
      for (let e = d.readSync(); e !== null; e = d.readSync()) {
        names.push(e.name);
        if (names.length > MAX_ENTRIES) throw new ProbeError(`${this.shown(dir)} holds more than ${MAX_ENTRIES} entries; no sysfs folder does`);
      }
    } catch (e) {
      if (e instanceof ProbeError) throw e;
      return names;
    } finally {
      d.closeSync();
    }
    return names;
  }

  /** `prefix`N entries (node0, cpu12) sorted by N. N is written as the kernel writes it: "node01" would name
   *  node1's folder twice, so it is not an entry. */
  numberedEntries(dir: string, prefix: string, maxId = 65535): number[] {
    const re = new RegExp(`^${prefix}(0|[1-9]\\d*)$`);
    const ids: number[] = [];
    for (const n of this.entries(dir)) {
      const m = re.exec(n);
      if (!m) continue;
      const id = Number(m[1]);
      if (id > maxId) throw new ProbeError(`${this.shown(dir)} has a folder ${quotedLine(n, 40)}: ${prefix} numbers stop at ${maxId}`);
      ids.push(id);
    }
    return ids.sort((a, b) => a - b);
  }

  /** A folder the kernel makes as a folder (nodeN, cpuN, hugepages-…): in a copy, a link there is refused.
   *  A link back to a parent (node1 → .) would read the parent as a node; one elsewhere, another machine's files. */
  realFolder(path: string): void {
    if (this.root === undefined) return;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) {
      let to = "";
      try {
        to = readlinkSync(path);
      } catch {
        // gone meanwhile: say it is a link all the same
      }
      throw new ProbeError(`${this.shown(path)} is a symbolic link (to ${quotedLine(to, 200)}), where sysfs has a folder; copy the tree with cp -r, which copies folders as folders`);
    }
    // a FIFO or a file named node1 would read as a node with nothing in it
    if (!st.isDirectory()) throw new ProbeError(`${this.shown(path)} is ${st.isFile() ? "a file" : kindOf(st)}, where sysfs has a folder`);
  }

  /** A folder entry that sysfs itself makes a link (bus/pci/devices/*): it must stay in the copy and not lead back up. */
  linkedFolder(path: string): void {
    if (this.root === undefined) return;
    this.confine(path);
    let real: string;
    let parent: string;
    try {
      real = realpathSync.native(path);
      parent = realpathSync.native(dirname(path));
    } catch {
      return;
    }
    if (parent === real || parent.startsWith(real + sep)) throw new ProbeError(`${this.shown(path)} leads back to a folder above it (a loop); sysfs has no such link`);
  }
}

/** The live /sys's reader (and /proc's): the kernel's own files, not confined. */
export const LIVE = new SysfsReader();

/** A reader for `root`: the live /sys as it is, a copy confined to its real folder. */
export function readerFor(root: string): SysfsReader {
  if (root === "/sys") return LIVE;
  let real: string;
  try {
    real = realpathSync.native(root);
  } catch {
    return new SysfsReader(root, root);
  }
  return new SysfsReader(real, root);
}

export const readText = (path: string) => LIVE.text(path);
export const readInt = (path: string) => LIVE.int(path);
export const readHex = (path: string) => LIVE.hex(path);
export const readList = (path: string) => LIVE.list(path);
export const linkName = (path: string) => LIVE.linkName(path);
export const entries = (dir: string) => LIVE.entries(dir);
export const numberedEntries = (dir: string, prefix: string) => LIVE.numberedEntries(dir, prefix);
