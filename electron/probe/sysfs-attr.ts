// Reading sysfs attributes, bounded: a live /sys or a copy someone handed us. Every file is
// hostile in a copy (a FIFO, a 1 GB "attribute", a symlink loop), so each read is bounded and a
// missing attribute is simply absent.

import { readdirSync, readlinkSync } from "node:fs";
import { basename } from "node:path";
import { readBoundedText, ReadError } from "../files/read-bounded";
import { parseIdList } from "../../shared/cpulist/cpulist";

export class ProbeError extends Error {
  override name = "ProbeError";
}

// A sysfs attribute is one short line; a bigger "attribute" in a copied tree is not one.
const MAX_ATTRIBUTE = 256 * 1024;

export function readText(path: string): string | undefined {
  try {
    return readBoundedText(path, MAX_ATTRIBUTE, { what: "sysfs attribute" });
  } catch (e) {
    // a missing attribute is normal (older kernels, offline CPUs); a FIFO or a 1 GB "attribute" is a broken copy
    if (e instanceof ReadError && !e.missing) throw new ProbeError(e.message);
    return undefined;
  }
}

export function readInt(path: string): number | undefined {
  const t = readText(path)?.trim();
  if (t === undefined || !/^-?\d{1,15}$/.test(t)) return undefined;
  return Number(t);
}

/** "0x020000" → 0x020000; undefined when it is not a hex number */
export function readHex(path: string): number | undefined {
  const t = readText(path)?.trim();
  if (t === undefined || !/^0x[0-9a-fA-F]{1,8}$/.test(t)) return undefined;
  return parseInt(t.slice(2), 16);
}

export function readList(path: string): number[] | undefined {
  const t = readText(path);
  if (t === undefined) return undefined;
  const r = parseIdList(t.trim(), path);
  if (!r.ok) throw new ProbeError(`${path}: ${r.error}`);
  return r.ids;
}

/** The last part of a symlink's target (a device's driver, iommu_group); undefined if absent. */
export function linkName(path: string): string | undefined {
  try {
    return basename(readlinkSync(path));
  } catch {
    return undefined;
  }
}

export function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function numberedEntries(dir: string, prefix: string): number[] {
  const re = new RegExp(`^${prefix}(\\d+)$`);
  return entries(dir)
    .map((n) => re.exec(n)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
