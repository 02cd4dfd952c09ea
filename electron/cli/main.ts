#!/usr/bin/env node
// numadesk: design, check and export NUMA-aware QEMU layouts from the terminal.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkCommand, exportCommand, parseCommand, planCommand, topoCommand, type Io } from "./commands/design";
import { runCommand, runsCommand } from "./commands/run";
import { benchCommand } from "./commands/bench";
import { serveCommand } from "./commands/serve";
import { labCommand } from "./commands/lab";
import { qemuCommand } from "./commands/qemu";
import { calibrateCommand } from "./commands/calibrate";
import { hugepagesCommand } from "./commands/hugepages";
import { EXIT_INPUT, EXIT_USAGE, InputError, UsageError } from "./errors";
import { printable } from "../../shared/text/printable";
import { TARGET_HELP } from "./target";

export const USAGE = `usage: numadesk <command> [options]

commands:
  topo [target] [--format text|json|numactl] [--list-samples]
  topo --from numactl|lscpu|lscpu-p|hwloc|libvirt FILE|- [--format text|json|numactl]
        the host's NUMA topology, or one read from another tool's output
  parse FILE|- [--json]
        import a QEMU command line (or a layout file); print the layout and problems
  check FILE|- [target] [--qemu-version X.Y.Z] [--json]
        check a layout or command line against a host; exit 1 on errors
  plan --mem SIZE --vcpus N --threads N [--nodes LIST] [--backend ram|memfd] [--hugepages 2M|1G] [target]
       [--pin node|cpu|none] [--reserve LIST] [--smt siblings|core] [--mirror-smp]
       [--format qemu|sh|argv|json|libvirt|launch]
        a layout with one guest node per host node and preallocation on the right node
  export FILE|- --format qemu|sh|argv|json|libvirt|launch [--out FILE]
        write a layout or command line in another form (--out: atomically, keeping FILE.bak)
  run FILE [--qemu PATH] [--rate HZ] [--timeout S] [--force] [--concurrent] [--label TEXT] [--json] [--no-save]
      [--allow-mem-path PATH]… [--no-check] [--exact]
        preallocate the layout's memory with QEMU on this host; time it and sample its threads.
        Only memory and NUMA options reach QEMU; what is left out is listed. --allow-mem-path:
        a file backend may use this existing (or new) file on hugetlbfs/tmpfs; --no-check:
        launch despite the checker's errors and let QEMU judge; --exact: watch QEMU's threads
        through the scheduler's tracepoints (every switch and migration; root) instead of /proc
  hugepages plan FILE [target]
        the huge pages FILE lacks per node and page size, as the sysfs writes that reserve them
  hugepages reserve FILE
        do those writes on this host (root) and report what the kernel really gave
  runs [list | show ID | compare ID ID… | label ID TEXT | report ID… --out FILE.html | delete ID…] [--json] [--dir DIR]
        saved run records
  bench [--mem SIZE] [--runs N] [--threads N] [--qemu PATH]… [--out FILE]
        the seed's experiment on this host: QEMU's defaults, the seed's baseline and
        Numadesk's plan, alternated, beside the host's own preallocation limit; with --qemu A
        --qemu B: the plan and a two-backend variant on each binary, alternated
  lab [--nodes 2|4] [--mem SIZE] [--accel auto|tcg|kvm] [--rate HZ] [--json] [--no-save] (FILE | --demo | --prepare)
        run layouts in a small guest with 2 or 4 virtual NUMA nodes; --demo: without and with thread-context
  qemu [list [--json] | add PATH | remove PATH | fetch]
        the QEMU binaries found (PATH, /usr/bin, /usr/local/bin, /opt/*/bin, added ones) with
        their version and capabilities; fetch: QEMU 10 from bookworm-backports into the cache
  calibrate [--qemu PATH]… [--json]
        measure this host's preallocation (start-up, one worker, all workers) with real QEMU
        runs, fit the model behind "predicted X s", check it on ten varied runs, save it
  serve [FILE] [target] [--port N] [--host ADDR]
        the app in a browser: serves it on 127.0.0.1 and prints the URL with its token;
        with FILE, the app opens that layout (on the target given, or the one the file names)

${TARGET_HELP}

exit codes: 0 fine, 1 the input has errors, 2 usage
`;

const COMMANDS: Record<string, (args: string[], io: Io) => number | Promise<number>> = {
  topo: topoCommand,
  parse: parseCommand,
  check: checkCommand,
  plan: planCommand,
  export: exportCommand,
  run: runCommand,
  runs: runsCommand,
  bench: benchCommand,
  serve: serveCommand,
  lab: labCommand,
  qemu: qemuCommand,
  calibrate: calibrateCommand,
  hugepages: hugepagesCommand,
};

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? EXIT_USAGE : 0;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command '${command}'`);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(USAGE);
      return 0;
    }
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`numadesk: ${message(e)}\n(see: numadesk --help)\n`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      io.err(`numadesk: ${message(e)}\n`);
      return EXIT_INPUT;
    }
    // A bug, not bad input: say so in one line; the stack only on request.
    io.err(`numadesk: internal error: ${message(e as Error)}\n`);
    if (process.env.NUMADESK_DEBUG) io.err(`${(e as Error).stack}\n`);
    return 70;
  }
}

// A message may quote the input (a line of a topology text, an argument): its control
// characters are shown as escapes and its length is bounded, whatever the thrower did.
const MAX_MESSAGE = 4000;
function message(e: Error): string {
  const text = printable(e.message);
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  });
}

export { EXIT_INPUT, EXIT_USAGE };
