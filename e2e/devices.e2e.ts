// Host devices in the app, in real Chromium against the real backend, on the sample with an
// Intel I350 NIC and NVIDIA GPUs on node 1: attach the NIC on node 1's card with real mouse
// events and see -device vfio-pci in the command line and <hostdev> in the libvirt export;
// give it to a guest node bound elsewhere and see NUMA042; click its fix and see it gone.
// The right-click menu and the keyboard attach too, the list under the canvas detaches.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { chooseTarget, planInBar, pictureProblems, startHarness, ROOT, SHOTS, type Harness } from "./harness";
import { setAppRoot } from "../electron/files/resources";

let h: Harness;
beforeAll(async () => {
  // this checkout's samples (a worktree's node_modules link would find another checkout's)
  setAppRoot(ROOT);
  h = await startHarness();
  await h.page.locator("svg.host-svg").waitFor();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const NIC = "0000:81:00.0";
const row = (addr: string) => h.page.locator(`svg.host-svg .pci-row[data-device="${addr}"]`);
const cmdline = () => h.page.locator('[data-testid="cmdline"]').textContent();
const codes = () => h.page.locator('[data-testid="diagnostics"] li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.code));

async function clickCenter(sel: ReturnType<typeof row>, button: "left" | "right" = "left") {
  await sel.scrollIntoViewIfNeeded();
  const b = (await sel.boundingBox())!;
  await h.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await h.page.mouse.down({ button });
  await h.page.mouse.up({ button });
}

describe("passing a host device through, in the app", () => {
  it("attach the NIC on node 1's card with the mouse: the command line and the libvirt export carry it", async () => {
    await h.page.setViewportSize({ width: 1280, height: 800 });
    await chooseTarget(h.page, "sample:xeon-2node-gpu-nic", `svg.host-svg [data-node="1"] .pci-row[data-device="${NIC}"]`);
    await planInBar(h.page, { mem: "4G", vcpus: 8, threads: 4 });
    await expect.poll(cmdline).toContain("ram-node1");
    // the NIC is drawn on node 1's card, not node 0's
    expect(await h.page.locator(`svg.host-svg [data-node="1"] .pci-row[data-device="${NIC}"]`).count()).toBe(1);
    expect(await h.page.locator(`svg.host-svg [data-node="0"] .pci-row[data-device="${NIC}"]`).count()).toBe(0);
    await clickCenter(row(NIC).locator(".pci-attach"));
    await expect.poll(cmdline).toContain(`-device vfio-pci,host=${NIC},id=hostdev0`);
    // it went to guest node 1, whose memory is on host node 1: no NUMA042
    expect(await row(NIC).getAttribute("data-guest")).toBe("1");
    expect(await codes()).not.toContain("NUMA042");
    await h.page.selectOption('select[aria-label="export format"]', "libvirt");
    await expect.poll(cmdline).toContain("<address domain='0x0000' bus='0x81' slot='0x00' function='0x0'/>");
    await h.page.selectOption('select[aria-label="export format"]', "qemu");
    await h.page.screenshot({ path: join(SHOTS, "devices-attached-1280x800.png") });
    expect((await pictureProblems(h.page)).overflow).toBeLessThanOrEqual(0);
  });

  it("given to guest node 0 (memory on host node 0) it gets NUMA042; its fix moves guest node 0 to host node 1 and the warning is gone", async () => {
    await h.page.selectOption(`.attached-devices li[data-device="${NIC}"] select`, "0");
    await expect.poll(codes).toContain("NUMA042");
    const fix = h.page.locator('[data-testid="diagnostics"] li[data-code="NUMA042"] .fix-button');
    expect(await fix.textContent()).toBe("move guest node 0's memory and vCPUs to host node 1, the device's");
    await clickCenter(fix);
    await expect.poll(codes).not.toContain("NUMA042");
    const line = (await cmdline())!;
    expect(line).toMatch(/id=ram-node0,size=2G,host-nodes=1,policy=bind/);
    // undo brings the warning back, one step
    await h.page.keyboard.press("Control+z");
    await expect.poll(codes).toContain("NUMA042");
    await h.page.keyboard.press("Control+Shift+Z");
    await expect.poll(codes).not.toContain("NUMA042");
  });

  it("a right-click menu attaches a GPU to a chosen guest node; Enter on a focused row attaches another; the list detaches", async () => {
    await clickCenter(row("0000:83:00.0"), "right");
    const menu = h.page.locator(".canvas-menu");
    await menu.waitFor();
    await clickCenter(menu.locator('button:has-text("attach to guest node 1")'));
    await expect.poll(cmdline).toContain("-device vfio-pci,host=0000:83:00.0,id=hostdev1");
    await row("0000:84:00.0").focus();
    await h.page.keyboard.press("Enter");
    await expect.poll(cmdline).toContain("-device vfio-pci,host=0000:84:00.0,id=hostdev2");
    expect(await h.page.locator(".attached-devices li").count()).toBe(3);
    await clickCenter(h.page.locator('.attached-devices li[data-device="0000:83:00.0"] button.detach'));
    await expect.poll(cmdline).not.toContain("0000:83:00.0");
    expect(await h.page.locator(".attached-devices li").count()).toBe(2);
    await h.page.screenshot({ path: join(SHOTS, "devices-list-1280x800.png"), fullPage: true });
  });
});
