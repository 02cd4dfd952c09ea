// QEMU's "key=value,key=value" option syntax (QemuOpts / keyval): a doubled comma is a
// literal comma, the first element may be a bare value for the option's implied key
// (`-numa node,...`, `-m 4G`, `-object memory-backend-ram,...`), and a bare key later on
// means key=on. Entries keep their raw text so unchanged parts are written back as typed.

export interface KvEntry {
  /** the key; for the implied first value, the option's implied key name */
  key: string;
  /** the value with ",," unescaped; undefined for a bare flag ("prealloc" means prealloc=on) */
  value: string | undefined;
  /** the segment exactly as written, commas still doubled */
  raw: string;
  /** true when this was the bare first value for the implied key */
  implied: boolean;
}

/** Split on single commas; ",," stays part of the segment. */
function splitSegments(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ",") {
      if (text[i + 1] === ",") {
        cur += ",,";
        i++;
        continue;
      }
      out.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

export function unescapeCommas(s: string): string {
  return s.replace(/,,/g, ",");
}

export function escapeCommas(s: string): string {
  return s.replace(/,/g, ",,");
}

export function parseKeyval(text: string, impliedKey?: string): KvEntry[] {
  const segments = splitSegments(text);
  const out: KvEntry[] = [];
  segments.forEach((raw, index) => {
    const eq = raw.indexOf("=");
    if (eq < 0) {
      if (index === 0 && impliedKey) {
        out.push({ key: impliedKey, value: unescapeCommas(raw), raw, implied: true });
      } else {
        out.push({ key: unescapeCommas(raw), value: undefined, raw, implied: false });
      }
      return;
    }
    out.push({ key: raw.slice(0, eq), value: unescapeCommas(raw.slice(eq + 1)), raw, implied: false });
  });
  return out;
}

/**
 * One key=value entry as QEMU reads it back. The bare form of an implied value is only safe
 * when QEMU cannot mistake it for something else: with an '=' it reads `a=b` as key a; with a
 * ',' (even doubled) the first segment's end is ambiguous between QemuOpts and keyval; an
 * empty one gives no value at all; one that starts with '-' reads like an option to people and
 * tools. Those are written with their key.
 */
export function renderEntry(key: string, value: string, implied: boolean): string {
  return implied && /^[^=,-][^=,]*$/.test(value) ? value : `${key}=${escapeCommas(value)}`;
}
