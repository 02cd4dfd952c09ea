import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseStat, Sampler } from "./sampler";
import { spawnPreallocQemu } from "../bench/prealloc-qemu";

describe("the /proc sampler", () => {
  it("reads state and last CPU from a stat line whose name has spaces and parentheses", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = "D";
    fields[36] = "77";
    expect(parseStat(`1234 (TC a) b)) ${fields.join(" ")}`)).toEqual({ state: "D", cpu: 77 });
  });

  it("samples a real process's threads at the asked rate and measures its own cost", async () => {
    // a shell busy in a loop: one thread, always runnable
    const child = spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" });
    const t0 = performance.now();
    const sampler = new Sampler({ pid: child.pid!, rateHz: 200, nodeOf: () => 0, t0, keep: () => true });
    sampler.start();
    await new Promise((r) => setTimeout(r, 500));
    const { samples, stats } = sampler.stop();
    // what the kernel counts the shell ran, whatever share of the (shared, loaded) CPUs it got
    const ranNs = Number(readFileSync(`/proc/${child.pid}/schedstat`, "utf8").split(" ")[0]);
    child.kill("SIGKILL");
    expect(stats.ticks).toBeGreaterThan(50);
    expect(samples.length).toBeGreaterThanOrEqual(stats.ticks - 1);
    expect(samples.every((s) => s.tid === child.pid && s.name === "sh")).toBe(true);
    expect(samples.filter((s) => s.state === "R").length).toBeGreaterThan(samples.length / 2);
    // CPU time is read every few ticks: the sum misses at most the last few periods and the time before the first look
    const ranUs = samples.reduce((a, s) => a + s.ranUs, 0);
    expect(ranUs).toBeGreaterThan(0);
    expect(ranUs).toBeLessThanOrEqual(ranNs / 1000);
    expect(ranUs).toBeGreaterThan((ranNs / 1000) * 0.5);
    expect(stats.cpuPercent).toBeGreaterThan(0);
  });

  it("keeps sampling a sleeping thread from its schedstat, and sees it run once it wakes", async () => {
    // asleep for 400 ms (sh waits for sleep), then busy
    const child = spawn("sh", ["-c", "sleep 0.4; while :; do :; done"], { stdio: "ignore" });
    const t0 = performance.now();
    const sampler = new Sampler({ pid: child.pid!, rateHz: 200, nodeOf: () => 0, t0, keep: () => true });
    sampler.start();
    await new Promise((r) => setTimeout(r, 1200));
    const { samples } = sampler.stop();
    child.kill("SIGKILL");
    const early = samples.filter((x) => x.t > 100 && x.t < 350);
    const late = samples.filter((x) => x.t > 800);
    // every tick has its sample, asleep: the same CPU, no CPU time
    expect(early.length).toBeGreaterThan(10);
    expect(early.every((x) => x.state === "S" && x.ranUs === 0 && x.cpu === early[0]!.cpu)).toBe(true);
    // awake: running, with CPU time
    expect(late.filter((x) => x.state === "R").length).toBeGreaterThan(late.length / 2);
    expect(late.reduce((a, x) => a + x.ranUs, 0)).toBeGreaterThan(0);
  });

  it("stops quietly when the process goes away", async () => {
    const child = spawn("sleep", ["0.05"], { stdio: "ignore" });
    const sampler = new Sampler({ pid: child.pid!, rateHz: 500, nodeOf: () => 0, t0: performance.now(), keep: () => true });
    sampler.start();
    await new Promise((r) => setTimeout(r, 200));
    const { samples } = sampler.stop();
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.max(...samples.map((s) => s.t))).toBeLessThan(150);
  });
});

describe("thread names", () => {
  it("a worker that starts with its creator's thread-context name is reported under its own name", async () => {
    // QEMU's thread-context creates the touch_pages workers: they start named "TC tc0"
    const child = spawnPreallocQemu({ size: "512M", threads: 2, contextNode: 0 });
    const sampler = new Sampler({ pid: child.pid!, rateHz: 1000, nodeOf: () => 0, t0: performance.now() });
    sampler.start();
    await new Promise((r) => setTimeout(r, 1500));
    const { samples } = sampler.stop();
    child.kill("SIGKILL");
    const { summarizeThreads } = await import("../../shared/run/summarize");
    const names = summarizeThreads(samples).map((t) => t.name);
    expect(names.filter((n) => n === "touch_pages")).toHaveLength(2);
    expect(names.filter((n) => n === "TC tc0")).toHaveLength(1);
  });
});
