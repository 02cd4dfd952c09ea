// The guest's console: how QEMU shows the guest and where its human monitor goes. Only the
// forms a NUMA experiment uses are modelled (the seed's line ends with -nographic -monitor
// stdio); any other -display/-monitor value stays a passthrough option, as written.
//
// Measured with QEMU 7.2.22 and 10.0.2 (x86_64, -accel tcg -S, no -nodefaults):
// - -nographic alone: serial and monitor share stdio (mon:stdio), accepted;
// - -display none -monitor stdio: no window, the monitor on stdio, accepted;
// - -nographic -monitor stdio: refused, "cannot use stdio by multiple character devices" /
//   "could not connect serial device to character backend 'stdio'": -nographic puts the
//   default serial port on stdio once -monitor is given (vl.c), and stdio serves one device.
//   With -nodefaults (no default serial port) the same pair is accepted.

import { z } from "zod";

export const CONSOLE_DISPLAYS = ["nographic", "none"] as const;
export const CONSOLE_MONITORS = ["stdio", "none"] as const;
export type ConsoleDisplay = (typeof CONSOLE_DISPLAYS)[number];
export type ConsoleMonitor = (typeof CONSOLE_MONITORS)[number];

const at = z.number().int().min(0).max(1_000_000);

export const consoleSchema = z
  .object({
    display: z.enum(CONSOLE_DISPLAYS).optional().describe("nographic: -nographic (no window; serial and monitor on the terminal); none: -display none; absent: QEMU's default window"),
    monitor: z.enum(CONSOLE_MONITORS).optional().describe("stdio: -monitor stdio (the human monitor on the terminal); none: -monitor none; absent: QEMU's default"),
    at: z.object({ display: at.optional(), monitor: at.optional() }).strict().optional().describe("indexes of the options in the imported argv, so export puts them back where they were"),
  })
  .strict();

export type ConsoleOpt = z.infer<typeof consoleSchema>;

/** The words of one console option, as QEMU reads them. */
export function displayTokens(d: ConsoleDisplay): string[] {
  return d === "nographic" ? ["-nographic"] : ["-display", "none"];
}

export function monitorTokens(m: ConsoleMonitor): string[] {
  return ["-monitor", m];
}

/** Which console option an imported option is, when Numadesk models it; its exact spelling only, so export gives the same words back. */
export function readConsoleOption(option: string, value: string | undefined): { display: ConsoleDisplay } | { monitor: ConsoleMonitor } | undefined {
  if (option === "-nographic" && value === undefined) return { display: "nographic" };
  if (option === "-display" && value === "none") return { display: "none" };
  if (option === "-monitor" && (value === "stdio" || value === "none")) return { monitor: value };
  return undefined;
}

/** The layout's console with one part changed; undefined removes that part (and the console when nothing is left). */
export function withConsole(current: ConsoleOpt | undefined, part: { display?: ConsoleDisplay | undefined } | { monitor?: ConsoleMonitor | undefined }): ConsoleOpt | undefined {
  const next: ConsoleOpt = { ...current, ...part };
  if (next.at) next.at = { ...next.at };
  for (const key of ["display", "monitor"] as const) {
    if (next[key] === undefined) {
      delete next[key];
      if (next.at) delete next.at[key];
    }
  }
  if (next.at && Object.keys(next.at).length === 0) delete next.at;
  return next.display === undefined && next.monitor === undefined ? undefined : next;
}

/**
 * Why QEMU would refuse this console, or undefined. -nographic with -monitor stdio gives stdio
 * to the default serial port and to the monitor; QEMU 7.2 and 10.0 refuse that unless
 * -nodefaults (or a -serial option) takes the default serial port away.
 */
export function consoleConflict(c: ConsoleOpt | undefined, otherOptions: readonly string[]): string | undefined {
  if (c?.display !== "nographic" || c.monitor !== "stdio") return undefined;
  if (otherOptions.some((o) => o === "-nodefaults" || o === "-serial" || o === "--nodefaults" || o === "--serial")) return undefined;
  return '-nographic puts the serial port on stdio, and -monitor stdio wants it too: QEMU 7.2 and 10.0 refuse the pair ("cannot use stdio by multiple character devices")';
}

/** consoleConflict for a layout: the options kept as written (-nodefaults, -serial) are its passthrough args. */
export function layoutConsoleConflict(layout: { console?: ConsoleOpt | undefined; args: readonly { tokens: readonly string[] }[] }): string | undefined {
  return consoleConflict(
    layout.console,
    layout.args.map((a) => a.tokens[0]!),
  );
}

/** Every word of the console options, display first. */
export function consoleWords(c: ConsoleOpt): string[] {
  return [...(c.display ? displayTokens(c.display) : []), ...(c.monitor ? monitorTokens(c.monitor) : [])];
}
