// The app's own UI benchmark (issue 11), in Chromium against the real server: first render of
// the host canvas for a 1024-PU host (8 nodes × 64 cores × 2 threads; a 1-node, 2-PU host in
// the same run beside it), a drag's drop on that host (rebind a backend: the layout changes
// once), pointer moves while dragging vCPUs (only the preview follows the pointer; then moves
// that change the drop target, host node 2 ↔ 3, which draw the drop mark), and the live plot
// fed 200 Hz × 64 threads of samples.
//
// Each change is measured from Chromium's trace (bench/frame-trace.ts): the main thread's busy
// time until the frame that shows it is painted, medians of 10 runs after one warm-up, taken
// in the same run for this build and for the renderer built at BASELINE_COMMIT (alternating,
// so both see the same load), with the load average beside.

import { loadavg } from "node:os";
import { startHarness, type Harness } from "../e2e/harness";
import type { HostTopology } from "../shared/topology/schema";
import type { Layout } from "../shared/layout/schema";
import { bigHost } from "./ui-hosts";
import { uiChanges } from "./ui-changes";
import { planLayout } from "../shared/plan/planner";
import { spreadOf, type Spread } from "../shared/bench/stats";
import { frameCosts, PAGE_FRAMES, pageLog, traced, type FrameCost } from "./frame-trace";
import { BASELINE_COMMIT, baselineRenderer } from "./ui-baseline";

/** runs per build: two rounds of this many, one warm-up dropped from the first */
const PER_ROUND = 5;
const ROUNDS = 2;

interface Samples {
  bigRender: FrameCost[];
  smallRender: FrameCost[];
  drop: FrameCost[];
  move: FrameCost[];
  /** pointer moves of a drag that change its drop target (a build without drop marks has none) */
  retarget: FrameCost[];
}

export interface FrameStats {
  /** main-thread busy ms until the frame showing the change is painted */
  frame: Spread;
  /** that frame's main-thread CPU time (thread clock), without waits for a core */
  frameCpu: Spread;
  /** the same span by the clock, 60 Hz vsync wait included */
  wall: Spread;
  /** main-thread busy ms for everything the change caused (panels that follow the layout too) */
  all: Spread;
}

const statsOf = (c: FrameCost[]): FrameStats => ({
  frame: spreadOf(c.map((x) => x.frameMs))!,
  frameCpu: spreadOf(c.map((x) => x.frameCpuMs))!,
  wall: spreadOf(c.map((x) => x.wallMs))!,
  all: spreadOf(c.map((x) => x.allMs))!,
});

/** One build in its own browser: the page ready, the 1024-PU host's plan at hand. */
async function open(staticDir?: string) {
  const h = await startHarness({ browser: true, ...(staticDir ? { staticDir } : {}) });
  await h.page.locator('[data-node="0"]').waitFor();
  // tsx names functions with a helper that the page does not have
  await h.page.evaluate("globalThis.__name = (f) => f");
  await h.page.evaluate(`globalThis.__frames = ${PAGE_FRAMES}`);
  const cdp = await h.page.context().newCDPSession(h.page);
  return { h, cdp };
}

/** n runs of each interaction on one build, marked for the trace; the first `skip` of each dropped. */
async function measure(b: { h: Harness; cdp: Awaited<ReturnType<typeof open>>["cdp"] }, big: HostTopology, small: HostTopology, layout: Layout, n: number, skip: number, into: Samples) {
  const page = b.h.page;
  const events = await traced(b.cdp, async () => {
    await page.evaluate(uiChanges, {
      hosts: [
        { label: "small", host: small },
        { label: "big", host: big },
      ],
      layout,
      n,
    });
  });
  const log = await pageLog(page);
  into.bigRender.push(...frameCosts(events, log, "big").slice(skip));
  into.smallRender.push(...frameCosts(events, log, "small").slice(skip));
  into.drop.push(...frameCosts(events, log, "drop").slice(skip));
  into.move.push(...frameCosts(events, log, "move").slice(skip));
  try {
    into.retarget.push(...frameCosts(events, log, "retarget").slice(skip));
  } catch {
    // the old canvas draws no drop mark for a vCPU drag over a host node: such a move paints no frame
  }
}

const empty = (): Samples => ({ bigRender: [], smallRender: [], drop: [], move: [], retarget: [] });

export async function benchUi() {
  const big = bigHost(8, 128);
  const small = bigHost(1, 2);
  const planned = planLayout(big, { mem: "64G", vcpus: 64, threads: 64 });
  if (!planned.ok) throw new Error("plan");
  let oldDir: string | undefined;
  let oldError: string | undefined;
  try {
    oldDir = baselineRenderer();
  } catch (e) {
    oldError = (e as Error).message;
  }
  const load = [loadavg()[0]!];
  const now = await open();
  const old = oldDir ? await open(oldDir) : undefined;
  try {
    const mine = empty();
    const theirs = empty();
    for (let round = 0; round < ROUNDS; round++) {
      const skip = round === 0 ? 1 : 0;
      if (old) await measure(old, big, small, planned.layout, PER_ROUND + skip, skip, theirs);
      await measure(now, big, small, planned.layout, PER_ROUND + skip, skip, mine);
      load.push(loadavg()[0]!);
    }
    const livePlot = await livePlotFps(now.h, big.cpus.length);
    load.push(loadavg()[0]!);
    const summary = (s: Samples) => ({
      firstRenderBig: statsOf(s.bigRender),
      firstRenderSmall: statsOf(s.smallRender),
      drop: statsOf(s.drop),
      dragMove: statsOf(s.move),
      dragRetarget: s.retarget.length ? statsOf(s.retarget) : undefined,
    });
    return {
      name: "ui",
      host: "8 nodes × 64 cores × 2 threads (1024 PUs); small: 1 node × 2 PUs",
      targets: { firstRenderMs: 50, dragFrameMs: 8 },
      method: "main-thread busy time from the change to the end of the first frame painted after it, from Chromium's trace; medians",
      runs: ROUNDS * PER_ROUND,
      loadAverage: { min: Math.min(...load), max: Math.max(...load), samples: load },
      now: summary(mine),
      old: old ? { commit: BASELINE_COMMIT, ...summary(theirs) } : { commit: BASELINE_COMMIT, error: oldError },
      livePlot: { ...livePlot, target: "60 fps at 200 Hz × 64 threads" },
    };
  } finally {
    await now.h.close();
    await old?.h.close();
  }
}

/** live plot: 64 touch_pages threads at 200 Hz for 3 s, frames counted meanwhile */
function livePlotFps(h: Harness, cpuCount: number) {
  return h.page.evaluate(async (cpuCount) => {
    const store = (window as any).__numadesk;
    const feed = (window as any).__numadeskFeed;
    store.setState({ run: { status: "running", runId: "bench", samples: [], sampleCount: 0 } });
    let frames = 0;
    let longest = 0;
    let last = performance.now();
    let on = true;
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      frames++;
      if (on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const t0 = performance.now();
    let t = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        t += 5;
        const samples = Array.from({ length: 64 }, (_, k) => ({ t, tid: 1000 + k, name: "touch_pages", cpu: (k * 7 + Math.floor(t / 50)) % cpuCount, node: 0, state: "R", ranUs: 5000 }));
        feed({ runId: "bench", type: "samples", samples });
        if (performance.now() - t0 > 3000) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    on = false;
    const seconds = (performance.now() - t0) / 1000;
    return { fps: frames / seconds, longestFrameMs: longest, samples: store.getState().run.samples.length, rateHz: t / 5 / seconds };
  }, cpuCount);
}
