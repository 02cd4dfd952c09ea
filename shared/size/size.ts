// QEMU sizes, as qemu_strtosz() reads them: digits, an optional fraction, an optional
// suffix B/K/M/G/T/P/E in either case (binary multiples). `-m` reads a plain number as MiB,
// `-object ...,size=` as bytes. Values are kept exact: a size that is not a whole number of
// bytes, or that does not fit a JavaScript safe integer (8 PiB), is refused with a message
// instead of being rounded.

export type SizeUnit = "B" | "M";

export type SizeResult = { ok: true; bytes: number } | { ok: false; error: string };

const MULTIPLIERS: Record<string, bigint> = {
  b: 1n,
  k: 1n << 10n,
  m: 1n << 20n,
  g: 1n << 30n,
  t: 1n << 40n,
  p: 1n << 50n,
  e: 1n << 60n,
};

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
// Longer inputs cannot be a size we accept; refusing them early keeps parsing linear.
const MAX_SIZE_TEXT = 64;

const SIZE_RE = /^(\d+)(?:\.(\d+))?([bkmgtpe])?$/i;
const HEX_RE = /^0x([0-9a-f]+)$/i;

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export function parseSize(text: string, defaultUnit: SizeUnit = "B"): SizeResult {
  const t = text.trim();
  if (t === "") return { ok: false, error: "a size is empty; write it like 4G, 512M or 1073741824" };
  if (t.length > MAX_SIZE_TEXT) return { ok: false, error: `'${t.slice(0, 20)}…' is too long to be a size` };
  const hex = HEX_RE.exec(t);
  if (hex) return checked(BigInt("0x" + hex[1]), t);
  const m = SIZE_RE.exec(t);
  if (!m) {
    return {
      ok: false,
      error: `'${t}' is not a size; use a number with an optional suffix K, M, G or T (e.g. 4G, 512M)`,
    };
  }
  const [, whole = "0", frac, suffix] = m;
  const unit = suffix ? MULTIPLIERS[suffix.toLowerCase()]! : defaultUnit === "M" ? MULTIPLIERS.m! : 1n;
  if (frac !== undefined) {
    const scale = 10n ** BigInt(frac.length);
    const numerator = (BigInt(whole) * scale + BigInt(frac)) * unit;
    if (numerator % scale !== 0n) {
      return { ok: false, error: `'${t}' is not a whole number of bytes` };
    }
    return checked(numerator / scale, t);
  }
  return checked(BigInt(whole) * unit, t);
}

function checked(bytes: bigint, text: string): SizeResult {
  if (bytes > MAX_SAFE) {
    return { ok: false, error: `'${text}' is larger than Numadesk handles (8 PiB); check the number and its suffix` };
  }
  return { ok: true, bytes: Number(bytes) };
}

/** Bytes, or throws: for sizes the program itself wrote (layout schema has checked them). */
export function sizeBytes(text: string, defaultUnit: SizeUnit = "B"): number {
  const r = parseSize(text, defaultUnit);
  if (!r.ok) throw new Error(`internal: unchecked size: ${r.error}`);
  return r.bytes;
}

const SUFFIXES: Array<[string, number]> = [
  ["E", 2 ** 60],
  ["P", 2 ** 50],
  ["T", 2 ** 40],
  ["G", 2 ** 30],
  ["M", 2 ** 20],
  ["K", 2 ** 10],
];

/** The shortest exact QEMU spelling: 137438953472 → "128G", 1536 → "1536" (bytes). */
export function formatSize(bytes: number, defaultUnit: SizeUnit = "B"): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`internal: bad byte count ${bytes}`);
  if (bytes === 0) return "0";
  for (const [suffix, mult] of SUFFIXES) {
    if (bytes % mult === 0) {
      // With -m a bare number means MiB, so "M" may be written either way; keep the suffix.
      return `${bytes / mult}${suffix}`;
    }
  }
  if (defaultUnit === "M") return `${bytes}B`;
  return String(bytes);
}

/** A size for people: 137438953472 → "128 GiB", 1610612736 → "1.5 GiB". */
export function humanSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = v >= 100 || Number.isInteger(v) ? 0 : v >= 10 ? 1 : 2;
  const text = v.toFixed(digits);
  return `${text.includes(".") ? text.replace(/\.?0+$/, "") : text} ${units[i]}`;
}
