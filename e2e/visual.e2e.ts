// Visual quality checks that measure the rendered page in real Chromium: the top bar stays one
// row at 1280×800 (no wrap, no sideways scroll), even with the recent-layouts list; vCPU and PU
// numbers on the biggest sample are drawn at a readable size at the default zoom (or folded
// into ranges); every other piece of canvas text is 9 px or more on screen at the fit and
// inside its card; links never run through or along another card; exact pins are marked where
// they read; a guest node's drag ghost is labelled with its guest node id. What a trainer
// projects: the target dropdown shows the whole sample name, a PCI row names its device, an empty
// -m/-smp field looks empty, a host with no layout is not drawn smaller than with one, no memory
// legend is cut, and dark-mode links stand out from the canvas (measured on the pixels).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { chooseTarget, contrastRatio, planInBar, SAMPLE_PLANS, screenshotPixels, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.page.locator("svg.host-svg").waitFor();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** Every item of the top bar with its box, and whether the bar itself scrolls sideways. */
function topBar() {
  return h.page.evaluate(() => {
    const bar = document.querySelector(".topbar") as HTMLElement;
    const items = Array.from(bar.querySelectorAll("h1, label, button, select:not([aria-label='target host'])")) as HTMLElement[];
    const boxes = items
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ what: (e.getAttribute("aria-label") ?? e.textContent ?? "").trim().slice(0, 30), ...JSON.parse(JSON.stringify(e.getBoundingClientRect())) }));
    return {
      boxes,
      overflow: bar.scrollWidth - bar.clientWidth,
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      height: bar.getBoundingClientRect().height,
    };
  });
}

describe("the top bar", () => {
  it("is one row at 1280×800: every item's box shares one band, nothing scrolls sideways (also with the recent-layouts list)", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:epyc-7451-8node", '[data-node="7"]');
    for (const withRecent of [false, true]) {
      if (withRecent) {
        // a layout opened from a file puts the recent-layouts list in the bar
        await page.setInputFiles('input[aria-label="layout file to open"]', {
          name: "a-long-layout-name.numadesk.json",
          mimeType: "application/json",
          buffer: Buffer.from(await page.evaluate(() => (window as any).__numadesk.getState().layoutFileText())),
        });
        await page.locator('select[aria-label="recent layouts"]').waitFor();
      }
      const bar = await topBar();
      expect(bar.boxes.length).toBeGreaterThan(8);
      const top = Math.max(...bar.boxes.map((b) => b.top));
      const bottom = Math.min(...bar.boxes.map((b) => b.bottom));
      // one row: the lowest top is above the highest bottom (any item on a second row breaks this)
      expect(top, JSON.stringify(bar.boxes.map((b) => [b.what, Math.round(b.top)]))).toBeLessThan(bottom);
      for (const b of bar.boxes) expect(b.right, b.what).toBeLessThanOrEqual(1280);
      expect(bar.overflow).toBeLessThanOrEqual(0);
      expect(bar.pageOverflow).toBeLessThanOrEqual(0);
      expect(bar.height).toBeLessThan(60);
    }
    await page.screenshot({ path: join(SHOTS, "topbar-1280.png"), clip: { x: 0, y: 0, width: 1280, height: 80 } });
  });
});

/** The rendered font size (CSS px on screen) of every text matching `selector` in the canvas: its font size times the canvas scale. */
function renderedSizes(selector: string) {
  return h.page.locator(selector).evaluateAll((ts) =>
    ts.map((t) => {
      const el = t as SVGTextElement;
      return { text: el.textContent ?? "", px: parseFloat(getComputedStyle(el).fontSize) * (el.getScreenCTM()?.a ?? 0) };
    }),
  );
}

describe("numbers on the canvas", () => {
  // a planned layout on each sample, as the screenshot script plans it (the EPYC sample is the biggest: 8 nodes, 96 PUs)
  const PLANS = [
    ["epyc-7451-8node", { mem: "128G", vcpus: 48, threads: 16 }],
    ["bm-standard2-52", { mem: "256G", vcpus: 104, threads: 16 }],
    ["cxl-4node", { mem: "96G", vcpus: 16, threads: 8 }],
    ["hp-dl585-4socket", { mem: "32G", vcpus: 8, threads: 8 }],
  ] as const;

  it("every PU and vCPU number is drawn at 10 px or more at the default zoom on every sample at 1280×800, inside its cell", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [name, plan] of PLANS) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      await planInBar(page, plan);
      await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(plan.vcpus);
      await page.waitForTimeout(300); // the fit after the guest row grew
      const pu = await renderedSizes("svg.host-svg .pu-label");
      const vcpu = await renderedSizes("svg.host-svg .vcpu text");
      expect(pu.length, name).toBeGreaterThan(0);
      for (const x of [...pu, ...vcpu]) expect(x.px, `${name}: ${x.text}`).toBeGreaterThanOrEqual(10);
      // and the number stays in its cell: its drawn width against the cell's (PU cells 22 units, vCPU cells 26)
      const widest = await page.evaluate(() => ({
        pu: Math.max(...Array.from(document.querySelectorAll("svg.host-svg .pu-label")).map((t) => (t as SVGTextElement).getBBox().width)),
        vcpu: Math.max(...Array.from(document.querySelectorAll("svg.host-svg .vcpu text")).map((t) => (t as SVGTextElement).getBBox().width)),
      }));
      expect(widest.pu, name).toBeLessThanOrEqual(22);
      expect(widest.vcpu, name).toBeLessThanOrEqual(26);
      if (name === "epyc-7451-8node") {
        await page.screenshot({ path: join(SHOTS, "numbers-epyc-1280.png") });
        await page.locator('[data-node="0"]').screenshot({ path: join(SHOTS, "numbers-epyc-node0.png") });
        await page.locator('[data-guest-box="0"]').screenshot({ path: join(SHOTS, "numbers-epyc-guest0.png") });
      }
    }
  });
});

/** Every piece of text on the canvas: its size on screen (font size × the canvas scale) and whether it is inside the box that holds it. */
function canvasText() {
  return h.page.evaluate(() => {
    const inside = (r: DOMRect, box: DOMRect) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    const holders: Array<[string, string]> = [
      [".node-card", ".card-bg"],
      ["[data-guest-box]", ".guest-frame"],
      [".thread-chip", ".thread-chip-bg"],
      [".guest-new", ".guest-new-box"],
      [".group", ".group-box"],
    ];
    const out: Array<{ text: string; cls: string; px: number; outside: boolean }> = [];
    for (const t of Array.from(document.querySelectorAll("svg.host-svg text, svg.host-svg tspan")) as SVGTextContentElement[]) {
      // a tspan's own text (its parent's counts the rest); empty and hidden text is not text
      const own =
        t.tagName === "tspan"
          ? (t.textContent ?? "")
          : Array.from(t.childNodes)
              .filter((n) => n.nodeType === 3)
              .map((n) => n.textContent)
              .join("");
      const r = t.getBoundingClientRect();
      if (!own.trim() || r.width === 0 || t.closest(".drag-ghost")) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 0);
      const [sel, frame] = holders.find(([h]) => t.closest(h)) ?? [];
      const box = sel ? t.closest(sel)!.querySelector(frame!)?.getBoundingClientRect() : undefined;
      const cls = `${t.closest("[class]")?.getAttribute("class")?.split(" ")[0] ?? "?"}`;
      out.push({ text: own.trim().slice(0, 40), cls, px, outside: box !== undefined && !inside(r, box) });
    }
    return out;
  });
}

/** Every guest→host link's points (canvas units), and every card's box, to see whether a link runs through or along a card that is not its own. */
function linksAndCards() {
  return h.page.evaluate(() => {
    const cards = (Array.from(document.querySelectorAll(".node-card")) as SVGGElement[]).map((g) => {
      const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform") ?? "")!;
      const bg = g.querySelector(".card-bg") as SVGRectElement;
      return { node: Number(g.dataset.node), x: Number(m[1]), y: Number(m[2]), w: bg.width.baseVal.value, h: bg.height.baseVal.value };
    });
    const links = (Array.from(document.querySelectorAll(".guest-link")) as SVGPathElement[]).map((p) => {
      const len = p.getTotalLength();
      const points = Array.from({ length: Math.ceil(len / 2) + 1 }, (_, i) => p.getPointAtLength(Math.min(len, i * 2))).map((q) => ({ x: q.x, y: q.y }));
      return { link: p.dataset.link!, points };
    });
    const guests = (Array.from(document.querySelectorAll("[data-guest-box]")) as SVGGElement[]).map((g) => {
      const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform") ?? "")!;
      const frame = g.querySelector(".guest-frame") as SVGRectElement;
      return { index: Number(g.dataset.guestBox), x: Number(m[1]), y: Number(m[2]), w: frame.width.baseVal.value, h: frame.height.baseVal.value };
    });
    return { cards, links, guests };
  });
}

describe("text on the canvas", () => {
  const SAMPLES = SAMPLE_PLANS;

  it.each([
    [1280, 800],
    [1920, 1080],
  ])("every piece of text is 9 px or more on screen at the fit zoom on every sample at %i×%i, and inside the card, guest box or chip that holds it", async (width, height) => {
    const page = h.page;
    await page.setViewportSize({ width, height });
    const smallest: string[] = [];
    for (const [name, plan] of SAMPLES) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      await planInBar(page, plan);
      await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(plan.vcpus);
      await page.waitForTimeout(300); // the fit after the guest row grew
      const texts = await canvasText();
      // the kinds of text there are: card titles and their counts, legends, chips, badges, guest titles, thread chips…
      expect(new Set(texts.map((t) => t.cls)).size, name).toBeGreaterThan(6);
      const min = texts.reduce((a, b) => (b.px < a.px ? b : a));
      smallest.push(`${name}: ${min.px.toFixed(1)} px (${min.cls} "${min.text}")`);
      for (const t of texts) expect(t.px, `${name}: ${t.cls} "${t.text}"`).toBeGreaterThanOrEqual(9);
      expect(
        texts.filter((t) => t.outside).map((t) => `${t.cls} "${t.text}"`),
        name,
      ).toEqual([]);
    }
    console.log(`smallest text at ${width}×${height}: ${smallest.join("; ")}`);
  });

  it("a guest box's detail too long for the box ends in … inside it, the whole of it in its title", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:epyc-7451-8node", `svg.host-svg[aria-label^="epyc-7451-8node:"]`);
    const r = await page.evaluate(() =>
      (window as any).__numadesk
        .getState()
        .importCommandLine(
          "qemu-system-x86_64 -m 256G -smp 4 -numa node,nodeid=0,cpus=0-3,memdev=a -object memory-backend-ram,id=a,size=256G,host-nodes=0,host-nodes=2,host-nodes=5,host-nodes=7,policy=interleave",
        ),
    );
    expect(r.ok).toBe(true);
    const detail = page.locator('[data-guest-box="0"] .guest-detail');
    await expect.poll(() => detail.locator("title").textContent()).toBe("256G → host nodes 0,2,5,7");
    expect(
      await detail.evaluate((t) =>
        Array.from(t.childNodes)
          .filter((n) => n.nodeType === 3)
          .map((n) => n.textContent)
          .join(""),
      ),
    ).toMatch(/^256G → host nodes .*…$/);
    const texts = await canvasText();
    expect(texts.filter((t) => t.outside).map((t) => `${t.cls} "${t.text}"`)).toEqual([]);
  });

  it("no guest→host link runs through or along a card other than its own (the CXL sample: not along memory-only node 3's border), nor through another guest box", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const [name, plan] of SAMPLES) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      await planInBar(page, plan);
      await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(plan.vcpus);
      const { cards, links, guests } = await linksAndCards();
      expect(links.length, name).toBeGreaterThan(0);
      for (const l of links) {
        const own = Number(l.link.split("-").pop());
        const from = Number(l.link.split("-")[0]);
        // nor through another guest box (a box in a lower row climbs out between the boxes above it)
        for (const g of guests.filter((g) => g.index !== from)) {
          const inside = l.points.filter((p) => p.x > g.x + 1 && p.x < g.x + g.w - 1 && p.y > g.y + 1 && p.y < g.y + g.h - 1);
          expect(inside.length, `${name}: link ${l.link} runs through guest box ${g.index} at ${JSON.stringify(inside[0])}`).toBe(0);
        }
        for (const c of cards.filter((c) => c.node !== own)) {
          // distance from each point to the card's box: more than 3 units (0 is inside it; under 3 is along its border)
          const near = l.points.filter((p) => Math.hypot(Math.max(c.x - p.x, 0, p.x - c.x - c.w), Math.max(c.y - p.y, 0, p.y - c.y - c.h)) <= 3);
          expect(near.length, `${name}: link ${l.link} touches node ${c.node}'s card at ${JSON.stringify(near[0])}`).toBe(0);
        }
      }
      if (name === "cxl-4node" || name === "epyc-7451-8node") await page.screenshot({ path: join(SHOTS, `links-${name}-1280.png`) });
    }
  });
});

describe("exact pins", () => {
  it("a pinned vCPU's cell is marked and says where; at the fit zoom a tag's number too small to read becomes a dot; collapsed cores show their pins as a tinted run and a count", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:epyc-7451-8node", `svg.host-svg[aria-label^="epyc-7451-8node:"]`);
    await planInBar(page, { mem: "128G", vcpus: 48, threads: 16 });
    await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(48);
    await page.evaluate(() => {
      const s = (window as any).__numadesk.getState();
      s.pinVcpus([0], { pu: 0 });
      s.pinVcpus([1], { pu: 48 });
    });
    // the vCPU cell: a corner mark and its title
    await expect.poll(() => page.locator('[data-vcpu="1"] .vcpu-pin').getAttribute("data-pinned-to")).toBe("48");
    expect(await page.locator('[data-vcpu="1"] > title').textContent()).toBe("vCPU 1 pinned to CPU 48");
    expect(await page.locator('[data-vcpu="2"] .vcpu-pin').count()).toBe(0);
    // on the host: at the EPYC's fit (~0.79) a 9.5-unit number would be 7.5 px, so the tag carries a dot (its title the number)
    const k = Number(await page.locator(".viewport").getAttribute("data-k"));
    expect(k).toBeLessThan(9 / 9.5);
    expect(await page.locator('circle.pin-mark-dot[data-pin-mark="48"] title').textContent()).toBe("vCPU 1 pinned to CPU 48");
    expect(await page.locator("text.pin-mark-label").count()).toBe(0);
    // zoomed in, the numbers come back, at 9 px or more
    await page.click('button[aria-label="zoom in"]');
    await expect.poll(() => page.locator('text.pin-mark-label[data-pin-mark="48"]').count()).toBe(1);
    const sizes = await renderedSizes("text.pin-mark-label");
    expect(sizes.map((x) => x.text).sort()).toEqual(["0", "1"]);
    for (const x of sizes) expect(x.px).toBeGreaterThanOrEqual(9);
    await page.locator('[data-node="0"]').screenshot({ path: join(SHOTS, "pins-epyc-node0-zoomed.png") });

    // collapsed cores on the seed host: three vCPUs pinned into node 0's first run
    await chooseTarget(page, "sample:bm-standard2-52", `svg.host-svg[aria-label^="bm-standard2-52:"]`);
    await planInBar(page, { mem: "256G", vcpus: 104, threads: 16 });
    await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(104);
    await page.evaluate(() => {
      const s = (window as any).__numadesk.getState();
      s.pinVcpus([0], { pu: 0 });
      s.pinVcpus([1], { pu: 1 });
      s.pinVcpus([2], { pu: 52 });
    });
    await page.getByLabel("collapse cores").check();
    const run = page.locator(".pin-run");
    await expect.poll(() => run.count()).toBe(1);
    expect(await run.getAttribute("data-vcpus")).toBe("0-2");
    expect(await run.getAttribute("data-run-pins")).toBe("0-1,52");
    expect(await run.locator("text").textContent()).toBe("3 pinned");
    expect(await run.locator("title").textContent()).toBe("vCPUs 0-2 pinned to CPUs 0-1,52 (collapsed cores)");
    // no PU cells drawn there, and no tags for them
    expect(await page.locator("[data-pin-mark]").count()).toBe(0);
    await page.locator('[data-node="0"]').screenshot({ path: join(SHOTS, "pins-collapsed-node0.png") });
    await page.getByLabel("collapse cores").uncheck();
    await expect.poll(() => page.locator('[data-pin-mark="52"]').count()).toBe(1);
  });
});

describe("the drag ghost", () => {
  it("calls a dragged guest node by its nodeid, not by its place in the list", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:bm-standard2-52", '[data-node="1"]');
    // guest nodes 5 and 3, in that order: the first in the list is guest node 5
    const r = await page.evaluate(() =>
      (window as any).__numadesk
        .getState()
        .importCommandLine(
          "qemu-system-x86_64 -m 2G -smp 4 -numa node,nodeid=5,cpus=0-1,memdev=a -numa node,nodeid=3,cpus=2-3,memdev=b -object memory-backend-ram,id=a,size=1G,host-nodes=0,policy=bind -object memory-backend-ram,id=b,size=1G,host-nodes=1,policy=bind",
        ),
    );
    expect(r.ok).toBe(true);
    const head = page.locator('[data-guest-head="0"]');
    await head.scrollIntoViewIfNeeded();
    const b = (await head.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 + 30, b.y - 40, { steps: 6 });
    const ghost = page.locator(".drag-ghost");
    await expect.poll(() => ghost.textContent()).toBe("guest node 5");
    await page.keyboard.press("Escape");
    await page.mouse.up();
    expect(await ghost.count()).toBe(0);
  });
});

describe("what a trainer projects at 1280×800", () => {
  it("the target dropdown shows every sample host's whole name, and the bar stays one row", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    // with the recent-layouts list in the bar too (a layout opened from a file), its most crowded state
    if ((await page.locator('select[aria-label="recent layouts"]').count()) === 0) {
      await page.setInputFiles('input[aria-label="layout file to open"]', {
        name: "a-long-layout-name.numadesk.json",
        mimeType: "application/json",
        buffer: Buffer.from(await page.evaluate(() => (window as any).__numadesk.getState().layoutFileText())),
      });
      await page.locator('select[aria-label="recent layouts"]').waitFor();
    }
    const names = await page.locator('select[aria-label="target host"] optgroup[label="sample hosts"] option').allTextContents();
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      // the shown name's width in the select's own font against the room inside it (its padding and the arrow's 18 px taken off)
      const m = await page.locator('select[aria-label="target host"]').evaluate((s: HTMLSelectElement) => {
        const cs = getComputedStyle(s);
        const ctx = document.createElement("canvas").getContext("2d")!;
        ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const text = s.selectedOptions[0]?.textContent ?? "";
        return { text, need: ctx.measureText(text).width, room: s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 18 };
      });
      expect(m.text).toBe(name);
      expect(m.need, `${name}: ${m.need.toFixed(0)} px of text in ${m.room.toFixed(0)} px`).toBeLessThanOrEqual(m.room);
      const bar = await topBar();
      const top = Math.max(...bar.boxes.map((b) => b.top));
      const bottom = Math.min(...bar.boxes.map((b) => b.bottom));
      expect(top, name).toBeLessThan(bottom);
      expect(bar.overflow, name).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: join(SHOTS, "topbar-xeon-1280.png"), clip: { x: 0, y: 0, width: 1280, height: 60 } });
  });

  it("the planner's inputs sit in a box of their own with its button (they are what 'plan for me' designs from, not the layout's values), and show 1024 and 1024G whole", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    const plan = page.getByRole("form", { name: "plan for me" });
    const box = await plan.evaluate((f) => {
      const cs = getComputedStyle(f);
      const r = f.getBoundingClientRect();
      const inside = Array.from(f.querySelectorAll("input, button")).every((e) => {
        const b = e.getBoundingClientRect();
        return b.left >= r.left && b.right <= r.right && b.top >= r.top && b.bottom <= r.bottom;
      });
      return { border: cs.borderTopStyle !== "none" && parseFloat(cs.borderTopWidth) > 0, inside, button: f.querySelector("button[type=submit]")?.textContent };
    });
    expect(box).toEqual({ border: true, inside: true, button: "plan for me" });
    const before = await Promise.all(["guest memory", "vCPUs", "preallocation threads"].map((l) => page.locator(`input[aria-label="${l}"]`).inputValue()));
    for (const [label, value] of [
      ["guest memory", "1024G"],
      ["vCPUs", "1024"],
      ["preallocation threads", "1024"],
    ] as const) {
      const input = page.locator(`.topbar .plan input[aria-label="${label}"]`);
      await input.fill(value);
      const fit = await input.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      expect(fit.scroll, `${label} ${value}: ${fit.scroll} px of text in ${fit.client} px`).toBeLessThanOrEqual(fit.client);
    }
    for (const [i, l] of ["guest memory", "vCPUs", "preallocation threads"].entries()) await page.locator(`input[aria-label="${l}"]`).fill(before[i]!);
  });

  it("the command line wraps between an -object's properties (after a comma, a space or a backslash), never inside a word like 'prea|lloc-context'", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:bm-standard2-52", 'svg.host-svg[aria-label^="bm-standard2-52:"]');
    await planInBar(page, { mem: "256G", vcpus: 104, threads: 16 });
    // the last character of every wrapped line on screen, found by where each character's box moves down
    const ends = await page.locator('[data-testid="cmdline"]').evaluate((pre) => {
      const out: Array<{ at: string; next: string }> = [];
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      let prev: { ch: string; top: number } | undefined;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const t = n.textContent ?? "";
        for (let i = 0; i < t.length; i++) {
          if (t[i] === "\n") {
            prev = undefined;
            continue;
          }
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          const top = r.getBoundingClientRect().top;
          if (prev && top > prev.top + 2) out.push({ at: prev.ch, next: t[i]! });
          prev = { ch: t[i]!, top };
        }
      }
      return out;
    });
    expect(ends.length, "the seed's fast line wraps at 1280").toBeGreaterThan(0);
    for (const e of ends) expect(`${e.at}|${e.next}`, "a wrapped line ends after , or a space").toMatch(/^[, \\]\|/);
    expect(await page.locator('[data-testid="cmdline"]').textContent()).toContain("prealloc-context=tc0");
  });

  it("a node card's PCI rows name each device: its short address, its kind and its model, whole enough to recognise, 9 px or more, inside the row", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:xeon-2node-gpu-nic", `svg.host-svg [data-node="1"] .pci-row[data-device="0000:81:00.0"]`);
    await planInBar(page, { mem: "16G", vcpus: 16, threads: 8 });
    await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(16);
    await page.waitForTimeout(300); // the fit after the guest row grew
    const rows = await page.locator("svg.host-svg .pci-row").evaluateAll((gs) =>
      gs.map((g) => {
        const bg = g.querySelector(".pci-row-bg")!.getBoundingClientRect();
        const texts = (Array.from(g.querySelectorAll("text")) as SVGTextElement[])
          .filter((t) => !t.closest(".pci-attach"))
          .map((t) => {
            const r = t.getBoundingClientRect();
            return {
              text: t.textContent ?? "",
              px: parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 0),
              inside: r.left >= bg.left - 1 && r.right <= bg.right + 1 && r.top >= bg.top - 1 && r.bottom <= bg.bottom + 1,
            };
          });
        return { device: (g as SVGGElement).dataset.device!, title: g.querySelector("title")?.textContent ?? "", texts };
      }),
    );
    // what a person calls each device on this sample: the model, not the chipset code name
    const models: Record<string, string> = {
      "0000:00:1f.2": "C600/X79 series",
      "0000:03:00.0": "Tesla M2075",
      "0000:04:00.0": "C602 chipset",
      "0000:05:03.0": "MGA G200eW",
      "0000:81:00.0": "I350 Gigabit",
      "0000:81:00.1": "I350 Gigabit",
      "0000:83:00.0": "Tesla M2075",
      "0000:84:00.0": "Tesla M2075",
      "0000:84:00.1": "Radeon HD 7970",
    };
    expect(rows.map((r) => r.device).sort()).toEqual(Object.keys(models).sort());
    for (const r of rows) {
      const shown = r.texts.map((t) => t.text).join(" ");
      expect(shown, r.device).toContain(r.device.replace(/^0000:/, ""));
      expect(shown, r.device).toContain(models[r.device]);
      // the whole line (vendor, class, ids) in the row's tooltip
      expect(r.title, r.device).toContain(r.device);
      for (const t of r.texts) {
        expect(t.px, `${r.device}: "${t.text}"`).toBeGreaterThanOrEqual(9);
        expect(t.inside, `${r.device}: "${t.text}" leaves its row`).toBe(true);
      }
    }
    await page.locator('[data-node="1"]').screenshot({ path: join(SHOTS, "pci-rows-xeon-node1-1280.png") });
  });

  it("an empty -m or -smp field looks empty (a muted, italic word, not a grey number), and leaving it untouched is not an error", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:cxl-4node", `svg.host-svg[aria-label^="cxl-4node:"]`);
    // a layout with no -m and no -smp: QEMU's defaults (128M, one vCPU)
    const r = await page.evaluate(() => (window as any).__numadesk.getState().importCommandLine("qemu-system-x86_64 -nodefaults"));
    expect(r.ok).toBe(true);
    const m = page.locator('input[aria-label="guest memory size (-m)"]');
    await expect.poll(() => m.inputValue()).toBe("");
    const fields = [m, ...["cpus", "sockets", "cores", "threads", "maxcpus"].map((f) => page.locator(`input[aria-label="-smp ${f}"]`))];
    for (const f of fields) {
      const look = await f.evaluate((i: HTMLInputElement) => {
        const p = getComputedStyle(i, "::placeholder");
        return { value: i.value, placeholder: i.placeholder, style: p.fontStyle, title: i.title };
      });
      expect(look.value).toBe("");
      // a word, not something that reads as a typed value
      expect(look.placeholder).toMatch(/^[a-z]+$/);
      expect(look.style).toBe("italic");
      // what QEMU does with it is said in the tooltip
      expect(look.title).toMatch(/QEMU/);
    }
    expect(await m.getAttribute("title")).toContain("128M");
    // focus and leave each empty field: no error, nothing on the command line changes
    for (const f of fields) {
      await f.focus();
      await f.press("Tab");
    }
    expect(await page.locator(".vm-row .field-error").count()).toBe(0);
    // typing still validates as it goes
    await m.fill("12Q");
    await expect.poll(() => page.locator(".vm-row .field-error").count()).toBe(1);
    await m.press("Escape");
    await m.blur();
    await page.locator(".vm-row").screenshot({ path: join(SHOTS, "empty-fields-1280.png") });
  });
});

describe("a host with no layout yet", () => {
  it("is drawn at least as large as with a planned guest under it (the '+ guest node' row is weighed when the host is arranged), on every sample at 1280×800", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    const SAMPLES = [
      ["cxl-4node", { mem: "96G", vcpus: 16, threads: 8 }],
      ["epyc-7451-8node", { mem: "128G", vcpus: 48, threads: 16 }],
      ["bm-standard2-52", { mem: "256G", vcpus: 104, threads: 16 }],
      ["hp-dl585-4socket", { mem: "32G", vcpus: 8, threads: 8 }],
      ["xeon-2node-gpu-nic", { mem: "16G", vcpus: 16, threads: 8 }],
    ] as const;
    const zoom = async () => Number(await page.locator(".viewport").getAttribute("data-k"));
    for (const [name, plan] of SAMPLES) {
      await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
      await page.evaluate(() => (window as any).__numadesk.getState().newLayout());
      await expect.poll(() => page.locator("[data-guest-box]").count()).toBe(0);
      await page.waitForTimeout(300); // the fit
      const empty = await zoom();
      if (name === "cxl-4node") await page.screenshot({ path: join(SHOTS, "empty-cxl-1280.png") });
      await planInBar(page, plan);
      await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(plan.vcpus);
      await page.waitForTimeout(300);
      const planned = await zoom();
      expect(empty, `${name}: ${Math.round(empty * 100)} % with no layout, ${Math.round(planned * 100)} % planned`).toBeGreaterThanOrEqual(planned - 0.01);
    }
  });
});

describe("memory legends", () => {
  it("no memory legend line on a sample's cards is cut short ('…') at 1280×800 or 1920×1080, with or without a layout: a huge-page pool too long for its card says its free pages, the total in its title", async () => {
    const page = h.page;
    const cut: string[] = [];
    const sizes: Array<[number, number]> = [
      [1280, 800],
      [1920, 1080],
    ];
    for (const [width, height] of sizes) {
      await page.setViewportSize({ width, height });
      for (const [name, plan] of [
        ["cxl-4node", { mem: "96G", vcpus: 16, threads: 8 }],
        ["epyc-7451-8node", { mem: "128G", vcpus: 48, threads: 16 }],
        ["hp-dl585-4socket", { mem: "32G", vcpus: 8, threads: 8 }],
        ["xeon-2node-gpu-nic", { mem: "16G", vcpus: 16, threads: 8 }],
        ["bm-standard2-52", { mem: "256G", vcpus: 104, threads: 16 }],
      ] as const) {
        await chooseTarget(page, `sample:${name}`, `svg.host-svg[aria-label^="${name}:"]`);
        await page.evaluate(() => (window as any).__numadesk.getState().newLayout());
        for (const planned of [false, true]) {
          if (planned) {
            await planInBar(page, plan);
            await expect.poll(() => page.locator("svg.host-svg .vcpu text").count()).toBe(plan.vcpus);
          }
          const legends = await page.locator("svg.host-svg .memory text.mem-legend").allTextContents();
          expect(legends.length, name).toBeGreaterThan(0);
          for (const l of legends) if (l.endsWith("…")) cut.push(`${name} ${width}×${height}${planned ? " planned" : ""}: "${l}"`);
        }
      }
    }
    expect(cut).toEqual([]);
    // the CXL sample's node 0 has a 2 MiB pool of 1024 pages: its line names the pool and its free pages
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(page, "sample:cxl-4node", `svg.host-svg[aria-label^="cxl-4node:"]`);
    const lines = await page.locator('[data-node="0"] .memory text.mem-legend').allTextContents();
    expect(lines, JSON.stringify(lines)).toContain("2 MiB pages 1000 free");
    expect(await page.locator('[data-node="0"] .memory > title').textContent()).toContain("2 MiB pages 1000/1024 free");
  });
});

describe("dark mode", () => {
  it("every guest→host link stands out from the dark canvas (contrast 3:1 or more, measured on the screenshot's pixels), the dark node colours (blue, wine) too", async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => (window as any).__numadesk.getState().setTheme("dark"));
    try {
      await chooseTarget(page, "sample:epyc-7451-8node", `svg.host-svg[aria-label^="epyc-7451-8node:"]`);
      await planInBar(page, { mem: "128G", vcpus: 48, threads: 16 });
      await expect.poll(() => page.locator(".guest-link").count()).toBe(8);
      await page.waitForTimeout(300);
      // three points along each link, in CSS px on the page
      const points = await page.locator(".guest-link").evaluateAll((ps) =>
        (ps as SVGPathElement[]).map((p) => {
          const len = p.getTotalLength();
          const m = p.getScreenCTM()!;
          return {
            link: p.dataset.link!,
            at: [0.3, 0.5, 0.7].map((f) => {
              const q = p.getPointAtLength(len * f);
              return { x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f };
            }),
          };
        }),
      );
      // the canvas's own background, 4 px inside the frame's lower left corner
      const frame = await page.locator(".canvas-frame").evaluate((f) => {
        const r = f.getBoundingClientRect();
        return { x: r.left + 4, y: r.bottom - 4 };
      });
      const pixels = await screenshotPixels(page, [frame, ...points.flatMap((p) => p.at)]);
      const bgAt = pixels[0]!;
      const contrasts = points.map((p, i) => {
        const ratios = pixels.slice(1 + i * 3, 4 + i * 3).map((px) => contrastRatio(px, bgAt));
        ratios.sort((a, b) => a - b);
        return { link: p.link, ratio: ratios[1]!, bg: bgAt };
      });
      console.log(`dark link contrast: ${contrasts.map((c) => `${c.link} ${c.ratio.toFixed(1)}`).join(", ")}`);
      for (const c of contrasts) expect(c.ratio, `link ${c.link} on ${c.bg}`).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: join(SHOTS, "links-dark-epyc-1280.png") });
    } finally {
      await page.evaluate(() => (window as any).__numadesk.getState().setTheme("light"));
    }
  });
});
