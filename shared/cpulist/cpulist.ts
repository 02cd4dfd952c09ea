// Linux cpulist syntax ("0-25,52-77"), used by sysfs, lscpu, numactl and QEMU's
// `cpus=`, `host-nodes=` and `node-affinity=` values.

export type ListResult = { ok: true; ids: number[] } | { ok: false; error: string };

// Linux supports up to 8192 CPUs (NR_CPUS) and 1024 nodes; QEMU at most 4096 vCPUs for
// x86. A larger index is a typo, and expanding "0-1000000000" would hang.
export const MAX_LIST_INDEX = 65535;

// any number of digits: "0-4294967295" is a range, too large (said so below), not "not a range"
const PART_RE = /^(\d+)(?:-(\d+))?$/;

export function parseIdList(text: string, what = "list"): ListResult {
  const t = text.trim();
  if (t === "") return { ok: true, ids: [] };
  // lists are almost always written in order ("0-63,512-575"): those go straight into the
  // result; one out of order or overlapping falls back to a set and a sort (every edit of a
  // 1024-PU host parses many of these)
  const ids: number[] = [];
  let ordered = true;
  const set = new Set<number>();
  for (const part of t.split(",")) {
    const m = PART_RE.exec(part.trim());
    if (!m) return { ok: false, error: `'${part}' in ${what} '${t}' is not a number or a range like 0-3` };
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > MAX_LIST_INDEX || b > MAX_LIST_INDEX) {
      // the digits as written (a 25-digit index would print as 1e+24)
      const big = (a > b ? m[1] : (m[2] ?? m[1]))!.replace(/^0+(?=\d)/, "");
      return { ok: false, error: `${what} '${t}' names index ${big.length > 12 ? `${big.slice(0, 12)}…` : big}, above the limit ${MAX_LIST_INDEX}` };
    }
    if (b < a) return { ok: false, error: `range '${part}' in ${what} '${t}' runs backwards; write ${b}-${a}` };
    if (ordered && (ids.length === 0 || a > ids[ids.length - 1]!)) for (let i = a; i <= b; i++) ids.push(i);
    else {
      if (ordered) for (const i of ids) set.add(i);
      ordered = false;
      for (let i = a; i <= b; i++) set.add(i);
    }
  }
  return { ok: true, ids: ordered ? ids : [...set].sort((x, y) => x - y) };
}

/** Ids, or throws: for lists the program itself checked. */
export function idList(text: string | undefined): number[] {
  if (text === undefined) return [];
  const r = parseIdList(text);
  if (!r.ok) throw new Error(`internal: unchecked id list: ${r.error}`);
  return r.ids;
}

function isAscending(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i]! <= ids[i - 1]!) return false;
  return true;
}

/** Contiguous runs of sorted ids: [0,1,2,5] → [[0,2],[5,5]]. */
export function idRanges(ids: readonly number[]): Array<[number, number]> {
  const sorted = isAscending(ids) ? ids : [...new Set(ids)].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const id of sorted) {
    const last = out[out.length - 1];
    if (last && id === last[1] + 1) last[1] = id;
    else out.push([id, id]);
  }
  return out;
}

export function formatIdRange([a, b]: [number, number]): string {
  return a === b ? String(a) : `${a}-${b}`;
}

/** [0,1,2,5] → "0-2,5" */
export function formatIdList(ids: readonly number[]): string {
  return idRanges(ids).map(formatIdRange).join(",");
}
