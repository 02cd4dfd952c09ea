// One QEMU property value, read from either spelling QEMU accepts — a key=value string or
// a JSON value (libvirt's `-object '{"qom-type":...}'`) — and written back in either.
// `canon` is the meaning of a value, used to tell an edited property from an unchanged one.

import { parseSize } from "../size/size";
import { formatIdList, formatIdRange, idRanges, parseIdList } from "../cpulist/cpulist";

export type ValueKind =
  | "string"
  | "size" // bytes when bare
  | "sizeM" // MiB when bare (-m)
  | "int"
  | "bool"
  | "list" // id list: "0-1" or [0,1]; repeated keys add up
  | "cpus"; // like list, but written as one key per range (`cpus=0-25,cpus=52-77`)

const MAX_INT = 2 ** 31 - 1;

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

const TRUE_WORDS = new Set(["on", "yes", "true", "y"]);
const FALSE_WORDS = new Set(["off", "no", "false", "n"]);

/** Read a raw value (string from key=value, or a JSON value) into the layout's field form. */
export function readValue(kind: ValueKind, raw: unknown, key: string): Read<string | number | boolean> {
  switch (kind) {
    case "string":
      if (typeof raw === "string") return { ok: true, value: raw };
      return { ok: false, error: `${key} takes a string` };
    case "size":
    case "sizeM": {
      if (typeof raw === "number") {
        if (!Number.isSafeInteger(raw) || raw < 0) return { ok: false, error: `${key}=${raw} is not a byte count Numadesk can hold exactly` };
        // JSON sizes are bytes; keep them as a bare byte count ("B" suffix for -m, where bare means MiB).
        return { ok: true, value: kind === "sizeM" ? `${raw}B` : String(raw) };
      }
      if (typeof raw !== "string") return { ok: false, error: `${key} takes a size` };
      const r = parseSize(raw, kind === "sizeM" ? "M" : "B");
      return r.ok ? { ok: true, value: raw } : { ok: false, error: `${key}: ${r.error}` };
    }
    case "int": {
      // No QEMU count or index Numadesk reads goes past 2^31 (vCPUs, node ids, slots, threads)
      const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\d{1,30}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) return { ok: false, error: `${key}=${String(raw)} is not a whole number` };
      if (n > MAX_INT) return { ok: false, error: `${key}=${String(raw)} is far larger than QEMU accepts (at most ${MAX_INT})` };
      return { ok: true, value: n };
    }
    case "bool": {
      if (typeof raw === "boolean") return { ok: true, value: raw };
      if (raw === undefined) return { ok: true, value: true }; // bare key means on
      if (typeof raw === "string") {
        const w = raw.toLowerCase();
        if (TRUE_WORDS.has(w)) return { ok: true, value: true };
        if (FALSE_WORDS.has(w)) return { ok: true, value: false };
      }
      return { ok: false, error: `${key}=${String(raw)} is not on or off` };
    }
    case "list":
    case "cpus": {
      if (Array.isArray(raw)) {
        if (!raw.every((x) => Number.isSafeInteger(x) && x >= 0)) return { ok: false, error: `${key} takes a list of numbers` };
        const r = parseIdList(raw.join(","), key);
        return r.ok ? { ok: true, value: formatIdList(r.ids) } : r;
      }
      if (typeof raw === "number") return readValue(kind, String(raw), key);
      if (typeof raw !== "string") return { ok: false, error: `${key} takes a list like 0-3` };
      const r = parseIdList(raw, key);
      // Keep the user's spelling when it is one range or number; several values come from repeated keys.
      return r.ok ? { ok: true, value: raw } : r;
    }
  }
}

/** The meaning of a field value, as a string that compares equal for equal meanings. */
export function canonValue(kind: ValueKind, v: unknown): string {
  switch (kind) {
    case "size":
    case "sizeM": {
      const r = parseSize(String(v), kind === "sizeM" ? "M" : "B");
      return r.ok ? `b${r.bytes}` : `?${String(v)}`;
    }
    case "list":
    case "cpus": {
      const r = parseIdList(String(v));
      return r.ok ? `l${formatIdList(r.ids)}` : `?${String(v)}`;
    }
    default:
      return JSON.stringify(v) ?? "undefined";
  }
}

/** Key=value text values for a field (several for `cpus`, one per range). */
export function keyvalValues(kind: ValueKind, v: unknown): string[] {
  switch (kind) {
    case "bool":
      return [v ? "on" : "off"];
    case "cpus": {
      const r = parseIdList(String(v));
      return r.ok ? idRanges(r.ids).map(formatIdRange) : [String(v)];
    }
    case "list": {
      const r = parseIdList(String(v));
      return r.ok ? [formatIdList(r.ids)] : [String(v)];
    }
    default:
      return [String(v)];
  }
}

/** The JSON value for a field, as libvirt writes it (sizes in bytes, lists as arrays). */
export function jsonValueOf(kind: ValueKind, v: unknown): unknown {
  switch (kind) {
    case "size":
    case "sizeM": {
      const r = parseSize(String(v), kind === "sizeM" ? "M" : "B");
      return r.ok ? r.bytes : v;
    }
    case "list":
    case "cpus": {
      const r = parseIdList(String(v));
      return r.ok ? r.ids : v;
    }
    default:
      return v;
  }
}

/** Combine two readings of a repeated list key: "0-25" + "52-77" → "0-25,52-77". */
export function joinLists(a: string, b: string): string {
  return a === "" ? b : `${a},${b}`;
}
