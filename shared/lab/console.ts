// The lab guest's console, folded into state: which topology it booted with, the free memory
// before each job, each job's samples, allowed CPUs, greeting and exit, errors. Pure: the
// runner (electron/lab/lab.ts) feeds it parsed lines with the time they arrived and acts on
// the effects it returns; tests feed it recorded transcripts, no QEMU needed.

import type { HostTopology, PciDevice } from "../topology/schema";
import { pciClassName } from "../pci/classes";
import type { Sample } from "../run/types";
import { parseLabLine, type LabLine } from "./protocol";
import { labTopology, type LabNodes } from "./topology";

type TopoLine = Extract<LabLine, { kind: "topo" }>;

export interface LabJobState {
  /** the job's place in the job list (jobs run in order) */
  index: number;
  samples: Sample[];
  /** Cpus_allowed_list of each touch_pages / TC thread, when first seen */
  allowed: Map<number, number[]>;
  /** ms from the inner QEMU's spawn to its QMP greeting */
  preallocMs?: number;
  /** free KiB per guest node before the job, and when preallocation was done */
  freeBeforeKb: Record<string, number>;
  freeAtPreallocKb: Record<string, number>;
  /** with pins: QEMU's status when they were set, every thread read back after, pins that failed */
  pins?: { status?: string; threads: Array<{ tid: number; main: boolean; allowed: string; name: string }>; errors: string[] };
}

export interface FinishedLabJob extends LabJobState {
  exitMs: number;
  code: number;
}

export interface LabConsoleState {
  nodes: LabNodes;
  /** ms after the start when the guest said HELLO */
  bootMs?: number;
  kernel?: string;
  topo: TopoLine[];
  /** the guest's PCI functions (PCI lines, which come before the TOPO lines) */
  pci: PciDevice[];
  /** the guest's topology as its TOPO lines say (the expected one until they came) */
  topology: HostTopology;
  freeBefore: Record<string, number>;
  current?: LabJobState;
  done: FinishedLabJob[];
  errors: string[];
  allDone: boolean;
}

export type LabConsoleEffect =
  | { type: "booted"; topology: HostTopology }
  | { type: "begin"; index: number; label: string }
  | { type: "sample"; index: number; sample: Sample }
  | { type: "prealloc-done"; index: number; ms: number }
  | { type: "job-done"; job: FinishedLabJob }
  | { type: "alldone" };

export function initialConsoleState(nodes: LabNodes, expected = labTopology(nodes)): LabConsoleState {
  return { nodes, topo: [], pci: [], topology: expected, freeBefore: {}, done: [], errors: [], allDone: false };
}

/** The guest's view of its topology, from its TOPO lines. */
export function guestTopology(lines: readonly TopoLine[], nodes: LabNodes, pci: readonly PciDevice[] = []): HostTopology {
  const sorted = [...lines].sort((a, b) => a.node - b.node);
  const t = labTopology(nodes);
  t.nodes = sorted.map((l) => ({ id: l.node, cpus: l.cpus, memTotal: l.memTotalKb * 1024, memFree: l.memFreeKb * 1024, hugepages: [] }));
  t.cpus = t.nodes.flatMap((n) => n.cpus.map((id) => ({ id, node: n.id, socket: n.id, core: id, siblings: [id], online: true })));
  t.distances = sorted.map((l) => (l.distances.length === sorted.length ? l.distances : sorted.map((o) => (o.node === l.node ? 10 : 20))));
  if (pci.length > 0) t.pciDevices = [...pci];
  else delete t.pciDevices;
  return t;
}

/**
 * Fold one console line into the state (updated in place: a lab run folds thousands of
 * samples) and say what happened. `atMs`: when the line arrived, ms after the guest started.
 */
export function foldConsoleLine(state: LabConsoleState, l: LabLine, atMs: number): LabConsoleEffect[] {
  switch (l.kind) {
    case "hello":
      state.bootMs = atMs;
      state.kernel = l.kernel;
      return [];
    case "topo":
      state.topo.push(l);
      state.topology = guestTopology(state.topo, state.nodes, state.pci);
      return state.topo.length === state.nodes ? [{ type: "booted", topology: state.topology }] : [];
    case "pci":
      if (state.pci.length < 256)
        state.pci.push({ address: l.address, classCode: l.classCode, vendor: l.vendor, device: l.device, numaNode: l.node >= 0 ? l.node : -1, className: pciClassName(l.classCode) });
      return [];
    case "free":
      state.freeBefore[String(l.node)] = l.kb;
      return [];
    case "begin": {
      const index = state.done.length;
      state.current = { index, samples: [], allowed: new Map(), freeBeforeKb: state.freeBefore, freeAtPreallocKb: {} };
      state.freeBefore = {};
      return [{ type: "begin", index, label: l.label }];
    }
    case "allowed":
      state.current?.allowed.set(l.tid, l.cpus);
      return [];
    case "sample": {
      const job = state.current;
      if (!job) return [];
      const node = state.topology.cpus.find((c) => c.id === l.cpu)?.node ?? -1;
      const sample: Sample = { t: l.t, tid: l.tid, name: l.name, cpu: l.cpu, node, state: l.state, ranUs: l.ranUs };
      job.samples.push(sample);
      return [{ type: "sample", index: job.index, sample }];
    }
    case "greeting":
      if (!state.current) return [];
      state.current.preallocMs = l.t;
      return [{ type: "prealloc-done", index: state.current.index, ms: l.t }];
    case "mem":
      if (state.current) state.current.freeAtPreallocKb[String(l.node)] = l.kb;
      return [];
    case "exit": {
      if (!state.current) return [];
      const job: FinishedLabJob = { ...state.current, exitMs: l.t, code: l.code };
      state.done.push(job);
      state.current = undefined;
      return [{ type: "job-done", job }];
    }
    case "pin-error":
    case "pin-status":
    case "pinned": {
      const job = state.current;
      if (!job) return [];
      const p = (job.pins ??= { threads: [], errors: [] });
      if (l.kind === "pin-error") p.errors.push(l.text);
      else if (l.kind === "pin-status") p.status = l.status;
      else if (p.threads.length < 10_000) p.threads.push({ tid: l.tid, main: l.main, allowed: l.allowed, name: l.name });
      return [];
    }
    case "error":
      state.errors.push(l.text);
      return [];
    case "alldone":
      state.allDone = true;
      return [{ type: "alldone" }];
  }
}

/** A whole console transcript folded (tests, replays): non-protocol lines are skipped. */
export function foldTranscript(text: string, nodes: LabNodes): { state: LabConsoleState; effects: LabConsoleEffect[] } {
  const state = initialConsoleState(nodes);
  const effects: LabConsoleEffect[] = [];
  for (const raw of text.split("\n")) {
    const line = parseLabLine(raw.replace(/\r$/, ""));
    if (line) effects.push(...foldConsoleLine(state, line, 0));
  }
  return { state, effects };
}
