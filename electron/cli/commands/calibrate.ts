// `numadesk calibrate [--qemu PATH]…`: fit the preallocation model to this host and save it.

import type { Io } from "./design";
import { parseCliArgs } from "../args";
import { withInterrupt } from "../interrupt";
import { EXIT_OK, InputError } from "../errors";
import { readSysfs } from "../../probe/sysfs";
import { calibrate, CalibrationError } from "../../model/calibrate";
import { RunRefused } from "../../qemu/launch";
import { QemuNotFound } from "../../qemu/discover";
import { prettyJson } from "../../../shared/json/pretty";

export async function calibrateCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCliArgs(args, { qemu: { type: "string", multiple: true }, json: { type: "boolean" } });
  try {
    const c = await withInterrupt((signal) => calibrate(readSysfs(), { qemus: (values.qemu as string[] | undefined) ?? [], signal, say: (m) => io.err(`${m}\n`) }));
    if (values.json) {
      io.out(prettyJson({ ...c, params: { ...c.params, nodeGiBps: Number.isFinite(c.params.nodeGiBps) ? c.params.nodeGiBps : null } }) + "\n");
      return EXIT_OK;
    }
    const p = c.params;
    const ms = (v: number[]) => v.map((x) => x.toFixed(0)).join(" / ");
    io.out(
      [
        `measured (ms, ${c.measured.bytes / 2 ** 20} MiB, pages: ${c.measured.pages || "?"}): start-up ${ms(c.measured.startupMs)}; 1 worker ${ms(c.measured.oneWorkerMs)}; ${c.measured.workers} workers ${ms(c.measured.allWorkersMs)}`,
        `start-up ${p.startupMs.toFixed(0)} ms; one worker ${p.workerGiBps[p.anonPages].toFixed(2)} GiB/s (${p.anonPages} pages); node ceiling ${Number.isFinite(p.nodeGiBps) ? `${p.nodeGiBps.toFixed(2)} GiB/s` : "not reached"}; remote penalty ×${p.remotePenalty.toFixed(2)}${readSysfs().nodes.length === 1 ? " (the seed's: one node cannot show it)" : ""}`,
        ...c.checks.map(
          (k) => `  ${k.label.padEnd(38)} QEMU ${k.qemu.padEnd(7)} predicted ${k.predictedS.toFixed(3)} s, took ${k.measuredS.toFixed(3)} s (${k.error >= 0 ? "+" : ""}${Math.round(k.error * 100)} %)`,
        ),
        `median error over ${c.checks.length} runs: ${Math.round((p.medianError ?? 0) * 100)} %`,
        `saved: ${c.file}`,
      ].join("\n") + "\n",
    );
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CalibrationError || e instanceof RunRefused || e instanceof QemuNotFound) throw new InputError(e.message);
    throw e;
  }
}
