// What a sysfs copy did not tell, one line per kind of gap, for the topology's `source.lacks`.
// A copy from another machine can miss files or hold words where numbers go; the reader takes
// a plain default for each and says so here, naming the file. Many CPUs with the same gap make
// one line ("cpu/cpuN/topology/core_id for N = 0-999: …"), so the list stays short whatever
// the copy holds (the schema takes at most 64 lines of 1024 characters).

import { formatIdList } from "../../shared/cpulist/cpulist";
import { quotedLine } from "../../shared/text/printable";

const MAX_LINES = 32;
const MAX_LINE = 400;

interface Gap {
  /** the file, with N where the node or CPU number goes: "node/nodeN/meminfo" */
  file: string;
  /** what was wrong and what was taken instead: "is missing: its memory is taken as 0" */
  what: string;
  ids: number[];
  /** the first bad text, quoted when the gap is one file's */
  text?: string;
}

export class SysfsLacks {
  private readonly gaps = new Map<string, Gap>();

  /** `file` with N for `id`; `text` is what the file held (undefined: it is missing). */
  note(file: string, id: number | undefined, what: string, text?: string): void {
    const key = `${file}\0${what}`;
    let g = this.gaps.get(key);
    if (!g) {
      g = { file, what, ids: [], ...(text !== undefined ? { text } : {}) };
      this.gaps.set(key, g);
    }
    if (id !== undefined) g.ids.push(id);
  }

  lines(): string[] {
    const out: string[] = [];
    for (const g of this.gaps.values()) {
      const one = g.ids.length <= 1;
      const file = one ? g.file.replace("N", String(g.ids[0] ?? "")) : `${g.file} for N = ${formatIdList([...new Set(g.ids)].sort((a, b) => a - b))}`;
      const held = one && g.text !== undefined ? ` reads '${quotedLine(g.text.trim(), 60)}',` : "";
      const line = quotedLine(`${file}${held} ${g.what}`, MAX_LINE);
      out.push(line);
    }
    if (out.length > MAX_LINES) return [...out.slice(0, MAX_LINES - 1), `and ${out.length - MAX_LINES + 1} more kinds of gaps`];
    return out;
  }
}
