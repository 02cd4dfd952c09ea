import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportLaunchScript } from "./launch-script";
import { parseCommandLine } from "../qemu/parse";

const dir = mkdtempSync(join(tmpdir(), "launch-script-"));

/** Every thread of a process: its name and the CPUs the kernel allows it. */
function threads(pid: number) {
  return readdirSync(`/proc/${pid}/task`).map((tid) => ({
    tid: Number(tid),
    name: readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim(),
    allowed: /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))![1],
  }));
}

describe("the launch script, run on this host", () => {
  it("pins every QEMU thread where the design says before the guest runs, then continues it", async () => {
    // this host: 2 CPUs, TCG, a tiny guest with 2 vCPUs and an I/O thread
    const { layout } = parseCommandLine("qemu-system-x86_64 -machine q35 -accel tcg -m 64M -smp 2 -nodefaults -display none -object iothread,id=io0");
    layout.pinning = {
      vcpus: [
        { vcpus: "0", hostCpus: "0" },
        { vcpus: "1", hostCpus: "1" },
      ],
      emulator: "1",
    };
    layout.iothreads![0]!.hostCpus = "0";
    const file = join(dir, "launch.sh");
    writeFileSync(file, exportLaunchScript(layout).script, { mode: 0o755 });

    const child = spawn(file, [], { detached: true, env: { ...process.env, QEMU: "/usr/bin/qemu-system-x86_64" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    try {
      // generous: the machine is shared and TCG is slow to start
      const pid = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no 'running' line in 60 s: ${out} ${err}`)), 60_000);
        child.stdout.on("data", () => {
          const m = /running: QEMU pid (\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        child.on("exit", (code) => reject(new Error(`the script ended (${code}): ${out} ${err}`)));
      });
      const seen = threads(pid);
      const want = (name: string) => (name === "CPU 0/TCG" ? "0" : name === "CPU 1/TCG" ? "1" : name === "IO io0" ? "0" : "1");
      expect(seen.map((t) => t.name)).toEqual(expect.arrayContaining(["CPU 0/TCG", "CPU 1/TCG", "IO io0"]));
      for (const t of seen) expect({ name: t.name, allowed: t.allowed }).toEqual({ name: t.name, allowed: want(t.name) });
      // the main thread is the emulator
      expect(seen.find((t) => t.tid === pid)!.allowed).toBe("1");

      // QEMU itself said the guest had not started (prelaunch) after the last pin, and before cont
      const lines = out.trim().split("\n");
      const status = lines.indexOf("status before cont: prelaunch");
      expect(status).toBeGreaterThan(0);
      expect(lines.slice(0, status).every((l) => l.startsWith("pinned "))).toBe(true);
      expect(lines.slice(0, status).filter((l) => l.startsWith("pinned vcpu"))).toHaveLength(2);
      expect(lines[status + 1]).toBe(`running: QEMU pid ${pid}`);
    } finally {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }, 90_000);

  it("stops with QEMU's message when QEMU refuses the layout", async () => {
    const { layout } = parseCommandLine("qemu-system-x86_64 -machine q35 -accel tcg -m 64M -smp 2 -nodefaults -display none -numa node,nodeid=0,cpus=0-1");
    layout.pinning = { vcpus: [{ node: 0, hostCpus: "0-1" }] };
    const file = join(dir, "refused.sh");
    writeFileSync(file, exportLaunchScript(layout).script, { mode: 0o755 });
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(file, [], { env: { ...process.env, QEMU: "/usr/bin/qemu-system-x86_64" }, stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      c.stderr.on("data", (d) => (err += d));
      c.on("exit", (code) => resolve({ code, err }));
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/should equal RAM size/);
    expect(r.err).toMatch(/QEMU exited before it could be pinned/);
  }, 90_000);

  it("writes a vCPU's set from its guest node, the emulator's, and skips thread-contexts", () => {
    const { layout } = parseCommandLine("qemu-system-x86_64 -m 1G -smp 4 -numa node,nodeid=0,cpus=0-1 -numa node,nodeid=1,cpus=2-3 -object iothread,id=a-very-long-iothread-id");
    layout.pinning = {
      vcpus: [
        { node: 1, hostCpus: "26-51" },
        { vcpus: "0", hostCpus: "3" },
      ],
      emulator: "100",
    };
    const { script } = exportLaunchScript(layout);
    expect(script).toContain("vcpu_cpus[0]=3\nvcpu_cpus[1]=''\nvcpu_cpus[2]=26-51\nvcpu_cpus[3]=26-51\n");
    expect(script).toContain("emulator_cpus=100");
    // the kernel's 15 bytes of "IO a-very-long-iothread-id"
    expect(script).toContain("io_cpus['IO a-very-long-'] =''".replace(" =", "="));
    expect(script).toContain("debug-threads=on");
  });
});
