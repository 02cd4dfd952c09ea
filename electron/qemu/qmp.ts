// A minimal QMP client over a unix socket. QEMU 7.2 accepts the connection about 17 ms after
// spawn but sends its greeting only once every memory backend is preallocated, so the
// greeting's arrival is the end of preallocation.

import { connect, type Socket } from "node:net";

export interface QmpMessage {
  QMP?: { version?: { qemu?: { major: number; minor: number; micro: number } } };
  return?: unknown;
  error?: { class: string; desc: string };
  event?: string;
  id?: unknown;
}

export class QmpClient {
  private buffer = "";
  private waiters: Array<(m: QmpMessage) => boolean> = [];
  private closedWith: Error | undefined;
  readonly events: QmpMessage[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      let nl;
      while ((nl = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (!line) continue;
        let msg: QmpMessage;
        try {
          msg = JSON.parse(line) as QmpMessage;
        } catch {
          continue;
        }
        if (msg.event) this.events.push(msg);
        this.waiters = this.waiters.filter((w) => !w(msg));
      }
    });
    const close = (e?: Error) => {
      this.closedWith ??= e ?? new Error("QMP connection closed");
      for (const w of this.waiters) w({ error: { class: "Closed", desc: this.closedWith.message } });
      this.waiters = [];
    };
    socket.on("error", (e) => close(e));
    socket.on("close", () => close());
  }

  /** Connect, retrying until the socket exists; gives up when `alive()` turns false or at the deadline. */
  static async connect(path: string, alive: () => boolean, deadline: number): Promise<QmpClient> {
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path);
          s.once("connect", () => resolve(s));
          s.once("error", reject);
        });
        return new QmpClient(socket);
      } catch (e) {
        if (!alive()) throw new Error("QEMU exited before its QMP socket opened", { cause: e });
        if (Date.now() > deadline) throw new Error(`QMP socket did not open (${(e as Error).message})`, { cause: e });
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  private next(pred: (m: QmpMessage) => boolean): Promise<QmpMessage> {
    if (this.closedWith) return Promise.resolve({ error: { class: "Closed", desc: this.closedWith.message } });
    return new Promise((resolve) => {
      this.waiters.push((m) => {
        if (m.error?.class === "Closed" || pred(m)) {
          resolve(m);
          return true;
        }
        return false;
      });
    });
  }

  /** Resolves with the greeting, or an error message when the connection closes first. */
  greeting(): Promise<QmpMessage> {
    return this.next((m) => m.QMP !== undefined);
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<QmpMessage> {
    const reply = this.next((m) => m.return !== undefined || (m.error !== undefined && m.event === undefined));
    this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + "\n");
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }
}
