// What a demanding user met designing real layouts on the canvas with the mouse and keyboard
// (page.mouse and page.keyboard: real events, no store calls), each fixed and kept fixed here:
// Ctrl-Z after a canvas drag while a size field still had the focus, guest boxes whose links to
// their host nodes crossed, Space on a guest box just tabbed to, and the unassigned vCPUs said to
// be "in no node" where QEMU 7.2 puts them on guest node 0 (run here on the exported line), and
// pins drawn on the canvas that the exported QEMU line leaves out without a word.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { drag, centre, chooseTarget, planInBar, startHarness, SHOTS, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.page.on("dialog", (d) => void d.accept());
  await h.page.setViewportSize({ width: 1280, height: 800 });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const cmdline = () => h.page.locator('[data-testid="cmdline"]').innerText();
const hostCard = (n: number) => h.page.locator(`[data-node="${n}"] .card-bg`);
const box = (i: number) => h.page.locator(`[data-guest-box="${i}"]`);

/** A new layout on the EPYC sample with `vcpus` vCPUs and one guest node dragged onto each of `hostNodes`. */
async function epycWithGuestNodes(hostNodes: number[], vcpus: number) {
  const page = h.page;
  await chooseTarget(page, "sample:epyc-7451-8node", '[data-node="7"]');
  await page.click("text=new");
  await page.fill('input[aria-label="-smp cpus"]', String(vcpus));
  await page.keyboard.press("Enter");
  for (const [i, n] of hostNodes.entries()) {
    await drag(page, await centre(page.locator("[data-guest-new]")), await centre(hostCard(n)));
    await expect.poll(() => box(i).count()).toBe(1);
  }
}

describe("designing on the canvas, as a demanding user", () => {
  it("Ctrl-Z after a drag undoes the drag even while the size field typed in before still has the focus (it brought the field's old text back and applied it on blur)", async () => {
    const page = h.page;
    await epycWithGuestNodes([0], 16);
    const size = page.locator('input[aria-label="size of ram-node0"]');
    await size.fill("32G");
    await page.keyboard.press("Enter");
    await expect.poll(cmdline).toContain("id=ram-node0,size=32G,host-nodes=0,policy=bind");
    // the guest node's title dragged onto host node 3: pointer events leave the focus where it was
    await drag(page, await centre(page.locator('[data-guest-head="0"]')), await centre(hostCard(3)));
    await expect.poll(cmdline).toContain("id=ram-node0,size=32G,host-nodes=3,policy=bind");
    expect(await size.evaluate((e) => e === document.activeElement)).toBe(true);
    await page.keyboard.press("Control+z");
    await expect.poll(cmdline).toContain("id=ram-node0,size=32G,host-nodes=0,policy=bind");
    expect(await size.inputValue()).toBe("32G");
    // leaving the field applies nothing old
    await page.locator("h2", { hasText: "Guest layout" }).click();
    await page.waitForTimeout(200);
    expect(await cmdline()).toContain("-m 32G");
    expect(await cmdline()).toContain("id=ram-node0,size=32G,host-nodes=0,policy=bind");
    // a field being typed in keeps the browser's own undo of its text, and the layout stays
    await size.fill("8G");
    await page.keyboard.press("Control+z");
    expect(await size.inputValue()).toBe("32G");
    expect(await cmdline()).toContain("id=ram-node0,size=32G,host-nodes=0,policy=bind");
    // Ctrl-Shift-Z redoes the move from the same field
    await page.keyboard.press("Control+Shift+z");
    await expect.poll(cmdline).toContain("id=ram-node0,size=32G,host-nodes=3,policy=bind");
  });

  it("guest nodes dropped on host nodes 0, 2, 4 and 6 of the EPYC sample sit left to right in the order of their host nodes' cards, so their links do not cross", async () => {
    const page = h.page;
    // 64 vCPUs, none in a node yet (the unassigned box under the guest row), as a user starts
    await epycWithGuestNodes([0, 2, 4, 6], 64);
    await page.screenshot({ path: join(SHOTS, "designer-epyc-links.png") });
    // host nodes 0 and 2 share a column of package 0, 4 and 6 one of package 1 (the fit draws each package two by two)
    const [c0, c2, c4, c6] = await Promise.all([0, 2, 4, 6].map(async (n) => (await hostCard(n).boundingBox())!));
    expect(Math.abs(c0!.x - c2!.x)).toBeLessThan(1);
    expect(c2!.x).toBeLessThan(c4!.x);
    // each link ends on its card's bottom edge: a link's x at the card against its x at the guest box
    const ends = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const g = (await box(i).boundingBox())!;
        return { guest: g.x + g.width / 2, host: [c0, c2, c4, c6][i]!.x };
      }),
    );
    // guest boxes in their guest nodes' order left to right (0, 1, 2, 3: not 0, 2, 1, 3)
    expect(ends.map((e) => e.guest)).toEqual([...ends.map((e) => e.guest)].sort((a, b) => a - b));
    // and two links cross where their guest ends and their host ends are in opposite orders
    for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) expect(ends[a]!.host <= ends[b]!.host, `guest nodes ${a} and ${b}`).toBe(ends[a]!.guest < ends[b]!.guest);
  });

  it("keyboard only: Tab to the unassigned vCPUs, Space selects the first (it did nothing and scrolled the page), Shift+arrows extend, a digit sends them", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:bm-standard2-52", '[data-node="1"]');
    await page.click("text=new");
    await page.fill('input[aria-label="-smp cpus"]', "8");
    await page.keyboard.press("Enter");
    // "+ guest node" takes a host node's number
    await page.locator("[data-guest-new]").focus();
    await page.keyboard.press("1");
    await expect.poll(() => box(0).getAttribute("data-vcpus")).toBe("");
    // Shift+Tab from the handle back to the unassigned box (the box before it in the tab order)
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-guest-box"))).toBe("-1");
    const scrolled = () => page.evaluate(() => [window.scrollY, ...Array.from(document.querySelectorAll(".panel")).map((p) => p.scrollTop)].join(","));
    const before = await scrolled();
    await page.keyboard.press("Space");
    await expect.poll(() => page.locator(".vcpu.selected").evaluateAll((es) => es.map((e) => e.getAttribute("data-vcpu")))).toEqual(["0"]);
    expect(await scrolled()).toBe(before);
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    expect(await page.locator(".vcpu.selected").count()).toBe(3);
    await page.keyboard.press("0");
    await expect.poll(() => box(0).getAttribute("data-vcpus")).toBe("0-2");
    expect(await box(-1).getAttribute("data-vcpus")).toBe("3-7");
    // Ctrl-A takes the rest, 0 sends them: the box empties and goes, and the focus goes with the vCPUs
    // to guest node 0's box (it fell to the page, and a keyboard user had to Tab from the top again)
    await page.keyboard.press("Control+a");
    await page.keyboard.press("0");
    await expect.poll(() => box(0).getAttribute("data-vcpus")).toBe("0-7");
    expect(await box(-1).count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-guest-box"))).toBe("0");
    // and the keyboard goes on from there: Space selects, Enter opens the menu
    await page.keyboard.press("Space");
    await page.keyboard.press("Enter");
    await page.locator('.canvas-menu[role="menu"]').waitFor();
    await page.keyboard.press("Escape");
  });

  it("the vCPUs no guest node names are drawn where QEMU 7.2 puts them, on guest node 0 (the box said 'in no node'); QEMU's info numa on the exported line agrees", async () => {
    const page = h.page;
    // what the box's detail line shows (its text, not the tooltip a clipped one carries)
    const unassignedDetail = () =>
      page.locator('[data-guest-box="-1"] .guest-detail').evaluate((e) =>
        Array.from(e.childNodes)
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent)
          .join(""),
      );
    await chooseTarget(page, "sample:cxl-4node", '[data-node="3"]');
    await page.click("text=new");
    await page.fill('input[aria-label="-smp cpus"]', "4");
    await page.keyboard.press("Enter");
    // no guest node yet: the VM's vCPUs are on no node
    await expect.poll(() => unassignedDetail()).toMatch(/^4 from -smp, in no/);
    // guest node 0 on host node 2, guest node 1 on memory-only node 3, no vCPU named in either
    for (const n of [2, 3]) await drag(page, await centre(page.locator("[data-guest-new]")), await centre(hostCard(n)));
    await expect.poll(() => box(1).count()).toBe(1);
    await expect.poll(() => unassignedDetail()).toBe("QEMU: guest node 0");
    expect(await box(-1).getAttribute("aria-label")).toContain("QEMU: guest node 0");
    await page.screenshot({ path: join(SHOTS, "designer-cxl-unnamed-vcpus.png") });
    // the exported argv, run by QEMU 7.2 at tiny sizes on this one-node host: sizes 128M, host-nodes left out (this host has no node 2 or 3)
    await page.selectOption('select[aria-label="export format"]', "argv");
    const argv = JSON.parse(await cmdline()) as string[];
    await page.selectOption('select[aria-label="export format"]', "qemu");
    const tiny = argv.slice(1).map((a) =>
      a
        .replace(/^\d+G$/, "256M")
        // the two guest nodes share the new layout's -m 1G: 512M each (shared/layout/memory-share.ts)
        .replace(/size=\d+[GM]/, "size=128M")
        .replace(/,host-nodes=\d+,policy=bind/, ""),
    );
    expect(tiny).toContain("-numa");
    const out = execFileSync("qemu-system-x86_64", ["-nodefaults", "-display", "none", "-accel", "tcg", "-S", "-monitor", "stdio", ...tiny], {
      input: "info numa\nquit\n",
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(out).toMatch(/node 0 cpus: 0 1 2 3\s/);
    expect(out).toMatch(/node 1 cpus:\s*\n/);
  });

  it("the pins drawn on the canvas are not on a QEMU line: the panel says so and offers the launch script, which pins every vCPU", async () => {
    const page = h.page;
    await chooseTarget(page, "sample:bm-standard2-52", '[data-node="1"]');
    await page.click("text=new");
    const note = page.locator('[data-testid="pins-left-out"]');
    expect(await note.count()).toBe(0);
    // the planner pins each guest node's vCPUs node-wide: strips on the canvas, nothing on the line
    await planInBar(page, { mem: "256G", vcpus: 104, threads: 16 });
    await expect.poll(() => page.locator('[data-guest-box="1"]').getAttribute("data-vcpus")).toBe("26-51,78-103");
    await expect.poll(() => note.count()).toBe(1);
    expect(await note.innerText()).toContain("leaves out the pins of 104 vCPUs");
    expect(await cmdline()).not.toContain("taskset");
    await page.screenshot({ path: join(SHOTS, "designer-pins-left-out.png") });
    await note.locator("button").click();
    expect(await page.locator('select[aria-label="export format"]').inputValue()).toBe("launch");
    const script = await cmdline();
    expect(script).toContain("vcpu_cpus[0]=0-25,52-77");
    expect(script).toContain("vcpu_cpus[103]=26-51,78-103");
    expect(script).toContain("taskset");
    expect(await note.count()).toBe(0);
    // the script as shown parses as bash
    execFileSync("bash", ["-n"], { input: script.replace(/\u00a0/g, " ") });
    // no pins, no note
    await page.selectOption('select[aria-label="export format"]', "qemu");
    await page.locator('input[type="radio"][value="none"]').check();
    await expect.poll(() => note.count()).toBe(0);
  });

  it("a refused pin mode's error goes with the layout it was about: 'new' clears it (it stayed over the next target's empty layout)", async () => {
    const page = h.page;
    await epycWithGuestNodes([0], 16);
    // 16 vCPUs in guest node 0 on a 12-PU host node: one PU per vCPU is refused, with its reason
    await page.locator('[data-guest-box="-1"]').focus();
    await page.keyboard.press("Control+a");
    await page.keyboard.press("0");
    await expect.poll(() => box(0).getAttribute("data-vcpus")).toBe("0-15");
    await page.locator('input[type="radio"][value="cpu"]').click();
    const alert = page.locator('.message[role="alert"]');
    await expect
      .poll(() => alert.innerText())
      .toContain("one PU per vCPU: guest node 0 has 16 vCPUs but host node 0 has 12 CPUs, so vCPUs would share PUs; give fewer vCPUs, reserve fewer CPUs, or pin node-wide");
    await chooseTarget(page, "sample:cxl-4node", '[data-node="3"]');
    await page.click("text=new");
    await expect.poll(() => alert.count()).toBe(0);
  });
});
