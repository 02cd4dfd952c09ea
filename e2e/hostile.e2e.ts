// The app in real Chromium against hostile input: command lines pasted into import, layout
// files opened, absurd values typed into every field, the canvas keyboard-spammed. The page
// must never go blank (a React render error unmounts everything) and never hang (no frame
// longer than a second). The worst frame is printed, to compare across changes.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planInBar, startPlannedSeed, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startPlannedSeed({ mem: "16G", vcpus: 8, threads: 4 });
  // long animation frames (Chromium ≥ 123), else long tasks: both report work that blocked a frame
  await h.page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    const type = PerformanceObserver.supportedEntryTypes.includes("long-animation-frame") ? "long-animation-frame" : "longtask";
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type, buffered: false });
  });
}, 90_000);
afterAll(async () => {
  await h?.close();
});

async function alive(what: string) {
  const state = await h.page.evaluate(() => ({ children: document.getElementById("root")?.childElementCount ?? 0, text: document.body.innerText.length }));
  expect(state.children, `the page went blank after ${what}`).toBeGreaterThan(0);
  expect(state.text, `the page went blank after ${what}`).toBeGreaterThan(100);
}

async function worstFrame(): Promise<number> {
  return h.page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    const worst = Math.max(0, ...w.__long);
    w.__long = [];
    return worst;
  });
}

const HOSTILE_LINES: [string, string][] = [
  ["10^5 words", "qemu-system-x86_64 -m 512M" + " -S".repeat(100_000)],
  ["30 000 backends (refused)", "qemu-system-x86_64 -m 512M " + Array.from({ length: 30_000 }, (_, i) => `-object memory-backend-ram,id=m${i},size=1M`).join(" ")],
  ["unbalanced quote", "qemu-system-x86_64 -m 512M -name 'abc"],
  ["giant id list", "qemu-system-x86_64 -m 512M -smp 2 -numa node,nodeid=0,cpus=0-4294967295"],
  ["giant host-nodes", "qemu-system-x86_64 -m 512M -object memory-backend-ram,id=m0,size=512M,host-nodes=0-99999999,policy=bind -numa node,memdev=m0"],
  ["huge size", "qemu-system-x86_64 -m 9999999999999T"],
  ["1e309 and NaN", "qemu-system-x86_64 -m 1e309 -smp NaN"],
  ["prealloc-threads=999999", "qemu-system-x86_64 -m 512M -smp 2 -object memory-backend-ram,id=m0,size=512M,prealloc=on,prealloc-threads=999999 -numa node,memdev=m0"],
  ["-readconfig", "qemu-system-x86_64 -readconfig /etc/passwd -m 512M"],
  ["NUL, RTL and escapes", "qemu-system-x86_64 -m 512M -name \u202eevil\u001b]0;x\u0007 -object memory-backend-ram,id=m\u00000,size=512M"],
  ["CRLF", "qemu-system-x86_64 -m 512M \\\r\n -smp 2\r\n"],
  ["JSON -object with __proto__", `qemu-system-x86_64 -m 512M -object '{"qom-type":"memory-backend-ram","id":"m0","size":536870912,"__proto__":{"x":1}}' -numa node,memdev=m0`],
  ["deep JSON", "[".repeat(100_000)],
  [
    "libvirt log line",
    "2026-11-26 08:00:00.000+0000: starting up libvirt version: 9.0.0\nLC_ALL=C /usr/bin/qemu-system-x86_64 -name guest=vm,debug-threads=on -m 1024 -smp 2,sockets=2,cores=1,threads=1",
  ],
  ["-smp of 2^32", "qemu-system-x86_64 -m 512M -smp 4294967296,sockets=99999999999,cores=0"],
  // last: it is read, and the test then edits the layout it made
  ["5 000 words (read)", "qemu-system-x86_64 -m 512M" + " -S".repeat(5_000)],
];

describe("hostile input in the app", () => {
  it("every hostile command line pasted into import leaves a live page and no frame over a second", async () => {
    const worst: string[] = [];
    const slow: number[] = [];
    for (const [what, line] of HOSTILE_LINES) {
      const area = h.page.locator('textarea[aria-label="command line to import"]');
      if (!(await area.isVisible())) await h.page.click("text=import…");
      await area.fill(line);
      // the frames Chromium takes to lay out a megabyte of pasted text in the textarea are the
      // browser's, not the app's (at load 13 they reached 4.6 s): what counts starts at import
      await h.page.waitForTimeout(100);
      await worstFrame();
      await h.page.click('form.paste button[type="submit"]');
      await h.page.waitForTimeout(100);
      await alive(`pasting ${what}`);
      const frame = await worstFrame();
      worst.push(`${what}: ${Math.round(frame)} ms`);
      slow.push(frame);
    }
    expect(await h.page.locator('[data-testid="cmdline"]').innerText()).toMatch(/(-S\s+\\?\s*){3}/);
    // an edit of the layout of 5 000 options
    await h.page.locator('input[aria-label="guest memory size (-m)"]').fill("1G");
    await h.page.locator('input[aria-label="guest memory size (-m)"]').press("Enter");
    await h.page.waitForTimeout(500);
    const edit = await worstFrame();
    worst.push(`-m edited with 5 000 options: ${Math.round(edit)} ms`);
    console.log(`import, worst frame per input: ${worst.join("; ")}`);
    expect(Math.max(edit, ...slow), worst.join("; ")).toBeLessThan(1000);
    await planInBar(h.page, { mem: "16G", vcpus: 8, threads: 4 });
  }, 300_000);

  const base = {
    version: 2,
    title: "t",
    memory: { size: "512M" },
    smp: { cpus: 2 },
    nodes: [{ nodeid: 0, cpus: "0-1", memdev: "m0" }],
    distances: [],
    threadContexts: [],
    backends: [{ id: "m0", type: "ram", size: "512M" }],
    args: [],
  };
  const HOSTILE_FILES: [string, string][] = [
    ["100 000 options", JSON.stringify({ ...base, args: Array.from({ length: 100_000 }, () => ({ tokens: ["-S"] })) })],
    ["deep nesting", "[".repeat(100_000) + "]".repeat(100_000)],
    ["__proto__ keys", JSON.stringify(base).slice(0, -1) + ',"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'],
    ["1e309", JSON.stringify(base).replace('"cpus":2', '"cpus":1e309')],
    ["escapes and RTL in the title", JSON.stringify({ ...base, title: "\u202eevil\u001b]0;x\u0007" })],
    ["binary garbage", String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 151 + 7) % 256))],
    ["a 10 MB title", JSON.stringify({ ...base, title: "A".repeat(10_000_000) })],
  ];

  it("every hostile layout file opened leaves a live page, and a refused one keeps the layout", async () => {
    const worst: string[] = [];
    for (const [what, text] of HOSTILE_FILES) {
      const before = await h.page.locator('[data-testid="cmdline"]').innerText();
      await h.page.setInputFiles('input[aria-label="layout file to open"]', { name: "hostile.numadesk.json", mimeType: "application/json", buffer: Buffer.from(text) });
      await h.page.waitForTimeout(300);
      await alive(`opening ${what}`);
      const frame = await worstFrame();
      worst.push(`${what}: ${Math.round(frame)} ms`);
      const polluted = await h.page.evaluate(() => ({}) as Record<string, unknown>);
      expect(polluted.polluted).toBeUndefined();
      const after = await h.page.locator('[data-testid="cmdline"]').innerText();
      if (what !== "escapes and RTL in the title") expect(after, `opening ${what}`).toBe(before);
    }
    console.log(`open, worst frame per file: ${worst.join("; ")}`);
    expect(worst.filter((w) => Number(/(\d+) ms$/.exec(w)![1]) >= 1000)).toEqual([]);
  }, 300_000);

  it("absurd values typed into every field leave a live page and no frame over a second", async () => {
    const VALUES = ["9999999999999T", "-0", "NaN", "1e309", "0-4294967295", "0-99999999", "\u202e\u0000x", "9".repeat(400), "2147483648"];
    const fields = h.page.locator("input:visible:not([type=file]):not([type=checkbox]):not([type=radio]):not([type=range])");
    const count = await fields.count();
    expect(count).toBeGreaterThan(5);
    const worst: string[] = [];
    for (let i = 0; i < count; i++) {
      const field = fields.nth(i);
      if (!(await field.isVisible()) || !(await field.isEditable())) continue;
      const label = (await field.getAttribute("aria-label")) ?? `field ${i}`;
      let max = 0;
      for (const v of VALUES) {
        await field.fill(v).catch(() => undefined);
        await field.press("Enter").catch(() => undefined);
        await alive(`typing ${JSON.stringify(v)} into ${label}`);
        max = Math.max(max, await worstFrame());
      }
      worst.push(`${label}: ${Math.round(max)} ms`);
      await h.page.keyboard.press("Escape");
    }
    console.log(`fields, worst frame per field: ${worst.join("; ")}`);
    expect(worst.filter((w) => Number(/(\d+) ms$/.exec(w)![1]) >= 1000)).toEqual([]);
  }, 600_000);

  it("keyboard spam on the canvas leaves a live page and no frame over a second", async () => {
    await h.page.locator("svg.host-svg").click({ position: { x: 5, y: 5 } });
    const keys = [
      "Tab",
      "Enter",
      "ArrowLeft",
      "ArrowRight",
      "ArrowUp",
      "ArrowDown",
      "Delete",
      "Backspace",
      "Escape",
      " ",
      "1",
      "2",
      "0",
      "9",
      "+",
      "-",
      "z",
      "Shift+Tab",
      "Control+z",
      "Control+Shift+z",
      "Control+a",
      "Home",
      "End",
      "PageDown",
    ];
    let seed = 7;
    for (let i = 0; i < 600; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      await h.page.keyboard.press(keys[seed % keys.length]!);
      if (i % 100 === 99) await alive(`${i + 1} key presses on the canvas`);
    }
    await alive("600 key presses on the canvas");
    const frame = await worstFrame();
    console.log(`keyboard spam, worst frame: ${Math.round(frame)} ms`);
    expect(frame).toBeLessThan(1000);
  }, 300_000);

  it("a full localStorage (another app on this origin, or a huge recovery copy) does not turn the recovery copy into a page error", async () => {
    const errors: string[] = [];
    const onError = (e: Error) => errors.push(e.message);
    h.page.on("pageerror", onError);
    // fill the origin's storage to its quota (Chromium: about 5 MB of UTF-16)
    await h.page.evaluate(() => {
      let chunk = "x".repeat(1 << 20);
      for (let i = 0; chunk.length > 0; i++) {
        try {
          localStorage.setItem(`filler-${i}`, chunk);
        } catch {
          chunk = chunk.slice(0, chunk.length >> 1);
        }
      }
    });
    const m = h.page.locator('input[aria-label="guest memory size (-m)"]');
    await m.fill("2G");
    await m.press("Enter");
    await h.page.waitForTimeout(800);
    h.page.off("pageerror", onError);
    await h.page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith("filler-"))
        .forEach((k) => localStorage.removeItem(k)),
    );
    expect(errors).toEqual([]);
    await alive("an edit with a full localStorage");
    expect(await h.page.locator('[data-testid="cmdline"]').innerText()).toContain("-m 2G");
  });
});
