// How much of each memory backend is populated while QEMU preallocates, read from the
// process's /proc/PID/smaps: the kernel's own count of the pages present in each mapping.
//
// Why smaps and not the nodes' meminfo or RSS: meminfo counts every process on the node, and
// RSS every mapping of QEMU (its TCG code buffer, libraries); a backend's mapping alone is
// exact. Measured with QEMU 7.2: a backend is one mapping of exactly its size (QEMU maps
// size + alignment and trims the rest, leaving a PROT_NONE guard page that keeps neighbours from
// merging): `rw-p` anonymous for memory-backend-ram, `rw-s /memfd:memory-backend-memfd (deleted)`
// for memfd, `rw-s` of the file for memory-backend-file. Its Rss is the bytes populated (4 KiB
// and transparent huge pages alike); hugetlb pages are not in Rss but in Shared_/Private_Hugetlb.
//
// Which mapping is which backend: QEMU creates backends one after another in command-line
// order, each mapped just before it is preallocated, so a new mapping of a backend's size and
// kind belongs to the next backend of that size not yet seen. Mappings first seen in the same
// look are taken top-down (Linux places anonymous mappings top-down: a later one is lower).

export interface SmapsEntry {
  start: bigint;
  perms: string;
  /** the pathname column, "" for anonymous memory */
  path: string;
  sizeBytes: number;
  /** bytes present: Rss plus hugetlb pages */
  presentBytes: number;
}

// a mapping's first line: "7f5fd7e00000-7f5fe7e00000 rw-p 00000000 00:00 0      [path]"
const HEAD = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+[ \t]*(.*)$/gm;

function field(text: string, from: number, to: number, name: string): number {
  const at = text.indexOf(`\n${name}:`, from);
  if (at < 0 || at >= to) return 0;
  return Number(/^\s*(\d+)/.exec(text.slice(at + name.length + 2, at + name.length + 40))?.[1] ?? 0) * 1024;
}

/**
 * The mappings of a smaps text, with their size and what is present. With `sizes`, only
 * mappings of those sizes have their fields read (QEMU has a thousand lines of smaps; the
 * backends are a few of them).
 */
export function parseSmaps(text: string, sizes?: ReadonlySet<number>): SmapsEntry[] {
  const heads: Array<{ at: number; start: bigint; end: bigint; perms: string; path: string }> = [];
  HEAD.lastIndex = 0;
  for (let m = HEAD.exec(text); m; m = HEAD.exec(text)) heads.push({ at: m.index, start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), perms: m[3]!, path: m[4]!.trim() });
  const out: SmapsEntry[] = [];
  heads.forEach((h, i) => {
    const sizeBytes = Number(h.end - h.start);
    if (sizes && !sizes.has(sizeBytes)) return;
    const to = heads[i + 1]?.at ?? text.length;
    const presentBytes = field(text, h.at, to, "Rss") + field(text, h.at, to, "Shared_Hugetlb") + field(text, h.at, to, "Private_Hugetlb");
    out.push({ start: h.start, perms: h.perms, path: h.path, sizeBytes, presentBytes });
  });
  return out;
}

export interface FillBackend {
  id: string;
  bytes: number;
  /** ram: anonymous memory; memfd: a /memfd: mapping; file: the file under mem-path */
  kind: "ram" | "memfd" | "file";
  /** file backends: the path or folder given as mem-path */
  memPath?: string;
}

function fits(b: FillBackend, e: SmapsEntry): boolean {
  if (e.sizeBytes !== b.bytes || !e.perms.startsWith("rw")) return false;
  if (b.kind === "ram") return e.path === "" && e.perms[3] === "p";
  if (b.kind === "memfd") return e.path.startsWith("/memfd:");
  return b.memPath !== undefined && e.path.startsWith(b.memPath);
}

/** Follows backends across looks at smaps: which mapping is which, and how much of each is there. */
export class BackendFill {
  /** mapping start → backend id */
  private readonly owner = new Map<bigint, string>();
  private readonly seen = new Set<string>();

  /** the sizes worth reading in smaps */
  readonly sizes: ReadonlySet<number>;

  constructor(private readonly backends: readonly FillBackend[]) {
    this.sizes = new Set(backends.map((b) => b.bytes));
  }

  /** Bytes populated per backend (0 for those not mapped yet), from one smaps text. */
  look(entries: readonly SmapsEntry[]): Record<string, number> {
    const fresh = entries.filter((e) => !this.owner.has(e.start) && this.backends.some((b) => !this.seen.has(b.id) && fits(b, e))).sort((a, b) => (a.start > b.start ? -1 : 1));
    for (const e of fresh) {
      const b = this.backends.find((x) => !this.seen.has(x.id) && fits(x, e));
      if (!b) continue;
      this.seen.add(b.id);
      this.owner.set(e.start, b.id);
    }
    const out: Record<string, number> = Object.fromEntries(this.backends.map((b) => [b.id, 0]));
    for (const e of entries) {
      const id = this.owner.get(e.start);
      if (id !== undefined) out[id] = Math.min(e.presentBytes, e.sizeBytes);
    }
    return out;
  }
}

/** Populated bytes over time, as a record keeps them for replays. */
export interface PopulatedSeries {
  t: number[];
  bytes: Record<string, number[]>;
}

/** Append one look to a series (backends not in `now` keep 0). */
export function appendPopulated(series: PopulatedSeries, t: number, now: Record<string, number>): void {
  const n = series.t.length;
  series.t.push(Math.round(t * 100) / 100);
  for (const id of Object.keys(now)) (series.bytes[id] ??= new Array<number>(n).fill(0)).push(now[id]!);
  for (const [id, col] of Object.entries(series.bytes)) if (!(id in now)) col.push(col[n - 1] ?? 0);
}

/** "ram-node0 all 1 GiB at 2.20 s; m1 96 MiB of 128 MiB": when each backend was full, from a record's series. */
export function populatedText(series: PopulatedSeries, backends: ReadonlyArray<{ id: string; bytes: number }>, size: (bytes: number) => string): string {
  return backends
    .filter((b) => series.bytes[b.id] !== undefined)
    .map((b) => {
      const col = series.bytes[b.id]!;
      const k = col.findIndex((x) => x >= b.bytes);
      return k >= 0 ? `${b.id} all ${size(b.bytes)} by ${(series.t[k]! / 1000).toFixed(2)} s` : `${b.id} ${size(col.at(-1) ?? 0)} of ${size(b.bytes)}`;
    })
    .join("; ");
}
