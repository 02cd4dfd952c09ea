// The lab's KVM probe for real: chooseAccel boots the lab kernel under -accel kvm -cpu host
// with this host's QEMU. On this machine (nested KVM, QEMU 7.2) QEMU fails with "failed to set
// MSR 0x10a" and glibc's assertion, and the lab falls back to TCG; the boot line said
// "… kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' faile); …". Now the reason is one
// clean line and QEMU's words travel beside it (the boot line's tooltip). Where KVM boots the lab,
// the test checks that instead; without /dev/kvm there is nothing to probe.

import { afterAll, describe, expect, it } from "vitest";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureLabAssets } from "./assets";
import { chooseAccel } from "./boot";

const kvm = (() => {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

const cache = mkdtempSync(join(tmpdir(), "numadesk-kvm-probe-"));
const saved = process.env.XDG_CACHE_HOME;
afterAll(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
  rmSync(cache, { recursive: true, force: true });
});

describe("the lab's KVM probe", () => {
  it.skipIf(!kvm)(
    "says in one clean line why KVM did not boot the lab (QEMU's error, whole words), QEMU's words whole beside it; the second ask is the cached answer",
    { timeout: 300_000 },
    async () => {
      // the kernel, busybox and initramfs from the usual cache (the first lab run makes them), the probe's answer in a fresh one
      const assets = await ensureLabAssets();
      process.env.XDG_CACHE_HOME = cache;
      const said: string[] = [];
      const r = await chooseAccel(assets, "auto", (s) => said.push(s));
      expect(said).toEqual(["probing KVM with a short boot"]);
      if (r.accel === "kvm") {
        expect(r.why).toMatch(/^KVM booted the lab kernel in \d+\.\d s$/);
        return;
      }
      expect(r.why).toMatch(/^KVM did not boot the lab kernel: .+ \(usual under nested or software KVM\)$/);
      expect(r.why).not.toMatch(/\n|Assertion|\.\.\/|faile\)/);
      // this machine's QEMU says which MSR; a word is never cut
      if (r.detail?.includes("failed to set MSR")) expect(r.why).toMatch(/: QEMU could not set MSR 0x[0-9a-f]+ to 0x[0-9a-f]+ \(/);
      expect(r.detail).toMatch(/qemu-system-x86_64: /);
      const again = await chooseAccel(assets, "auto", (s) => said.push(s));
      expect(again).toEqual({ ...r, why: `${r.why} (probed before)` });
      expect(said).toHaveLength(1);
    },
  );
});
