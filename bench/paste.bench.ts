// A pasted command line of 512, 1024 and 2048 backends (each a guest node's memory; 2048 is
// 8 195 words, under the importer's 10 000) imported into a fresh layout, in Chromium against
// the real server, for this build and for the renderer at PASTE_BASELINE (before the paste's
// frame was worked on: 2048 backends froze the page for 4-10 s), alternating in the same run.
// Each import is read from Chromium's trace (frame-trace.ts): `all` is the main thread's busy
// time for everything the paste caused, the panels that follow a frame behind included; medians.

import { loadavg } from "node:os";
import { startHarness } from "../e2e/harness";
import { spreadOf, type Spread } from "../shared/bench/stats";
import { frameCosts, PAGE_FRAMES, pageLog, traced, type FrameCost } from "./frame-trace";
import { baselineRenderer } from "./ui-baseline";

/** The branch point of the paste work (leftovers3): its renderer is the baseline. */
export const PASTE_BASELINE = "d563a61";
const SIZES = [512, 1024, 2048];
const RUNS = 3;

/** `qemu-system-x86_64 -m NM` and n backends of 1 MiB, each a guest node's memory. */
export function pastedLine(n: number): string {
  const parts = ["qemu-system-x86_64", `-m ${n}M`];
  for (let i = 0; i < n; i++) parts.push(`-object memory-backend-ram,id=m${i},size=1M -numa node,nodeid=${i},memdev=m${i}`);
  return parts.join(" ");
}

/** Page code: n rounds of each line imported into a fresh layout, logged for the trace. */
async function pastes({ lines, n }: { lines: Array<{ label: string; text: string }>; n: number }) {
  const store = (window as any).__numadesk;
  const F = (window as any).__frames;
  F.calibrate();
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  // the side panels follow a frame behind on a big layout (store/shown.ts): wait for them too
  const settle = async () => {
    for (let k = 0; k < 4; k++) await frame();
    await new Promise((r) => setTimeout(r, 200));
  };
  for (let i = 0; i < n; i++) {
    for (const { label, text } of lines) {
      store.getState().newLayout();
      await settle();
      F.start(label, i);
      const r = store.getState().importCommandLine(text, {});
      if (!r.ok) throw new Error(`${label}: the import failed`);
      await settle();
      F.end(label, i);
    }
  }
}

export interface PasteStats {
  backends: number;
  words: number;
  /** busy ms for everything the import caused, and its frame's CPU ms */
  now: { all: Spread; frameCpu: Spread };
  old?: { all: Spread; frameCpu: Spread };
}

async function open(staticDir?: string) {
  const h = await startHarness({ browser: true, ...(staticDir ? { staticDir } : {}) });
  await h.page.locator("svg.host-svg").waitFor();
  await h.page.evaluate("globalThis.__name = (f) => f");
  await h.page.evaluate(`globalThis.__frames = ${PAGE_FRAMES}`);
  return { h, cdp: await h.page.context().newCDPSession(h.page) };
}

async function measure(b: Awaited<ReturnType<typeof open>>, into: Map<number, FrameCost[]>) {
  const lines = SIZES.map((n) => ({ label: `paste-${n}`, text: pastedLine(n) }));
  const events = await traced(b.cdp, () => b.h.page.evaluate(pastes, { lines, n: 1 }));
  const log = await pageLog(b.h.page);
  for (const n of SIZES) into.get(n)!.push(...frameCosts(events, log, `paste-${n}`));
}

export async function benchPaste() {
  let oldDir: string | undefined;
  let oldError: string | undefined;
  try {
    oldDir = baselineRenderer(PASTE_BASELINE);
  } catch (e) {
    oldError = (e as Error).message;
  }
  const load = [loadavg()[0]!];
  const now = await open();
  const old = oldDir ? await open(oldDir) : undefined;
  const mine = new Map(SIZES.map((n) => [n, [] as FrameCost[]]));
  const theirs = new Map(SIZES.map((n) => [n, [] as FrameCost[]]));
  try {
    // one warm-up each, then alternating rounds
    await measure(now, new Map(SIZES.map((n) => [n, []])));
    if (old) await measure(old, new Map(SIZES.map((n) => [n, []])));
    for (let i = 0; i < RUNS; i++) {
      if (old) await measure(old, theirs);
      await measure(now, mine);
      load.push(loadavg()[0]!);
    }
  } finally {
    await now.h.close();
    await old?.h.close();
  }
  const stats = (c: FrameCost[]) => ({ all: spreadOf(c.map((x) => x.allMs))!, frameCpu: spreadOf(c.map((x) => x.frameCpuMs))! });
  return {
    name: "paste",
    method: "a command line pasted into a fresh layout (store's importCommandLine), main-thread busy time for all it caused, from Chromium's trace; medians",
    runs: RUNS,
    baseline: oldDir ? PASTE_BASELINE : `${PASTE_BASELINE} (not measured: ${oldError})`,
    loadAverage: { min: Math.min(...load), max: Math.max(...load) },
    sizes: SIZES.map((n): PasteStats => ({ backends: n, words: 3 + 4 * n, now: stats(mine.get(n)!), ...(old ? { old: stats(theirs.get(n)!) } : {}) })),
  };
}
