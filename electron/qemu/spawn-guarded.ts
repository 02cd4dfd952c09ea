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
