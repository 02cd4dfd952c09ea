// Booting the lab guest: the outer QEMU's command line (2 or 4 virtual NUMA nodes, the lab
// kernel and initramfs), the boot itself with its console read line by line, and the choice
// between KVM and TCG (a short probe boot, cached).

import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LAB_CPUS, type LabNodes } from "../../shared/lab/topology";
import { kvmReason } from "../../shared/lab/kvm-reason";
import { parseLabLine, type LabLine } from "../../shared/lab/protocol";
import { formatIdList } from "../../shared/cpulist/cpulist";
import { formatSize, MiB } from "../../shared/size/size";
import { labCacheDir, type LabAssets } from "./assets";
import { RunRefused } from "../qemu/launch";
import { killGroup, spawnGuarded } from "../qemu/spawn-guarded";

export type Accel = "tcg" | "kvm";

export function outerArgs(assets: LabAssets, nodes: LabNodes, bytesPerNode: number, initrd: string, accel: Accel): string[] {
  const per = LAB_CPUS / nodes;
  const args = ["-machine", "q35", "-accel", accel === "kvm" ? "kvm" : "tcg,thread=multi", "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot"];
  args.push("-m", formatSize(bytesPerNode * nodes, "M"), "-smp", String(LAB_CPUS));
  for (let n = 0; n < nodes; n++) {
    args.push("-object", `memory-backend-ram,id=lab${n},size=${formatSize(bytesPerNode)}`);
    args.push("-numa", `node,nodeid=${n},cpus=${formatIdList(Array.from({ length: per }, (_, k) => n * per + k))},memdev=lab${n}`);
  }
  // A NIC on node 1: a PCIe expander bridge with numa_node=1 (QEMU writes it into the ACPI
  // tables as the bus's proximity domain, the guest kernel reads it into the device's
  // numa_node), a root port on it, an e1000e behind that. Measured with QEMU 7.2 and the lab's
  // Debian 6.1 kernel: the guest lists 0000:81:00.0 with numa_node 1. No netdev: the NIC only
  // has to exist ("nic e1000e.0 has no peer" on stderr).
  args.push("-device", "pxb-pcie,id=pxb1,bus_nr=128,numa_node=1,bus=pcie.0", "-device", "pcie-root-port,id=rp1,bus=pxb1,chassis=1", "-device", "e1000e,bus=rp1");
  if (accel === "kvm") args.push("-cpu", "host");
  args.push("-kernel", assets.kernel, "-initrd", initrd, "-append", "console=ttyS0 panic=-1 quiet loglevel=1");
  return args;
}

/** Console lines of the last boot that were not protocol lines (kernel messages, panics). */
export const consoleTail: string[] = [];

/** Boot the guest and read its console; resolves when it powers off (or is stopped). */
export function bootGuest(
  assets: LabAssets,
  args: string[],
  onLine: (l: LabLine) => void,
  opts: { signal?: AbortSignal; timeoutMs: number },
  onPid?: (pid: number | undefined) => void,
  onRaw?: (line: string) => void,
): Promise<{ code: number | null; stderr: string; timedOut: boolean; cancelled: boolean }> {
  return new Promise((resolve) => {
    // the guest dies with us, even on SIGKILL (parent-death signal), and has its own group
    const child = spawnGuarded(assets.qemu, args, ["pipe", "pipe", "pipe"]);
    onPid?.(child.pid);
    let buffer = "";
    let stderr = "";
    consoleTail.length = 0;
    let timedOut = false;
    let cancelled = false;
    const kill = () => killGroup(child, "SIGKILL");
    const onExit = () => kill();
    process.once("exit", onExit);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      kill();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    // cancelled while the lab was still preparing: "abort" has fired already and will not again
    if (opts.signal?.aborted) onAbort();
    child.stdout!.setEncoding("latin1");
    child.stdout!.on("data", (chunk: string) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        onRaw?.(line);
        const parsed = parseLabLine(line);
        if (parsed) onLine(parsed);
        else if (line.trim()) {
          // the console's last words, for when the guest goes wrong
          consoleTail.push(line.slice(0, 200));
          if (consoleTail.length > 12) consoleTail.shift();
        }
      }
      if (buffer.length > 1 << 20) buffer = ""; // a runaway line is not ours
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (s: string) => {
      if (stderr.length < 65536) stderr += s;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      process.removeListener("exit", onExit);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve({ code, stderr, timedOut, cancelled });
    });
    child.on("error", (e) => {
      stderr += e.message;
    });
  });
}

/** KVM if a short probe boot reaches the guest's /init quickly, else TCG; the answer is cached. `why` is one line; `detail`, when KVM failed, is what QEMU printed. */
export async function chooseAccel(assets: LabAssets, wanted: "auto" | Accel | undefined, say: (s: string) => void): Promise<{ accel: Accel; why: string; detail?: string }> {
  if (wanted === "tcg") return { accel: "tcg", why: "TCG was asked for" };
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    if (wanted === "kvm") throw new RunRefused("--accel kvm, but /dev/kvm is missing or not accessible (load kvm_intel or kvm_amd, or join the kvm group)");
    return { accel: "tcg", why: "no usable /dev/kvm" };
  }
  if (wanted === "kvm") return { accel: "kvm", why: "KVM was asked for" };
  const key = createHash("sha256").update(`${assets.kernel}|${assets.initramfs}|${assets.qemu}`).digest("hex").slice(0, 12);
  // v2: the reason is one clean line and QEMU's words are kept apart (v1 kept QEMU's last line cut at 120 characters)
  const cache = join(labCacheDir(), `kvm-probe-v2-${key}.json`);
  if (existsSync(cache)) {
    const c = JSON.parse(readFileSync(cache, "utf8")) as { accel: Accel; why: string; detail?: string };
    return { accel: c.accel, why: `${c.why} (probed before)`, ...(c.detail ? { detail: c.detail } : {}) };
  }
  say("probing KVM with a short boot");
  let hello = false;
  const t0 = performance.now();
  const r = await bootGuest(
    assets,
    outerArgs(assets, 2, 512 * MiB, assets.initramfs, "kvm"),
    (l) => {
      if (l.kind === "hello") hello = true;
    },
    { timeoutMs: 20_000 },
  );
  const ms = performance.now() - t0;
  const failed = kvmReason(r.stderr, r);
  const result =
    hello && r.code === 0
      ? { accel: "kvm" as const, why: `KVM booted the lab kernel in ${(ms / 1000).toFixed(1)} s` }
      : { accel: "tcg" as const, why: `KVM did not boot the lab kernel: ${failed.short} (usual under nested or software KVM)`, detail: failed.detail };
  mkdirSync(labCacheDir(), { recursive: true });
  writeFileSync(cache, JSON.stringify(result));
  return result;
}
