// A 1024-PU host (8 nodes × 64 cores × 2 threads, as in npm run bench -- ui) in real Chromium:
// the canvas draws every node's PUs, a drop paints on the canvas at once, and the panels beside
// it (command line, diagnostics) follow after that frame (store/shown.ts) — never staying
// behind, never losing the edit.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planInBar, startHarness, type Harness } from "./harness";
import { bigHost } from "../bench/ui-hosts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.locator('[data-node="0"]').waitFor();
  const host = bigHost(8, 128);
  await h.page.evaluate((host) => (window as any).__numadesk.setState({ host, target: { kind: "sample", name: host.name } }), host);
  await h.page.locator('svg.host-svg[aria-label^="8x128:"]').waitFor();
  await planInBar(h.page, { mem: "64G", vcpus: 64, threads: 64 });
  await h.page.locator('[data-guest-box="7"]').waitFor();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const cmdline = () => h.page.locator('[data-testid="cmdline"]').innerText();

describe("a 1024-PU host", () => {
  it("draws 128 PU cells in each of its 8 node cards", async () => {
    // a card's cells are one path: one rounded rectangle (one M) per PU
    const cells = await h.page.locator("svg.host-svg .node-card path.pu").evaluateAll((ps) => ps.map((p) => (p.getAttribute("d") ?? "").split("M").length - 1));
    expect(cells).toEqual(Array(8).fill(128));
  });

  it("a chip dropped on node 1 lands there, and the command line follows", async () => {
    await h.page.dragAndDrop('[data-backend="ram-node0"]', '[data-node="1"] .card-bg');
    await h.page.locator('[data-node="1"] [data-chip="ram-node0"]').waitFor();
    await expect.poll(cmdline).toContain("id=ram-node0,size=8G,host-nodes=1,policy=bind");
    await expect.poll(() => h.page.locator('[data-testid="diagnostics"]').getAttribute("aria-busy")).toBe(null);
  });

  it("the canvas shows an edit in the frame it is made; the command line and diagnostics catch up after that frame", async () => {
    const seen = await h.page.evaluate(async () => {
      const store = (window as any).__numadesk;
      const line = () => document.querySelector('[data-testid="cmdline"]')!.textContent ?? "";
      store.getState().bind("ram-node0", 2);
      // React has drawn the store's change once this microtask runs (zustand updates render at once)
      await Promise.resolve();
      const now = {
        chip: !!document.querySelector('[data-node="2"] [data-chip="ram-node0"]'),
        line: line().includes("id=ram-node0,size=8G,host-nodes=2"),
        busy: document.querySelector('[data-testid="diagnostics"]')!.getAttribute("aria-busy"),
      };
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return { now, later: { line: line().includes("id=ram-node0,size=8G,host-nodes=2"), busy: document.querySelector('[data-testid="diagnostics"]')!.getAttribute("aria-busy") } };
    });
    expect(seen.now).toEqual({ chip: true, line: false, busy: "true" });
    expect(seen.later).toEqual({ line: true, busy: null });
  });
});
