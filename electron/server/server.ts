// Browser mode: the built renderer and the API over HTTP on 127.0.0.1, run events over
// Server-Sent Events. Every request must carry the random token printed with the URL (in the
// query of the first page load, then as a SameSite=Strict cookie or the X-Numadesk-Token
// header); the Host header must name the address the server is bound to, so a web page
// cannot reach it through DNS rebinding.

import { CONTENT_TYPES } from "../files/content-types";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { AddressInfo } from "node:net";
import type { Backend } from "../backend/backend";
import { dispatch } from "../backend/dispatch";
import type { RunStreamEvent } from "../../shared/api/contract";

export interface ServeOptions {
  backend: Backend;
  /** the built renderer (dist/renderer) */
  staticDir: string;
  port?: number;
  host?: string;
  token?: string;
}

export interface RunningServer {
  server: Server;
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const m = /(?:^|;\s*)numadesk_token=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? "");
  return m?.[1];
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = "text/plain; charset=utf-8", extra: Record<string, string> = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Cache-Control": "no-store", ...extra });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token ?? randomBytes(24).toString("base64url");
  const clients = new Set<ServerResponse>();
  const onRun = (e: RunStreamEvent) => {
    const data = `data: ${JSON.stringify(e)}\n\n`;
    for (const c of clients) c.write(data);
  };
  opts.backend.events.on("run", onRun);
  let port = 0;
  const allowedHosts = () => new Set([`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://local");
      if (!allowedHosts().has(req.headers.host ?? "")) return send(res, 421, "wrong Host header\n");
      const given = url.searchParams.get("token") ?? (req.headers["x-numadesk-token"] as string | undefined) ?? cookieToken(req);
      if (!sameToken(given ?? undefined, token)) return send(res, 401, "missing or wrong token: open the URL numadesk serve printed\n");
      const cookie = { "Set-Cookie": `numadesk_token=${token}; HttpOnly; SameSite=Strict; Path=/` };

      if (url.pathname === "/api/events" && req.method === "GET") {
        res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" });
        res.write(": connected\n\n");
        clients.add(res);
        req.on("close", () => clients.delete(res));
        return;
      }
      if (url.pathname.startsWith("/api/")) {
        if (req.method !== "POST") return send(res, 405, "use POST\n", undefined, { Allow: "POST" });
        const origin = req.headers.origin;
        if (origin !== undefined && !allowedHosts().has(origin.replace(/^https?:\/\//, ""))) return send(res, 403, "foreign Origin\n");
        if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return send(res, 415, "send application/json\n");
        let body: string;
        try {
          body = await readBody(req);
        } catch {
          return send(res, 413, "request body too large\n");
        }
        let payload: unknown;
        try {
          payload = body ? JSON.parse(body) : {};
        } catch {
          return send(res, 400, JSON.stringify({ ok: false, error: { code: "bad-request", message: "the request body is not valid JSON" } }), "application/json");
        }
        const r = await dispatch(opts.backend, url.pathname.slice(5), payload);
        const status = r.ok ? 200 : r.error.code === "bad-request" ? 400 : r.error.code === "not-found" ? 404 : r.error.code === "internal" ? 500 : 409;
        return send(res, status, JSON.stringify(r), "application/json");
      }
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed\n");
      // static files, only from the built renderer
      const rel = url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname).replace(/^\/+/, "");
      const file = normalize(join(opts.staticDir, rel));
      if (!file.startsWith(normalize(opts.staticDir) + sep)) return send(res, 404, "not found\n");
      try {
        const st = await stat(file);
        if (!st.isFile()) return send(res, 404, "not found\n");
        return send(res, 200, await readFile(file), CONTENT_TYPES[extname(file)] ?? "application/octet-stream", rel === "index.html" ? cookie : {});
      } catch {
        return send(res, 404, "not found\n");
      }
    } catch (e) {
      if (!res.headersSent) send(res, 500, `internal error: ${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    server,
    token,
    port,
    url: `http://${shownHost}:${port}/?token=${token}`,
    async close() {
      opts.backend.events.off("run", onRun);
      for (const c of clients) c.end();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
