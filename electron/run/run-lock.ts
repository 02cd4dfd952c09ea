// One Numadesk at a time decides whether a run may start: a lock the kernel holds for us. A
// Unix socket bound in the abstract namespace can be bound by one process only, and the
// kernel releases it when that process dies however it dies (SIGKILL included), so there is
// no stale lock file to break and no PID that could be reused. Held only while a starting run
// counts the runs going and registers its own; never while QEMU runs.

import { createServer, type Server } from "node:net";

export class RunLockBusy extends Error {
  override name = "RunLockBusy";
}

function lockName(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  return `\0numadesk-run-lock-${uid}`;
}

function tryBind(name: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (e: NodeJS.ErrnoException) => (e.code === "EADDRINUSE" ? resolve(undefined) : reject(e)));
    server.listen({ path: name, exclusive: true }, () => resolve(server));
  });
}

/** Run `work` while holding the run lock; wait up to `waitMs` for another start to finish. */
export async function withRunLock<T>(work: () => Promise<T> | T, waitMs = 10_000): Promise<T> {
  const name = lockName();
  const deadline = Date.now() + waitMs;
  let server: Server | undefined;
  while (!(server = await tryBind(name))) {
    if (Date.now() > deadline) throw new RunLockBusy("another Numadesk process has been starting a run for a long time; try again in a moment");
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
  }
  try {
    return await work();
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}
