// `npx tsx bench/ui-profile.ts`: where the UI bench's time goes. Drives the same changes as
// ui.bench.ts (first render of the 1024-PU host, a drop that rebinds a backend, pointer moves
// while dragging vCPUs) under Chromium's tracer and its sampling JS profiler, and prints for
// each: the frame's steps (script, style, layout, paint, …) and the JS functions with the most
// time inside the frame and after it (what the change caused once the frame was painted).
// Build the renderer unminified for readable names:
//   npx vite build --config renderer/vite.config.ts --minify false --sourcemap --outDir /tmp/x
//   npx tsx bench/ui-profile.ts --dir /tmp/x

import type { CDPSession, Page } from "playwright-core";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startHarness } from "../e2e/harness";
import { bigHost } from "./ui-hosts";
import { uiChanges } from "./ui-changes";
import { planLayout } from "../shared/plan/planner";
import { frameCosts, PAGE_FRAMES, pageLog, traced, type FrameCost } from "./frame-trace";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const RUNS = 8;
const TOP = Number(process.env.TOP ?? 25);

/** "file.tsx" for a bundle position when the build has a source map (vite build --sourcemap), else "". */
type SourceOf = (url: string, line: number, column: number) => string;
async function sourceMaps(dir: string | undefined): Promise<SourceOf> {
  if (!dir) return () => "";
  try {
    const { TraceMap, originalPositionFor } = await import("@jridgewell/trace-mapping");
    const maps = new Map<string, InstanceType<typeof TraceMap> | undefined>();
    return (url, line, column) => {
      const file = url.split("/").pop() ?? "";
      if (!maps.has(file)) maps.set(file, existsSync(join(dir, "assets", file + ".map")) ? new TraceMap(readFileSync(join(dir, "assets", file + ".map"), "utf8")) : undefined);
      const map = maps.get(file);
      const src = map ? originalPositionFor(map, { line: line + 1, column }).source : null;
      return src ? src.replace(/^.*node_modules\//, "").replace(/^(\.\.\/)+/, "") : "";
    };
  } catch {
    return () => "";
  }
}
let sourceOf: SourceOf = () => "";

/** JS inclusive time per function (each function once per sample), over samples taken inside the spans. */
function jsTime(profile: Profile, spans: Array<{ from: number; to: number }>): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (!spans.some((s) => t >= s.from && t < s.to)) return;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const src = f.url ? sourceOf(f.url, f.lineNumber, f.columnNumber) : "";
      // React's own frames say little: the components and the domain do
      if (src.includes("react-dom") || src.includes("scheduler")) continue;
      const key = f.url ? `${f.functionName || "(anonymous)"} ${src || `:${f.lineNumber + 1}`}` : f.functionName;
      if (!key || seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000 / spans.length);
    }
  });
  return total;
}

function report(title: string, costs: FrameCost[], profile: Profile, after: Array<{ from: number; to: number }>) {
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  console.log(
    `\n== ${title}: frame ${med(costs.map((c) => c.frameMs)).toFixed(1)} ms busy, ${med(costs.map((c) => c.frameCpuMs)).toFixed(1)} ms CPU; all it caused ${med(costs.map((c) => c.allMs)).toFixed(1)} ms (medians of ${costs.length})`,
  );
  const steps = [...new Set(costs.flatMap((c) => Object.keys(c.steps)))];
  console.log("steps (median ms): " + steps.map((s) => `${s} ${med(costs.map((c) => c.steps[s] ?? 0)).toFixed(2)}`).join(", "));
  const show = (what: string, m: Map<string, number>) => {
    console.log(`-- JS in ${what} (ms per run, inclusive) --`);
    for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP)) if (ms >= 0.05) console.log(`${ms.toFixed(2).padStart(8)}  ${k}`);
  };
  show(
    "the frame",
    jsTime(
      profile,
      costs.map((c) => c.span),
    ),
  );
  show("what followed the frame", jsTime(profile, after));
}

async function profiled(page: Page, cdp: CDPSession, labels: string[], run: () => Promise<unknown>) {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  let profile: Profile | undefined;
  const events = await traced(cdp, async () => {
    await cdp.send("Profiler.start");
    await run();
    profile = (await cdp.send("Profiler.stop")).profile as unknown as Profile;
  });
  const log = await pageLog(page);
  for (const label of labels) {
    const costs = frameCosts(events, log, label).slice(1);
    // after the frame: until the page saw the change settled (allMs's span)
    report(
      label,
      costs,
      profile!,
      costs.map((c) => ({ from: c.span.to, to: c.span.from + c.allSpanUs })),
    );
  }
}

const dir = process.argv.indexOf("--dir");
sourceOf = await sourceMaps(dir > 0 ? process.argv[dir + 1] : undefined);
const h = await startHarness({ browser: true, ...(dir > 0 ? { staticDir: process.argv[dir + 1]! } : {}) });
try {
  const page = h.page;
  await page.locator('[data-node="0"]').waitFor();
  await page.evaluate("globalThis.__name = (f) => f");
  await page.evaluate(`globalThis.__frames = ${PAGE_FRAMES}`);
  const cdp = await page.context().newCDPSession(page);
  // HOST=2 profiles the first render of a 1-node, 2-PU host instead (what a host change costs besides the PUs)
  const big = process.env.HOST === "2" ? bigHost(1, 2) : bigHost(8, 128);
  const planned = planLayout(bigHost(8, 128), { mem: "64G", vcpus: 64, threads: 64 });
  if (!planned.ok) throw new Error("plan");
  await profiled(page, cdp, ["render", "drop", "move"], () => page.evaluate(uiChanges, { hosts: [{ label: "render", host: big }], layout: planned.layout, n: RUNS + 1 }));
} finally {
  await h.close();
}
