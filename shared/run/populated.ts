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

const HEAD = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/;
const FIELD = /^(\w+):\s+(\d+) kB$/;

/** The mappings of a smaps text, with their size and what is present. */
export function parseSmaps(text: string): SmapsEntry[] {
  const out: SmapsEntry[] = [];
  let cur: (SmapsEntry & { hugetlb: number; rss: number }) | undefined;
  const close = () => {
    if (cur) out.push({ start: cur.start, perms: cur.perms, path: cur.path, sizeBytes: cur.sizeBytes, presentBytes: cur.rss + cur.hugetlb });
  };
  for (const line of text.split("\n")) {
    const h = HEAD.exec(line);
    if (h) {
      close();
      cur = { start: BigInt(`0x${h[1]}`), perms: h[3]!, path: h[4]!.trim(), sizeBytes: Number(BigInt(`0x${h[2]}`) - BigInt(`0x${h[1]}`)), presentBytes: 0, hugetlb: 0, rss: 0 };
      continue;
    }
    const f = FIELD.exec(line);
    if (!f || !cur) continue;
    const bytes = Number(f[2]) * 1024;
    if (f[1] === "Rss") cur.rss = bytes;
    else if (f[1] === "Shared_Hugetlb" || f[1] === "Private_Hugetlb") cur.hugetlb += bytes;
  }
  close();
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

  constructor(private readonly backends: readonly FillBackend[]) {}

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
      return k >= 0 ? `${b.id} all ${size(b.bytes)} at ${(series.t[k]! / 1000).toFixed(2)} s` : `${b.id} ${size(col.at(-1) ?? 0)} of ${size(b.bytes)}`;
    })
    .join("; ");
}
