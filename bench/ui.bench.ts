// The app's own UI benchmark, in Chromium against the real server: first render of the host
// canvas for 8 nodes × 128 CPUs (against a 1-node, 2-CPU host in the same run), one drag
// (rebind a backend) on that host, and the live plot fed 200 Hz × 64 threads of samples.

import { performance } from "node:perf_hooks";
import { startHarness } from "../e2e/harness";
import { TOPOLOGY_VERSION, type HostTopology } from "../shared/topology/schema";
import { planLayout } from "../shared/plan/planner";
import { spreadOf } from "../shared/bench/stats";

function bigHost(nodes: number, cpusPerNode: number): HostTopology {
  const cpus: HostTopology["cpus"] = [];
  const half = (nodes * cpusPerNode) / 2;
  const hostNodes = Array.from({ length: nodes }, (_, n) => {
    const ids: number[] = [];
    for (let k = 0; k < cpusPerNode / 2; k++) {
      const a = n * (cpusPerNode / 2) + k;
      ids.push(a, a + half);
      cpus.push({ id: a, node: n, socket: Math.floor(n / 2), core: a, siblings: [a, a + half], online: true });
      cpus.push({ id: a + half, node: n, socket: Math.floor(n / 2), core: a, siblings: [a, a + half], online: true });
    }
    return { id: n, cpus: ids.sort((x, y) => x - y), memTotal: 256 * 2 ** 30, memFree: 250 * 2 ** 30, hugepages: [] };
  });
  return {
    version: TOPOLOGY_VERSION,
    name: `${nodes}x${cpusPerNode}`,
    source: { kind: "sample" },
    nodes: hostNodes,
    cpus: cpus.sort((a, b) => a.id - b.id),
    distances: hostNodes.map((a) => hostNodes.map((b) => (a.id === b.id ? 10 : 21))),
  };
}

export async function benchUi() {
  const h = await startHarness();
  try {
    const page = h.page;
    await page.locator('[data-node="0"]').waitFor();
    // tsx names functions with a helper that the page does not have
    await page.evaluate("globalThis.__name = (f) => f");
    const big = bigHost(8, 128);
    const small = bigHost(1, 2);
    const planned = planLayout(big, { mem: "64G", vcpus: 64, threads: 64 });
    if (!planned.ok) throw new Error("plan");
    // time from a state change to the frame after it was painted, measured in the page
    const renderMs = (host: HostTopology) =>
      page.evaluate(async (host) => {
        const store = (window as any).__numadesk;
        store.setState({ host: undefined });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const t = performance.now();
        store.setState({ host, target: { kind: "sample", name: host.name } });
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return performance.now() - t;
      }, host);
    const bigMs: number[] = [];
    const smallMs: number[] = [];
    for (let i = 0; i < 9; i++) {
      smallMs.push(await renderMs(small));
      bigMs.push(await renderMs(big));
    }
    await page.evaluate((layout) => (window as any).__numadesk.setState({ layout }), planned.layout);
    const dragMs: number[] = [];
    for (let i = 0; i < 9; i++) {
      dragMs.push(
        await page.evaluate(
          async (node) => {
            const store = (window as any).__numadesk;
            const t = performance.now();
            store.getState().bind("ram-node0", node);
            await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
            return performance.now() - t;
          },
          i % 2 === 0 ? 1 : 0,
        ),
      );
    }
    // a pointer move during a vCPU drag on that host: only the preview follows the pointer
    // (the layout changes on the drop), so this is the frame a hand feels while dragging
    const moveMs = await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const cell = document.querySelector('[data-vcpu="0"]') as SVGGElement | null;
      if (!cell) return [];
      const r = cell.getBoundingClientRect();
      const at = (dx: number) => ({ bubbles: true, clientX: r.x + r.width / 2 + dx, clientY: r.y + r.height / 2 - dx, button: 0, pointerId: 1, isPrimary: true });
      cell.dispatchEvent(new PointerEvent("pointerdown", at(0)));
      window.dispatchEvent(new PointerEvent("pointermove", at(10)));
      await frame();
      const out: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        window.dispatchEvent(new PointerEvent("pointermove", at(20 + i * 15)));
        await frame();
        out.push(performance.now() - t);
      }
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
      window.dispatchEvent(new PointerEvent("pointerup", at(0)));
      await frame();
      return out;
    });
    // live plot: 64 touch_pages threads at 200 Hz for 3 s, frames counted meanwhile
    const fps = await page.evaluate(async (cpuCount) => {
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
    }, big.cpus.length);
    const b = spreadOf(bigMs.slice(1))!;
    const s = spreadOf(smallMs.slice(1))!;
    const d = spreadOf(dragMs.slice(1))!;
    void performance;
    return {
      name: "ui",
      hostCanvasFirstRenderMs: { big: b, small: s, ratio: b.median / s.median, target: "8 nodes × 128 CPUs (1024 PUs) under 50 ms" },
      dragFrameMs: { ...d, target: "under 8 ms" },
      dragMoveFrameMs: moveMs.length ? { ...spreadOf(moveMs.slice(1))!, target: "under 8 ms" } : undefined,
      livePlot: { ...fps, target: "60 fps at 200 Hz × 64 threads" },
    };
  } finally {
    await h.close();
  }
}
