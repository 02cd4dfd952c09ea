// What one UI change costs, read from Chromium's own trace instead of a stopwatch in the page.
// A stopwatch from a store change to "the frame after it" also counts the wait for the next
// 60 Hz vsync (up to 16.7 ms of idle), so a drag could never measure under 8 ms however little
// it did. The trace says where the main thread was busy: the page logs each change
// (PAGE_FRAMES below), and for each this reads
//   frame: main-thread busy time from the change to the end of the first frame painted after
//          it reached the DOM
//          (script, React's render and commit, style, layout, paint, layerize, commit) — the
//          work a hand waits for;
//   frameCpu: the same frame's CPU time by the thread's own clock: on a machine whose cores
//          other processes share, the busy time also counts the waits for a core;
//   wall:  the same span by the clock, vsync wait included (what the old bench reported);
//   all:   main-thread busy time from the change until the page saw it settled, everything it caused
//          (later renders of panels that follow the layout included).

import type { CDPSession } from "playwright-core";

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  /** thread time: what the thread itself ran, without the time it waited for a core */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface FrameCost {
  frameMs: number;
  /** the frame's main-thread CPU time (thread clock): its work without the waits for a core that other processes cause */
  frameCpuMs: number;
  wallMs: number;
  allMs: number;
  /** the frame's span on the trace clock (µs) */
  span: { from: number; to: number };
  /** from the change until the page saw it settled (µs): the span of allMs */
  allSpanUs: number;
  /** the frame's CPU time (thread clock) by step (FunctionCall = script, UpdateLayoutTree = style, Layout, PrePaint, Paint, Layerize, Commit) */
  steps: Record<string, number>;
}

const STEPS = ["FunctionCall", "EvaluateScript", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "Commit", "MinorGC", "MajorGC"];

// the disabled-by-default timeline is where a frame's Commit is reported
const CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"].join(",");

/** Trace the page's main thread while `run` goes, and hand back the events. */
export async function traced(cdp: CDPSession, run: () => Promise<void>, categories = CATEGORIES): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  // the protocol types the events as string maps; they are trace events
  const collect = (e: { value: object[] }) => void events.push(...(e.value as TraceEvent[]));
  cdp.on("Tracing.dataCollected", collect);
  await cdp.send("Tracing.start", { categories, transferMode: "ReportEvents" });
  try {
    await run();
  } finally {
    const done = new Promise<void>((r) => cdp.once("Tracing.tracingComplete", () => r()));
    await cdp.send("Tracing.end");
    await done;
    cdp.off("Tracing.dataCollected", collect);
  }
  return events;
}

/** Events only a frame's update runs (a forced layout in script runs style and layout, never these); the frame ends with the task that holds them. */
const FRAME_STEPS = new Set(["PrePaint", "Paint", "Layerize", "Commit"]);

/**
 * Page code, installed as `globalThis.__frames`: `start(label, i)` just before change i,
 * `end(label, i)` once it has settled; the change's first DOM mutation is noted by a
 * MutationObserver (React renders a change that comes from a pointer move in a later task, not
 * at once). Times are taken with performance.now() — a user-timing mark per change would
 * itself cost the frame a few milliseconds while tracing — and put on the trace's clock by one
 * mark, `calibrate()`, before the changes.
 */
export const PAGE_FRAMES = `(() => {
  const log = [];
  let clock;
  return {
    log,
    get clock() {
      return clock;
    },
    calibrate() {
      log.length = 0;
      performance.mark("frame-trace:clock");
      const all = performance.getEntriesByName("frame-trace:clock");
      clock = all[all.length - 1].startTime;
    },
    start(label, i) {
      const c = { label, i };
      const seen = new MutationObserver(() => {
        if (c.dom === undefined) c.dom = performance.now();
        seen.disconnect();
      });
      seen.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      setTimeout(() => seen.disconnect(), 2000);
      log.push(c);
      c.at = performance.now();
    },
    end(label, i) {
      const c = log.find((x) => x.label === label && x.i === i);
      if (c) c.end = performance.now();
    },
  };
})()`;

/** One change as the page logged it (performance.now() ms). */
export interface PageChange {
  label: string;
  i: number;
  at: number;
  dom?: number;
  end?: number;
}

/** The page's log of changes and the clock mark's time, read after the traced run. */
export function pageLog(page: { evaluate<T>(f: string): Promise<T> }): Promise<{ log: PageChange[]; clock: number }> {
  return page.evaluate("({ log: globalThis.__frames.log, clock: globalThis.__frames.clock })");
}

/** The cost of each change logged under `label` (in log order). */
export function frameCosts(events: TraceEvent[], page: { log: PageChange[]; clock: number }, label: string): FrameCost[] {
  const mark = events.find((e) => e.name === "frame-trace:clock" && e.cat?.includes("blink.user_timing"));
  if (!mark) throw new Error("no clock mark in the trace: call __frames.calibrate() while tracing");
  // performance.now() ms → trace µs
  const us = (ms: number) => mark.ts + (ms - page.clock) * 1000;
  const changes = page.log.filter((c) => c.label === label);
  if (changes.length === 0) throw new Error(`no "${label}" changes in the page's log`);
  const { pid, tid } = mark;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === "X" && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // top-level slices: the tasks themselves, not what runs inside them
  const tasks: TraceEvent[] = [];
  for (const e of main) {
    const last = tasks[tasks.length - 1];
    if (!last || e.ts >= last.ts + last.dur!) tasks.push(e);
  }
  const overlap = (t: TraceEvent, from: number, to: number) => Math.max(0, Math.min(to, t.ts + t.dur!) - Math.max(from, t.ts));
  const busy = (from: number, to: number) => tasks.reduce((sum, t) => sum + overlap(t, from, to), 0);
  // a task cut by the span counts its CPU time in proportion
  const cpu = (from: number, to: number) => tasks.reduce((sum, t) => sum + (t.dur! > 0 ? ((t.tdur ?? t.dur!) * overlap(t, from, to)) / t.dur! : 0), 0);
  return changes.map((c) => {
    const at = us(c.at);
    if (c.end === undefined) throw new Error(`${label}:${c.i}: the page never marked its end`);
    const next = us(c.end);
    const shown = c.dom !== undefined ? us(c.dom) : at;
    const end = main.find((e) => FRAME_STEPS.has(e.name) && e.ts > shown && e.ts < next);
    if (!end) {
      const seen = [...new Set(main.filter((e) => e.ts > at && e.ts < next).map((e) => e.name))];
      throw new Error(`${label}:${c.i}: no frame painted after the change (the main thread ran: ${seen.join(", ") || "nothing"})`);
    }
    const task = tasks.find((t) => t.ts <= end.ts && end.ts < t.ts + t.dur!);
    const frameEnd = task ? task.ts + task.dur! : end.ts + end.dur!;
    const steps: Record<string, number> = {};
    for (const e of main) if (STEPS.includes(e.name) && e.ts >= at && e.ts < frameEnd) steps[e.name] = (steps[e.name] ?? 0) + (e.tdur ?? e.dur!) / 1000;
    return {
      span: { from: at, to: frameEnd },
      allSpanUs: next - at,
      steps,
      frameMs: busy(at, frameEnd) / 1000,
      frameCpuMs: cpu(at, frameEnd) / 1000,
      wallMs: (frameEnd - at) / 1000,
      allMs: busy(at, next) / 1000,
    };
  });
}
