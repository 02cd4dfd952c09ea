// The lab console reducer on a recorded transcript: the serial console of a real 2-node lab
// run of the demo pair (128 MiB, 50 Hz; fixtures/console-2-nodes.txt, recorded with
// runLab's onConsole), folded without QEMU. The live run recorded 405 and 537 samples, and
// touch_pages 142/143 on nodes 1/0, 157/158 on node 1 only: the fold must give the same.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { foldConsoleLine, foldTranscript, initialConsoleState } from "./console";
import { parseLabLine } from "./protocol";
import { summarizeThreads } from "../run/summarize";

const transcript = readFileSync(join(import.meta.dirname, "fixtures/console-2-nodes.txt"), "utf8");

describe("the lab console, folded", () => {
  it("gives the topology, both jobs with their samples, allowed CPUs, greeting, free memory and exit", () => {
    const { state, effects } = foldTranscript(transcript, 2);
    expect(effects.filter((e) => e.type !== "sample").map((e) => e.type)).toEqual(["booted", "begin", "prealloc-done", "job-done", "begin", "prealloc-done", "job-done", "alldone"]);
    expect(state.kernel).toBe("6.1.0-56-amd64");
    expect(state.topology.nodes.map((n) => n.cpus)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(state.topology.distances).toEqual([
      [10, 20],
      [20, 10],
    ]);
    expect(state.allDone).toBe(true);
    expect(state.current).toBeUndefined();
    const [without, withTc] = state.done;
    expect(without!.samples).toHaveLength(405);
    expect(withTc!.samples).toHaveLength(537);
    expect(effects.filter((e) => e.type === "sample")).toHaveLength(405 + 537);
    expect([without!.preallocMs, without!.exitMs, without!.code]).toEqual([6147.7, 7571.19, 0]);
    expect(without!.freeBeforeKb).toEqual({ "0": 384548, "1": 492072 });
    expect(without!.freeAtPreallocKb).toEqual({ "0": 381348, "1": 356628 });
    expect(withTc!.freeBeforeKb).toEqual({ "0": 383312, "1": 481904 });
    expect(Object.fromEntries(without!.allowed)).toEqual({ 142: [0, 1, 2, 3], 143: [0, 1, 2, 3] });
    expect(Object.fromEntries(withTc!.allowed)).toEqual({ 156: [2, 3], 157: [2, 3], 158: [2, 3] });
    // nodes come from the guest's own TOPO lines
    const workers = (i: number) =>
      summarizeThreads(state.done[i]!.samples)
        .filter((t) => t.name === "touch_pages")
        .map((t) => [t.tid, t.nodes]);
    expect(workers(0)).toEqual([
      [142, { "1": 90 }],
      [143, { "0": 72 }],
    ]);
    expect(workers(1)).toEqual([
      [157, { "1": 56 }],
      [158, { "1": 65 }],
    ]);
  });

  it("a console cut off mid-job leaves that job open and the finished one intact; lines before BEGIN are not samples", () => {
    const lines = transcript.split("\n");
    const cut = lines.findIndex((l) => l.includes("NUMADESK-LAB G 5025.45"));
    const { state } = foldTranscript(lines.slice(0, cut).join("\n"), 2);
    expect(state.done).toHaveLength(1);
    expect(state.current?.index).toBe(1);
    expect(state.current?.preallocMs).toBeUndefined();
    expect(state.allDone).toBe(false);
    const fresh = initialConsoleState(2);
    expect(foldConsoleLine(fresh, parseLabLine("NUMADESK-LAB T 1.00 5 0 R 0 touch_pages")!, 0)).toEqual([]);
    expect(foldConsoleLine(fresh, parseLabLine("NUMADESK-LAB E 1.00 0")!, 0)).toEqual([]);
    expect(foldConsoleLine(fresh, parseLabLine("NUMADESK-LAB ERR cannot start qemu")!, 0)).toEqual([]);
    expect(fresh.errors).toEqual(["cannot start qemu"]);
  });

  it("kernel noise between and before protocol lines changes nothing", () => {
    const noisy = transcript
      .split("\n")
      .map((l, i) => (i % 50 === 0 ? `[    3.${i}] random: crng init done\n[    3.${i}] ${l}` : l))
      .join("\n");
    const a = foldTranscript(transcript, 2).state;
    const b = foldTranscript(noisy, 2).state;
    expect(b.done.map((j) => j.samples.length)).toEqual(a.done.map((j) => j.samples.length));
    expect(b.done[1]!.samples).toEqual(a.done[1]!.samples);
  });
});
