// The lab guest's report on the serial console: one "NUMADESK-LAB <kind> ..." line per fact
// (docs/lab-protocol.md). Anything else on the console (kernel messages) is ignored.

import { parseIdList } from "../cpulist/cpulist";

export type LabLine =
  | { kind: "hello"; kernel: string; cpus: number }
  | { kind: "topo"; node: number; cpus: number[]; memTotalKb: number; memFreeKb: number; distances: number[] }
  | { kind: "pci"; address: string; classCode: number; vendor: number; device: number; node: number }
  | { kind: "free"; node: number; kb: number }
  | { kind: "begin"; label: string }
  | { kind: "allowed"; tid: number; cpus: number[]; name: string }
  | { kind: "sample"; t: number; tid: number; cpu: number; state: string; ranUs: number; name: string }
  | { kind: "greeting"; t: number }
  | { kind: "mem"; node: number; kb: number }
  | { kind: "exit"; t: number; code: number }
  | { kind: "pin-error"; text: string }
  | { kind: "pin-status"; status: string }
  | { kind: "pinned"; tid: number; main: boolean; allowed: string; name: string }
  | { kind: "error"; text: string }
  | { kind: "alldone" };

const PREFIX = "NUMADESK-LAB ";

const int = (s: string | undefined) => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : NaN);
const num = (s: string | undefined) => (s !== undefined && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN);
const ids = (s: string | undefined) => {
  if (s === undefined || s === "-") return [];
  const r = parseIdList(s);
  return r.ok ? r.ids : undefined;
};

export function parseLabLine(raw: string): LabLine | undefined {
  const at = raw.indexOf(PREFIX);
  if (at < 0) return undefined;
  const f = raw
    .slice(at + PREFIX.length)
    .trim()
    .split(/\s+/);
  const ok = <T extends LabLine>(l: T, ...numbers: number[]): T | undefined => (numbers.every((n) => Number.isFinite(n)) ? l : undefined);
  switch (f[0]) {
    case "HELLO":
      return ok({ kind: "hello", kernel: f[1] ?? "?", cpus: int(f[2]) }, int(f[2]));
    case "TOPO": {
      const cpus = ids(f[2]);
      if (!cpus) return undefined;
      const distances = f.slice(5).map(int);
      return ok({ kind: "topo", node: int(f[1]), cpus, memTotalKb: int(f[3]), memFreeKb: int(f[4]), distances }, int(f[1]), int(f[3]), int(f[4]), ...distances);
    }
    case "PCI": {
      // "PCI 0000:81:00.0 0x020000 0x8086 0x10d3 1": sysfs's class, vendor, device, numa_node
      const hex = (v: string | undefined, max: number) => (v !== undefined && /^0x[0-9a-f]{1,6}$/i.test(v) && parseInt(v.slice(2), 16) <= max ? parseInt(v.slice(2), 16) : NaN);
      const address = f[1] ?? "";
      if (!/^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(address)) return undefined;
      return ok(
        { kind: "pci", address, classCode: hex(f[2], 0xffffff), vendor: hex(f[3], 0xffff), device: hex(f[4], 0xffff), node: int(f[5]) },
        hex(f[2], 0xffffff),
        hex(f[3], 0xffff),
        hex(f[4], 0xffff),
        int(f[5]),
      );
    }
    case "F":
      return ok({ kind: "free", node: int(f[1]), kb: int(f[2]) }, int(f[1]), int(f[2]));
    case "BEGIN":
      return { kind: "begin", label: f.slice(1).join(" ") };
    case "A": {
      const cpus = ids(f[2]);
      return cpus ? ok({ kind: "allowed", tid: int(f[1]), cpus, name: f.slice(3).join(" ") }, int(f[1])) : undefined;
    }
    case "T":
      return ok({ kind: "sample", t: num(f[1]), tid: int(f[2]), cpu: int(f[3]), state: f[4] ?? "?", ranUs: int(f[5]), name: f.slice(6).join(" ") }, num(f[1]), int(f[2]), int(f[3]), int(f[5]));
    case "G":
      return ok({ kind: "greeting", t: num(f[1]) }, num(f[1]));
    case "M":
      return ok({ kind: "mem", node: int(f[1]), kb: int(f[2]) }, int(f[1]), int(f[2]));
    case "E":
      return ok({ kind: "exit", t: num(f[1]), code: int(f[2]) }, num(f[1]), int(f[2]));
    case "PE":
      return { kind: "pin-error", text: f.slice(1).join(" ") };
    case "PS":
      return f[1] ? { kind: "pin-status", status: f[1] } : undefined;
    case "P": {
      // the Cpus_allowed_list as the kernel wrote it, kept as text (the record keeps it so)
      const allowed = f[3] ?? "";
      if (!ids(allowed) || (f[2] !== "0" && f[2] !== "1")) return undefined;
      return ok({ kind: "pinned", tid: int(f[1]), main: f[2] === "1", allowed, name: f.slice(4).join(" ") }, int(f[1]));
    }
    case "ERR":
      return { kind: "error", text: f.slice(1).join(" ") };
    case "ALLDONE":
      return { kind: "alldone" };
    default:
      return undefined;
  }
}
