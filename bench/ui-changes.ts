// The changes the UI bench and its profiler make, as one function run in the page (passed to
// page.evaluate, so it uses nothing from outside it): first renders of each host (no host,
// then a fresh copy of it), drops (rebind ram-node0 between host nodes 0 and 1, the layout
// changing once), and pointer moves while dragging vCPU 0 (only the preview follows), then moves
// of that drag that change its drop target (host node 2 ↔ 3: the drop mark is drawn). Each is
// logged through globalThis.__frames (frame-trace.ts) for the trace to be read against.

import type { HostTopology } from "../shared/topology/schema";
import type { Layout } from "../shared/layout/schema";

export async function uiChanges({ hosts, layout, n }: { hosts: Array<{ label: string; host: HostTopology }>; layout: Layout; n: number }) {
  const store = (window as any).__numadesk;
  const F = (window as any).__frames;
  F.calibrate();
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const settle = async () => {
    await frame();
    await frame();
    await new Promise((r) => setTimeout(r, 60));
  };
  // first render: no host, then the host; its frame and what follows it
  for (let i = 0; i < n; i++) {
    for (const { label, host } of hosts) {
      store.setState({ host: undefined });
      // a copy each time: nothing the app keeps per host object (its box model) is reused
      const fresh = structuredClone(host);
      await settle();
      F.start(label, i);
      store.setState({ host: fresh, target: { kind: "sample", name: host.name } });
      await settle();
      F.end(label, i);
    }
  }
  // a drop: rebind a backend between host nodes 0 and 1 (the layout changes once)
  store.setState({ layout });
  await settle();
  for (let i = 0; i < n; i++) {
    F.start("drop", i);
    store.getState().bind("ram-node0", i % 2 === 0 ? 1 : 0);
    await settle();
    F.end("drop", i);
  }
  // pointer moves while dragging vCPU 0: only the preview follows the pointer
  const cell = document.querySelector('[data-vcpu="0"]') as SVGGElement | null;
  if (!cell) throw new Error("no vCPU 0 on the canvas");
  const r = cell.getBoundingClientRect();
  const at = (d: number) => ({ bubbles: true, clientX: r.x + r.width / 2 + d, clientY: r.y + r.height / 2 - d, button: 0, pointerId: 1, isPrimary: true });
  cell.dispatchEvent(new PointerEvent("pointerdown", at(0)));
  window.dispatchEvent(new PointerEvent("pointermove", at(10)));
  await settle();
  for (let i = 0; i < n; i++) {
    F.start("move", i);
    window.dispatchEvent(new PointerEvent("pointermove", at(20 + i * 15)));
    await settle();
    F.end("move", i);
  }
  // pointer moves that change the drop target: from host node 2 to host node 3 and back, each
  // move drawing the drop mark on the other card (the guest layer is drawn again, not only moved)
  const cards = [2, 3].map((k) => document.querySelector(`[data-node="${k}"]`));
  if (cards.every((c) => c !== null)) {
    for (let i = 0; i < n; i++) {
      const b = cards[i % 2]!.getBoundingClientRect();
      F.start("retarget", i);
      window.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, clientX: b.x + b.width / 2, clientY: b.y + b.height / 2, button: 0, pointerId: 1, isPrimary: true }));
      await settle();
      F.end("retarget", i);
    }
  }
  window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
  window.dispatchEvent(new PointerEvent("pointerup", at(0)));
  await settle();
}
