// `npm run dev`: Vite serves the renderer from source with hot reload and passes API calls to
// the real backend. The page's own source (renderer/api/client.ts) must not be mistaken for an
// API call, and the API answers through the proxy with the printed token.

import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./harness";

describe("npm run dev", () => {
  it("serves the renderer's source and the real API on one origin, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/dev.ts")], { cwd: ROOT, env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    for (let i = 0; i < 1200 && !/token=\S+/.test(out); i++) await new Promise((r) => setTimeout(r, 25));
    const url = new URL(/http:\/\/\S+/.exec(out)![0]);
    const token = url.searchParams.get("token")!;
    const source = await fetch(new URL("/api/client.ts", url));
    expect(source.status).toBe(200);
    expect(await source.text()).toMatch(/httpBridge/);
    const samples = await fetch(new URL("/api/listSamples", url), { method: "POST", headers: { "Content-Type": "application/json", "X-Numadesk-Token": token, Origin: url.origin }, body: "{}" });
    expect(((await samples.json()) as { result: Array<{ name: string }> }).result.map((s) => s.name)).toContain("bm-standard2-52");
    const noToken = await fetch(new URL("/api/listSamples", url), { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(noToken.status).toBe(401);
    child.kill("SIGTERM");
    expect(await new Promise((r) => child.on("exit", r))).toBe(0);
  }, 90_000);
});
