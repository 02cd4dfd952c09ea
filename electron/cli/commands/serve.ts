// `numadesk serve`: browser mode. The built renderer and the API on 127.0.0.1 with a random
// token in the printed URL. Ctrl-C stops it, and any run it started, cleanly.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "./design";
import { parseCliArgs, type Values } from "../args";
import { readInput } from "../input";
import { resolveTarget, TARGET_OPTIONS, type TargetOptions } from "../target";
import { layoutToText } from "../../../shared/layout/load";
import { emptyLayout, type Layout } from "../../../shared/layout/schema";
import { InputError, UsageError } from "../errors";
import { createBackend } from "../../backend/backend";
import { serve } from "../../server/server";
import { assetsDir } from "../../hosts/samples";

export function rendererDir(): string {
  return join(assetsDir(), "../dist/renderer");
}

/** The layout `serve FILE` opens in the app, on the target given (or the one the file names);
 *  `serve --sample NAME` without FILE opens a new layout on that target. */
export function handout(file: string | undefined, values: Values, note: (text: string) => void): string | undefined {
  const opts = values as TargetOptions;
  const targetGiven = opts.sample !== undefined || opts.lab !== undefined || opts.sysfs !== undefined || opts.topo !== undefined;
  if (file === undefined && !targetGiven) return undefined;
  let layout: Layout;
  if (file !== undefined) {
    const input = readInput(file);
    if (!input.layout || input.diagnostics.some((d) => d.severity === "error")) {
      throw new InputError(`${file} cannot be opened: ${input.diagnostics.find((d) => d.severity === "error")?.message ?? "it is not a layout"}`);
    }
    layout = { ...input.layout };
  } else {
    // the app's own "new" layout (renderer/store/design-slice.ts freshLayout): QEMU's threads named
    layout = { ...emptyLayout("1G"), name: { debugThreads: true } };
  }
  if (!targetGiven) return layoutToText(layout);
  // resolved here, so a wrong target is said now, on the terminal, not later in the browser
  const topology = resolveTarget(opts, note);
  if (opts.sample !== undefined) layout.target = { kind: "sample", name: opts.sample };
  else if (opts.lab !== undefined) layout.target = { kind: "lab", name: `lab: ${opts.lab} nodes`, nodes: Number(opts.lab) as 2 | 4 };
  else layout.target = { kind: "imported", name: topology.name, topology };
  return layoutToText(layout);
}

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { port: { type: "string" }, host: { type: "string" }, qemu: { type: "string" }, ...TARGET_OPTIONS }, 1);
  const file = positionals[0];
  // a target without FILE was once ignored in silence (serve --sample nosuch served this host)
  const initialLayout = handout(file, values, (t) => io.err(`note: ${t}\n`));
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number from 0 to 65535, not '${String(values.port)}'`);
  const host = typeof values.host === "string" ? values.host : "127.0.0.1";
  if (host !== "127.0.0.1" && host !== "::1" && host !== "localhost") {
    io.err(`warning: serving on ${host} lets other machines reach Numadesk (with the token); prefer the default and ssh -L\n`);
  }
  const staticDir = rendererDir();
  if (!existsSync(join(staticDir, "index.html"))) throw new InputError(`the app is not built (${staticDir} is missing); run: npm run build`);
  const backend = createBackend({ ...(typeof values.qemu === "string" ? { qemu: values.qemu } : {}), ...(initialLayout !== undefined ? { initialLayout } : {}) });
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
  // what the page will open, so a trainer sees the handout is the right one before sharing the URL
  const opens = initialLayout !== undefined ? openingLine(file, initialLayout) : "";
  io.out(`Numadesk is serving on ${server.url}\n${opens}open it in a browser (from another machine: ssh -L ${server.port}:127.0.0.1:${server.port} this-host); Ctrl-C stops it\n`);
  await stopped;
  await backend.close();
  await server.close();
  return 0;
}

/** "it opens FILE on TARGET" for serve's banner. */
function openingLine(file: string | undefined, text: string): string {
  const target = (JSON.parse(text) as Layout).target;
  const on = target === undefined ? "" : target.kind === "host" ? " on this host" : ` on ${target.name}`;
  return `it opens ${file ?? "a new layout"}${on}\n`;
}
