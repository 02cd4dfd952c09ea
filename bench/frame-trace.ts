// What one UI change costs, read from Chromium's own trace instead of a stopwatch in the page.
// A stopwatch from a store change to "the frame after it" also counts the wait for the next
// 60 Hz vsync (up to 16.7 ms of idle), so a drag could never measure under 8 ms however little
// it did. The trace says where the main thread was busy: the page marks each change
// (performance.mark("<label>:<i>")), and for each mark this reads
//   frame: main-thread busy time from the mark to the end of the first frame painted after the
//          change reached the DOM (the page marks "<label>.dom:<i>" from a MutationObserver: React
//          renders a change that comes from a pointer move in a later task, not at once)
//          (script, React's render and commit, style, layout, paint, layerize, commit) — the
//          work a hand waits for;
//   frameCpu: the same frame's CPU time by the thread's own clock: on a machine whose cores
//          other processes share, the busy time also counts the waits for a core;
//   wall:  the same span by the clock, vsync wait included (what the old bench reported);
//   all:   main-thread busy time from the mark to the next mark, everything the change caused
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
 * Page code: call before making change i; it marks the change and, when the change first
 * reaches the DOM, `label.dom:i`.
 */
export const MARK_CHANGE = `(label, i) => {
  const seen = new MutationObserver(() => {
    performance.mark(label + ".dom:" + i);
    seen.disconnect();
  });
  seen.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  setTimeout(() => seen.disconnect(), 1000);
  performance.mark(label + ":" + i);
}`;

/** The cost of each change the page marked `label:0`, `label:1`, … (in mark order). */
export function frameCosts(events: TraceEvent[], label: string): FrameCost[] {
  const marks = events.filter((e) => e.cat?.includes("blink.user_timing") && e.name.startsWith(`${label}:`)).sort((a, b) => a.ts - b.ts);
  if (marks.length === 0) throw new Error(`no "${label}:" marks in the trace`);
  const { pid, tid } = marks[0]!;
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
  const lastTaskEnd = tasks.length ? Math.max(...tasks.map((t) => t.ts + t.dur!)) : 0;
  return marks.map((m, i) => {
    const next = marks[i + 1]?.ts ?? lastTaskEnd;
    const dom = events.find((e) => e.name.startsWith(`${label}.dom:`) && e.ts >= m.ts && e.ts < next && e.cat?.includes("blink.user_timing"));
    const shown = dom?.ts ?? m.ts;
    const end = main.find((e) => FRAME_STEPS.has(e.name) && e.ts > shown && e.ts < next);
    if (!end) {
      const seen = [...new Set(main.filter((e) => e.ts > m.ts && e.ts < next).map((e) => e.name))];
      throw new Error(`${m.name}: no frame painted after the change (the main thread ran: ${seen.join(", ") || "nothing"})`);
    }
    const task = tasks.find((t) => t.ts <= end.ts && end.ts < t.ts + t.dur!);
    const frameEnd = task ? task.ts + task.dur! : end.ts + end.dur!;
    const steps: Record<string, number> = {};
    for (const e of main) if (STEPS.includes(e.name) && e.ts >= m.ts && e.ts < frameEnd) steps[e.name] = (steps[e.name] ?? 0) + (e.tdur ?? e.dur!) / 1000;
    return {
      span: { from: m.ts, to: frameEnd },
      steps,
      frameMs: busy(m.ts, frameEnd) / 1000,
      frameCpuMs: cpu(m.ts, frameEnd) / 1000,
      wallMs: (frameEnd - m.ts) / 1000,
      allMs: busy(m.ts, next) / 1000,
    };
  });
}
