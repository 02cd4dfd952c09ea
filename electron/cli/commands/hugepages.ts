// numadesk hugepages plan|reserve FILE: the huge pages a layout lacks, per node and page size,
// as the exact sysfs writes that reserve them; `reserve` does the writes (root) and reports
// what the kernel really gave.

import { formatIdList } from "../../../shared/cpulist/cpulist";
import { hugepageShortfalls, reserveSteps, type HugepageShortfall, type ReserveStep } from "../../../shared/hugepages/need";
import { humanSize } from "../../../shared/size/size";
import type { HostTopology } from "../../../shared/topology/schema";
import { parseCliArgs } from "../args";
import { EXIT_INPUT, EXIT_OK, InputError, UsageError } from "../errors";
import { resolveTarget, TARGET_OPTIONS } from "../target";
import { readInput } from "../input";
import { applyReserve } from "../../hugepages/reserve";
import { readSysfs } from "../../probe/sysfs";
import type { Io } from "./design";

function loadLayout(file: string | undefined) {
  if (file === undefined) throw new UsageError("give a layout file or a command-line file (or - for standard input)");
  const input = readInput(file);
  if (!input.layout) throw new InputError(`${file}: the layout cannot be loaded (numadesk check ${file} says why)`);
  return input.layout;
}

function describeShortfall(s: HugepageShortfall, host: HostTopology): string {
  const where = s.nodes.length === 0 ? host.name : `node${s.nodes.length > 1 ? "s" : ""} ${formatIdList(s.nodes)}`;
  const who = s.claims.map((c) => `${c.backend} ${c.pages}`).join(" + ");
  return `# ${where}, ${humanSize(s.pageSize)} pages: need ${s.need} (${who}), ${s.free} free${s.reservedBy ? ` after ${s.reservedBy} reserved` : ""}: ${s.short} short`;
}

const command = (st: ReserveStep) => `echo ${st.to} > ${st.path}`;

export function hugepagesCommand(args: string[], io: Io): number {
  const [sub, ...rest] = args;
  if (sub === "plan") return planHugepages(rest, io);
  if (sub === "reserve") return reserveHugepages(rest, io);
  throw new UsageError(`hugepages takes plan or reserve${sub === undefined ? "" : `, not '${sub}'`}`);
}

function planHugepages(args: string[], io: Io): number {
  const { values, positionals } = parseCliArgs(args, { ...TARGET_OPTIONS }, 1);
  const layout = loadLayout(positionals[0]);
  const host = resolveTarget(values as Record<string, string | undefined>, (t) => io.err(`note: ${t}\n`));
  const short = hugepageShortfalls(layout, host);
  if (short.length === 0) {
    io.err(`${positionals[0]} on ${host.name}: every node has the huge pages the layout needs; nothing to reserve\n`);
    return EXIT_OK;
  }
  io.out(`# as root, on ${host.name}: reserve the huge pages ${positionals[0]} lacks\n`);
  for (const s of short) io.out(describeShortfall(s, host) + "\n");
  for (const st of reserveSteps(short, host)) io.out(`${command(st)}    # was ${st.from}\n`);
  return EXIT_OK;
}

function reserveHugepages(args: string[], io: Io): number {
  const { positionals } = parseCliArgs(args, {}, 1);
  const layout = loadLayout(positionals[0]);
  const host = readSysfs();
  const steps = reserveSteps(hugepageShortfalls(layout, host), host);
  if (steps.length === 0) {
    io.err(`${positionals[0]}: every node of this host has the huge pages it needs; nothing reserved\n`);
    return EXIT_OK;
  }
  if (process.getuid?.() !== 0) {
    throw new InputError(`reserving huge pages needs root; run this as root, or run as root what numadesk hugepages plan ${positionals[0]} prints`);
  }
  let short = false;
  for (const r of applyReserve(steps)) {
    const { node, pageSize, from, to } = r.step;
    const gave = r.error ? `the write failed (${r.error})` : r.got >= to ? `the kernel gave ${r.got}` : `the kernel gave only ${r.got} (memory too fragmented for more)`;
    if (r.error || r.got < to) short = true;
    io.out(`node ${node}, ${humanSize(pageSize)} pages: nr_hugepages ${from} → ${to}: ${gave}, ${r.free} free\n`);
  }
  io.out(`to undo: ${steps.map((st) => `echo ${st.from} > ${st.path}`).join("; ")}\n`);
  const after = hugepageShortfalls(layout, readSysfs());
  if (short || after.length > 0) {
    for (const s of after) io.err(`still short: ${describeShortfall(s, host).slice(2)}\n`);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}
