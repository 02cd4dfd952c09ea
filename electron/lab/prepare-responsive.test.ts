// A first lab run prepares for a while (a kernel, busybox, the sampler compiled with cc, an
// initramfs of ~50 MB packed from this host's QEMU). The process that does it is the app's
// main process: the Electron window and the browser-mode server answer nothing while its
// thread is held. Here the real preparation runs from an empty cache behind the real HTTP
// server, and the server must keep answering other API calls all through it, while the
// preparation reports its steps as typed progress events.

import { afterAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { createBackend } from "../backend/backend";
import { serve } from "../server/server";
import { LAB_PREP_STEPS } from "../../shared/lab/prepare-steps";
import type { RunStreamEvent } from "../../shared/api/contract";

const realCache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "numadesk", "lab");
const work = mkdtempSync(join(tmpdir(), "numadesk-prep-"));
const savedCacheHome = process.env.XDG_CACHE_HOME;
afterAll(() => {
  if (savedCacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCacheHome;
  rmSync(work, { recursive: true, force: true });
});

describe("lab preparation", () => {
  it("reports each step as a progress event, and the server answers other calls all through it", { timeout: 400_000 }, async () => {
    // an empty cache, so the sampler is compiled and the initramfs packed for real; the kernel
    // and busybox are apt-get downloads, taken from this machine's cache when it has them
    const cacheHome = join(work, "cache");
    const lab = join(cacheHome, "numadesk", "lab");
    mkdirSync(lab, { recursive: true });
    for (const d of ["kernel", "busybox"]) if (existsSync(join(realCache, d))) cpSync(join(realCache, d), join(lab, d), { recursive: true });
    process.env.XDG_CACHE_HOME = cacheHome;

    const staticDir = join(work, "renderer");
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>Numadesk</title>");
    const backend = createBackend({ runsDir: join(work, "runs") });
    const server = await serve({ backend, staticDir, port: 0 });
    const call = async (method: string, payload: unknown = {}) => {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Numadesk-Token": server.token },
        body: JSON.stringify(payload),
      });
      return (await res.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
    };

    const progress: Array<Extract<RunStreamEvent, { type: "progress" }> & { at: number }> = [];
    let failed: string | undefined;
    backend.events.on("run", (e) => {
      if (e.type === "progress") progress.push({ ...e, at: performance.now() });
      if (e.type === "failed") failed = e.error.message;
    });
    const stall = monitorEventLoopDelay({ resolution: 10 });
    try {
      // the page asks for QEMU's facts when it starts; that first probe (spawnSync of qemu
      // --version and -help, electron/qemu/discover.ts) holds the thread on its own and is not
      // the lab's preparation
      expect((await call("qemuInfo")).ok).toBe(true);
      const started = await call("startLabRun", { nodes: 2, demo: true });
      expect(started.ok, started.error?.message).toBe(true);
      const { runId } = started.result as { runId: string };
      stall.enable();
      // other calls, one after another, until the preparation is done (the guest starts booting)
      const calls: Array<{ sent: number; answered: number }> = [];
      const deadline = performance.now() + 360_000;
      while (!progress.some((p) => p.step === "boot") && !failed && performance.now() < deadline) {
        const sent = performance.now();
        const r = await call("listSamples");
        expect(r.ok).toBe(true);
        calls.push({ sent, answered: performance.now() });
      }
      stall.disable();
      expect(failed).toBeUndefined();
      // cancelled as the boot begins: it stops at once (it used to boot the whole demo)
      const cancelAt = performance.now();
      expect((await call("cancelRun", { runId })).ok).toBe(true);
      const cancelMs = performance.now() - cancelAt;

      // the steps, each announced as it started, in order, with where it stands
      const steps = progress.map((p) => p.step).filter((s, i, all) => i === 0 || all[i - 1] !== s);
      expect(steps).toEqual([...LAB_PREP_STEPS]);
      for (const p of progress) expect(p).toMatchObject({ runId, stepIndex: LAB_PREP_STEPS.indexOf(p.step) + 1, steps: LAB_PREP_STEPS.length, text: expect.any(String) });
      // the preparation did its work here: the sampler compiled, the initramfs packed
      expect(readdirSync(lab).filter((n) => /^labsampler-|^initramfs-.*\.cpio$/.test(n))).toHaveLength(2);

      // the server answered while the sampler compiled and while the initramfs was packed
      const startOf = (step: string) => progress.find((p) => p.step === step)!.at;
      const answeredIn = (from: string, to: string) => calls.filter((c) => c.sent >= startOf(from) && c.answered <= startOf(to)).length;
      const worst = Math.max(...calls.map((c) => c.answered - c.sent));
      const report = `cancel took ${cancelMs.toFixed(0)} ms; ${calls.length} calls answered, the slowest in ${worst.toFixed(0)} ms; longest stall of the event loop ${(stall.max / 1e6).toFixed(0)} ms; preparation ${((startOf("boot") - startOf("check")) / 1000).toFixed(1)} s`;
      console.log(`lab preparation: ${report}`);
      expect(answeredIn("sampler", "initramfs"), report).toBeGreaterThan(0);
      expect(answeredIn("initramfs", "accel"), report).toBeGreaterThan(0);
      // generous for a loaded 2-core machine: a blocking compile or download takes seconds
      expect(stall.max / 1e6, report).toBeLessThan(1500);
      expect(cancelMs, report).toBeLessThan(30_000);
    } finally {
      await backend.close();
      await server.close();
    }
  });
});
