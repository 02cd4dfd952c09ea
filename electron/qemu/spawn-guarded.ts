// Start QEMU so it cannot outlive us: its own process group (so we can stop all of it, and a
// Ctrl-C in our terminal does not hit it before we decide), and where util-linux setpriv is
// there, a parent-death signal so it dies with us even when we are killed with SIGKILL.

import { spawn, spawnSync, type ChildProcess, type StdioOptions } from "node:child_process";

let pdeathsig: boolean | undefined;
function hasSetprivPdeathsig(): boolean {
  if (pdeathsig === undefined) {
    const r = spawnSync("setpriv", ["--help"], { encoding: "utf8" });
    pdeathsig = !r.error && /--pdeathsig/.test(r.stdout ?? "");
  }
  return pdeathsig;
}

export function spawnGuarded(binary: string, args: string[], stdio: StdioOptions): ChildProcess {
  return hasSetprivPdeathsig() ? spawn("setpriv", ["--pdeathsig", "KILL", "--", binary, ...args], { detached: true, stdio }) : spawn(binary, args, { detached: true, stdio });
}

/** A process that is spawned but waits at a gate: the caller attaches what must see it from its
 *  first instruction (a tracer on the pid), then lets it go. */
export interface GatedChild {
  child: ChildProcess;
  /** QEMU runs from now on (the same pid) */
  release(): void;
}

// The gate keeps the pid: sh waits for a line on its stdin, then execs the binary in its own
// place (exec keeps the pid, the process group and the parent-death signal). If we go away
// before the release, the pipe closes, read fails and sh exits without starting anything.
const GATE = 'read _ || exit 1; exec "$0" "$@" </dev/null';

export function spawnGated(binary: string, args: string[], out: "ignore" | "pipe", err: "ignore" | "pipe"): GatedChild {
  const child = spawnGuarded("/bin/sh", ["-c", GATE, binary, ...args], ["pipe", out, err]);
  // a gate whose process died already: writing to it must not throw (EPIPE comes as an event)
  child.stdin?.on("error", () => undefined);
  return {
    child,
    release() {
      child.stdin?.end("go\n");
    },
  };
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}
