// `npx tsx bench/ui-profile.ts`: where the UI bench's time goes. Drives the same page and
// the same three interactions as ui.bench.ts (first render of the 1024-PU host, a backend
// rebind, pointer moves while dragging vCPUs) under Chromium's tracer and its sampling JS
// profiler, and prints the main thread's time by trace event (script, style, layout, paint)
// and the JS functions with the most self time. Build the renderer unminified for readable
// names: `npx vite build --config renderer/vite.config.ts --minify false`.

import { startHarness } from "../e2e/harness";
import { bigHost } from "./ui-hosts";
import { planLayout } from "../shared/plan/planner";
import type { CDPSession } from "playwright-core";
import { traced, type TraceEvent } from "./frame-trace";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The trace (with the detailed timeline) and a JS sampling profile of the same span. */
async function profiled(cdp: CDPSession, run: () => Promise<unknown>): Promise<{ events: TraceEvent[]; profile: Profile }> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  let profile: Profile | undefined;
  const events = await traced(
    cdp,
    async () => {
      await cdp.send("Profiler.start");
      await run();
      profile = (await cdp.send("Profiler.stop")).profile as unknown as Profile;
    },
    "devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing",
  );
  return { events, profile: profile! };
}

function report(title: string, { events, profile }: { events: TraceEvent[]; profile: Profile }) {
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.dur !== undefined);
  const byName = new Map<string, number>();
  for (const e of mine) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur! / 1000);
  if (process.env.TASKS) {
    const tasks = mine.filter((e) => e.name === "RunTask" && e.dur! > 3000);
    for (const t of tasks.slice(0, 12)) {
      const kids = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts < t.ts + t.dur! && e.name !== "RunTask");
      const k = new Map<string, number>();
      for (const e of kids) k.set(e.name, (k.get(e.name) ?? 0) + e.dur! / 1000);
      console.log(
        `task ${(t.dur! / 1000).toFixed(1)} ms: ` +
          [...k]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 8)
            .map(([n, ms]) => `${n} ${ms.toFixed(1)}`)
            .join(", "),
      );
    }
  }
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 14);
  console.log(`\n== ${title}: main-thread trace events (inclusive ms, summed) ==`);
  for (const [name, ms] of top) console.log(`${ms.toFixed(1).padStart(9)}  ${name}`);
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(`-- JS self time (ms) --`);
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms.toFixed(1).padStart(9)}  ${k}`);
}

const h = await startHarness();
try {
  const page = h.page;
  await page.locator('[data-node="0"]').waitFor();
  await page.evaluate("globalThis.__name = (f) => f");
  const cdp = await page.context().newCDPSession(page);
  const big = bigHost(8, 128);
  const planned = planLayout(big, { mem: "64G", vcpus: 64, threads: 64 });
  if (!planned.ok) throw new Error("plan");
  const frame = "new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))";
  report(
    "first render ×5",
    await profiled(cdp, async () => {
      for (let i = 0; i < 5; i++) {
        await page.evaluate(async (host) => {
          const store = (window as any).__numadesk;
          store.setState({ host: undefined });
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          store.setState({ host, target: { kind: "sample", name: host.name } });
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        }, big);
      }
    }),
  );
  await page.evaluate((layout) => (window as any).__numadesk.setState({ layout }), planned.layout);
  await page.evaluate(frame);
  report(
    "rebind a backend ×10",
    await profiled(cdp, async () => {
      for (let i = 0; i < 10; i++) {
        await page.evaluate(async (node) => {
          (window as any).__numadesk.getState().bind("ram-node0", node);
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        }, i % 2);
      }
    }),
  );
  report(
    "pointer move during a vCPU drag ×10",
    await profiled(cdp, () =>
      page.evaluate(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const cell = document.querySelector('[data-vcpu="0"]') as SVGGElement;
        const r = cell.getBoundingClientRect();
        const at = (dx: number) => ({ bubbles: true, clientX: r.x + r.width / 2 + dx, clientY: r.y + r.height / 2 - dx, button: 0, pointerId: 1, isPrimary: true });
        cell.dispatchEvent(new PointerEvent("pointerdown", at(0)));
        window.dispatchEvent(new PointerEvent("pointermove", at(10)));
        await frame();
        for (let i = 0; i < 10; i++) {
          window.dispatchEvent(new PointerEvent("pointermove", at(20 + i * 15)));
          await frame();
        }
        window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
        window.dispatchEvent(new PointerEvent("pointerup", at(0)));
        await frame();
      }),
    ),
  );
} finally {
  await h.close();
}
