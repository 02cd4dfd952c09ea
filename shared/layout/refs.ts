// What passthrough arguments say about the layout's objects: ids of other -object types,
// backends that devices use (pc-dimm, nvdimm, virtio-mem: memdev=), `-mem-prealloc`.

import type { Layout } from "./schema";
import { splitValue } from "../qemu/codec";
import { optionName } from "../qemu/options";

export interface ArgRef {
  /** index into layout.args */
  arg: number;
  option: string;
  id?: string;
  memdev?: string;
  qomType?: string;
  driver?: string;
}

export function argRefs(layout: Layout): ArgRef[] {
  const out: ArgRef[] = [];
  layout.args.forEach((a, index) => {
    const [opt, value] = a.tokens;
    const name = opt ? optionName(opt) : undefined;
    if (!name || value === undefined) return;
    if (name !== "object" && name !== "device") return;
    const split = splitValue({ option: "-object", impliedKey: name === "object" ? "qom-type" : "driver" }, value);
    const get = (k: string) => {
      const v = split.entries.find((e) => e.key === k)?.value;
      return typeof v === "string" ? v : undefined;
    };
    const ref: ArgRef = { arg: index, option: `-${name}` };
    const id = get("id");
    if (id !== undefined) ref.id = id;
    const memdev = get("memdev");
    if (memdev !== undefined) ref.memdev = memdev;
    if (name === "object") {
      const t = get("qom-type");
      if (t !== undefined) ref.qomType = t;
    } else {
      const d = get("driver");
      if (d !== undefined) ref.driver = d;
    }
    out.push(ref);
  });
  return out;
}

/** Backends that devices use; their memory does not count toward -m. */
export function deviceMemdevs(layout: Layout): Set<string> {
  return new Set(argRefs(layout).flatMap((r) => (r.option === "-device" && r.memdev ? [r.memdev] : [])));
}

export function hasFlag(layout: Layout, flag: string): boolean {
  return layout.args.some((a) => a.tokens.length === 1 && optionName(a.tokens[0]!) === flag);
}
