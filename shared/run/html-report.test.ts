import { describe, expect, it } from "vitest";
import { runReportHtml } from "./html-report";
import { placementPlotSvg } from "./placement-svg";
import { comparisonEvidence, runEvidence } from "./evidence";
import { packSamples, summarizeRun } from "./summarize";
import { labTopology } from "../lab/topology";
import { recordTopology } from "./world";
import { RUN_RECORD_VERSION, type RunRecord, type Sample } from "./types";
import { LAYOUT_VERSION, type Layout } from "../layout/schema";

// A 2-node lab run as the lab writes it: one backend bound to node 1, two touch_pages threads;
// `spread` puts some of their samples on node 0's CPUs.
function labRun(id: string, withContext: boolean, spread: boolean, preallocMs: number): RunRecord {
  const layout: Layout = {
    version: LAYOUT_VERSION,
    memory: { size: "256M" },
    smp: { cpus: 2 },
    nodes: [{ nodeid: 0, cpus: "0-1", memdev: "ram0" }],
    distances: [],
    threadContexts: withContext ? [{ id: "tc1", nodeAffinity: "1" }] : [],
    backends: [{ id: "ram0", type: "memfd", size: "256M", hostNodes: "1", policy: "bind", prealloc: true, preallocThreads: 2, ...(withContext ? { preallocContext: "tc1" } : {}) }],
    args: [],
  };
  const topology = labTopology(2);
  const samples: Sample[] = [];
  for (let k = 0; k < 40; k++) {
    for (const tid of [101, 102]) {
      const cpu = spread && k % 2 === 0 ? (tid === 101 ? 0 : 1) : tid === 101 ? 2 : 3;
      samples.push({ t: 10 + k * 5, tid, name: "touch_pages", cpu, node: cpu < 2 ? 0 : 1, state: "R", ranUs: 4000 });
    }
  }
  const { threads, backends } = summarizeRun({ layout, backendOrder: ["ram0"], samples, hostOnlineCpus: 4 });
  for (const t of threads) t.allowedCpus = withContext ? [2, 3] : [0, 1, 2, 3];
  return {
    version: RUN_RECORD_VERSION,
    id,
    kind: "lab",
    label: withContext ? "with thread-context (node 1)" : "without thread-context (node 1)",
    startedAt: "2026-11-25T20:00:00.000Z",
    layout,
    argv: ["/usr/bin/qemu-system-x86_64", "-object", "memory-backend-memfd,id=ram0,size=256M,host-nodes=1,policy=bind,prealloc=on"],
    dropped: [],
    qemu: { binary: "/usr/bin/qemu-system-x86_64", version: "7.2.22" },
    host: { name: topology.name, fingerprint: "f00d", nodes: 2, cpus: 4 },
    topology: recordTopology(topology),
    outcome: "ok",
    timings: { preallocMs, totalMs: preallocMs + 50 },
    memory: { preallocBytes: 256 * 2 ** 20 },
    sampler: { rateHz: 200, ticks: 40, missedTicks: 0, cpuPercent: 0 },
    lab: { nodes: 2, accel: "tcg", accelWhy: "TCG was asked for", kernel: "6.1", bootMs: 3000, freeBeforeKb: { "0": 400_000, "1": 480_000 }, freeAtPreallocKb: { "0": 398_000, "1": 217_856 } },
    threads,
    backends,
    samples: packSamples(samples),
  };
}

describe("the placement plot", () => {
  it("draws one mark per touch_pages sample on the run's own CPUs, off-node marks outlined", () => {
    const svg = placementPlotSvg(labRun("a", false, true, 300));
    expect(svg.match(/class="mark( off)?"/g)).toHaveLength(80);
    expect(svg.match(/class="mark off"/g)).toHaveLength(40);
    expect(svg).toContain('data-off-node="40"');
    for (const cpu of [0, 1, 2, 3]) expect(svg).toContain(`>CPU ${cpu}</text>`);
    expect(svg).toContain(">node 0</text>");
    expect(svg).toContain(">node 1</text>");
    // a mark on CPU 2 sits in node 1's band, below node 0's two rows
    const y2 = Number(/<rect class="mark" x="[\d.]+" y="([\d.]+)"[^>]*><title>touch_pages 101 \(ram0\) · CPU 2/.exec(svg)![1]);
    const y0 = Number(/<rect class="mark off" x="[\d.]+" y="([\d.]+)"[^>]*><title>touch_pages 101 \(ram0\) · CPU 0/.exec(svg)![1]);
    expect(y2).toBeGreaterThan(y0);
  });

  it("a shared time scale puts the same sample further left in the longer plot", () => {
    const r = labRun("a", true, false, 300);
    const xOf = (svg: string) => Number(/<rect class="mark" x="([\d.]+)"/.exec(svg)![1]);
    expect(xOf(placementPlotSvg(r, { endMs: 2000 }))).toBeLessThan(xOf(placementPlotSvg(r, { endMs: 300 })));
  });

  it("a record without its topology (version 1) is drawn on the CPUs its samples name", () => {
    const r = labRun("old", true, true, 300);
    delete r.topology;
    r.migratedFrom = 1;
    const svg = placementPlotSvg(r);
    expect(svg.match(/class="mark( off)?"/g)).toHaveLength(80);
    expect(svg).toContain(">CPU 3</text>");
  });
});

describe("evidence as sentences", () => {
  it("says on-node share, allowed CPUs, the free-memory drop and the time ratio", () => {
    const without = labRun("a", false, true, 600);
    const withTc = labRun("b", true, false, 300);
    expect(runEvidence(without)).toEqual([
      "ram0 (memory on node 1): 50 % of its 2 touch_pages threads' 80 samples were on node 1; 40 were off-node.",
      "2 of ram0's touch_pages threads were allowed on CPUs 0-3 (nodes 0, 1): not confined to its memory's node 1.",
      "While preallocating, node 1's free memory fell by 256 MiB; node 0's by 1.95 MiB (the lab guest's own count).",
    ]);
    expect(runEvidence(withTc)[1]).toBe("2 of ram0's touch_pages threads were allowed on CPUs 2-3 (node 1): confined to its memory's node 1.");
    expect(comparisonEvidence([without, withTc])).toEqual(['"with thread-context (node 1)" preallocated in 0.30 s: 2.00× faster than "without thread-context (node 1)" (0.60 s).']);
  });
});

describe("the HTML report", () => {
  it("keeps hostile text from a record as text: no tag, no attribute, no script can come out of it", () => {
    const r = labRun("a", false, true, 600);
    r.label = `</script><script>alert(1)</script>"><img src=x onerror=alert(2)>`;
    r.host.name = `'><svg onload=alert(3)>`;
    r.qemu.version = "7.2</title><img src=y>";
    r.error = "<b>bold</b> & \u001b[31mred";
    r.argv.push(`"><img onerror=alert(4)>`);
    const html = runReportHtml([r, labRun("b", true, false, 300)], { generatedAt: "2026-11-25T21:00:00Z" });
    expect(html).not.toMatch(/<img|<script|<svg onload|<b>/i);
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain("&#39;&gt;&lt;svg onload=alert(3)&gt;");
    expect(html).toContain("\\x1b[31mred");
    // the only elements are the report's own
    const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(
      [
        "body",
        "dd",
        "details",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "g",
        "h1",
        "h2",
        "h3",
        "head",
        "header",
        "html",
        "li",
        "line",
        "meta",
        "p",
        "pre",
        "rect",
        "section",
        "span",
        "style",
        "summary",
        "svg",
        "table",
        "td",
        "text",
        "th",
        "title",
        "tr",
        "ul",
      ].sort(),
    );
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it("holds both runs' plots, evidence, command lines and layouts", () => {
    const html = runReportHtml([labRun("a", false, true, 600), labRun("b", true, false, 300)], { generatedAt: "now" });
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain("<h2>1. without thread-context (node 1)</h2>");
    expect(html).toContain("<h2>2. with thread-context (node 1)</h2>");
    expect(html).toContain("2.00× faster than");
    expect(html).toContain("memory-backend-memfd,id=ram0,size=256M,host-nodes=1,policy=bind,prealloc=on");
    expect(html).toContain("&quot;preallocContext&quot;: &quot;tc1&quot;");
    expect(html).toContain("not measured inside the lab");
  });
});
