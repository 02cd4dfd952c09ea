// The browser-mode server under attack and in normal use: a real server on loopback.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackend } from "../backend/backend";
import { serve, type RunningServer } from "./server";

const dir = mkdtempSync(join(tmpdir(), "numadesk-server-"));
const staticDir = join(dir, "renderer");
mkdirSync(staticDir);
writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>Numadesk</title>");
writeFileSync(join(dir, "secret.txt"), "do not serve me");
const backend = createBackend({ runsDir: join(dir, "runs") });
let s: RunningServer;
beforeAll(async () => {
  s = await serve({ backend, staticDir });
});
afterAll(async () => {
  await s.close();
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: s.port, path, method: opts.method ?? "GET", headers: { Host: `127.0.0.1:${s.port}`, ...opts.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

const api = (method: string, payload: unknown, headers: Record<string, string> = {}) =>
  call(`/api/${method}`, { method: "POST", headers: { "Content-Type": "application/json", "X-Numadesk-Token": s.token, ...headers }, body: JSON.stringify(payload) });

describe("the browser-mode server", () => {
  it("prints a loopback URL with a long random token", () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it("serves the app with the token and sets a strict cookie and security headers", async () => {
    const r = await call(`/?token=${s.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain("<title>Numadesk</title>");
    expect(String(r.headers["set-cookie"])).toMatch(/HttpOnly; SameSite=Strict/);
    expect(r.headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("refuses requests without the token, or with a wrong one", async () => {
    expect((await call("/")).status).toBe(401);
    expect((await call("/?token=wrong")).status).toBe(401);
    expect((await api("probeHost", {}, { "X-Numadesk-Token": s.token.slice(0, -1) + (s.token.endsWith("x") ? "y" : "x") })).status).toBe(401);
  });

  it("refuses a foreign Host header (DNS rebinding)", async () => {
    expect((await call(`/?token=${s.token}`, { headers: { Host: "evil.example:80" } })).status).toBe(421);
  });

  it("refuses state-changing requests from a foreign Origin", async () => {
    expect((await api("listRuns", {}, { Origin: "http://evil.example" })).status).toBe(403);
    expect((await api("listRuns", {}, { Origin: `http://127.0.0.1:${s.port}` })).status).toBe(200);
  });

  it("serves files only from the built renderer", async () => {
    for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/renderer/../../secret.txt"]) {
      const r = await call(`${p}${p.includes("?") ? "&" : "?"}token=${s.token}`);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain("do not serve me");
    }
  });

  it("answers API calls, and checks every payload against the contract", async () => {
    const ok = await api("loadSample", { name: "bm-standard2-52" });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).result.nodes).toHaveLength(2);
    const bad = await api("loadSample", { name: 42 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/\$\.name/);
    const extra = await api("listRuns", { sneaky: true });
    expect(extra.status).toBe(400);
    const missing = await api("loadSample", { name: "no-such-host" });
    expect(missing.status).toBe(404);
    expect((await api("noSuchMethod", {})).status).toBe(400);
  });

  it("refuses malformed JSON, wrong content types, huge bodies and GET on the API", async () => {
    expect((await call("/api/listRuns", { method: "POST", headers: { "Content-Type": "application/json", "X-Numadesk-Token": s.token }, body: "{nope" })).status).toBe(400);
    expect((await call("/api/listRuns", { method: "POST", headers: { "Content-Type": "text/plain", "X-Numadesk-Token": s.token }, body: "{}" })).status).toBe(415);
    expect(
      (
        await call("/api/listRuns", { method: "POST", headers: { "Content-Type": "application/json", "X-Numadesk-Token": s.token }, body: Buffer.alloc(5 * 1024 * 1024, 32) }).catch(() => ({
          status: 413,
        }))
      ).status,
    ).toBe(413);
    expect((await call(`/api/listRuns?token=${s.token}`)).status).toBe(405);
  });

  it("keeps serving good requests during a flood of bad ones", async () => {
    const bad = Array.from({ length: 200 }, () => call("/api/listRuns", { method: "POST" }));
    const good = api("listSamples", {});
    const results = await Promise.all(bad);
    expect(results.every((r) => r.status === 401)).toBe(true);
    expect((await good).status).toBe(200);
  });
});
