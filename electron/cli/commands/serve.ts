// `numadesk serve`: browser mode. The built renderer and the API on 127.0.0.1 with a random
// token in the printed URL. Ctrl-C stops it, and any run it started, cleanly.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "./design";
import { parseCliArgs } from "../args";
import { InputError, UsageError } from "../errors";
import { createBackend } from "../../backend/backend";
import { serve } from "../../server/server";
import { assetsDir } from "../../hosts/samples";

export function rendererDir(): string {
  return join(assetsDir(), "../dist/renderer");
}

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCliArgs(args, { port: { type: "string" }, host: { type: "string" }, qemu: { type: "string" } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number from 0 to 65535, not '${String(values.port)}'`);
  const host = typeof values.host === "string" ? values.host : "127.0.0.1";
  if (host !== "127.0.0.1" && host !== "::1" && host !== "localhost") {
    io.err(`warning: serving on ${host} lets other machines reach Numadesk (with the token); prefer the default and ssh -L\n`);
  }
  const staticDir = rendererDir();
  if (!existsSync(join(staticDir, "index.html"))) throw new InputError(`the app is not built (${staticDir} is missing); run: npm run build`);
  const backend = createBackend(typeof values.qemu === "string" ? { qemu: values.qemu } : {});
  let server;
  try {
    server = await serve({ backend, staticDir, port, host: host === "localhost" ? "127.0.0.1" : host });
  } catch (e) {
    throw new InputError(`cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // listen for the signals before printing the URL: whoever reads the URL may stop us at once
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  io.out(`Numadesk is serving on ${server.url}\nopen it in a browser (from another machine: ssh -L ${server.port}:127.0.0.1:${server.port} this-host); Ctrl-C stops it\n`);
  await stopped;
  await backend.close();
  await server.close();
  return 0;
}
