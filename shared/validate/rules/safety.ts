// What a shared layout or command line would do to the machine that runs it, beyond memory
// and NUMA. `numadesk run` never passes these (shared/run/allow.ts); the exports (qemu, sh,
// argv) keep them, so `check` says what each would do before someone runs the line elsewhere.
// Warnings, not errors: QEMU accepts all of them, and on one's own machine they may be meant.

import type { At, Diagnostic } from "../../diagnostics/diagnostic";
import type { PassthroughArg } from "../../layout/schema";
import { ENV_ASSIGNMENT, looksLikeQemuBinary, optionName } from "../../qemu/options";
import { splitValue } from "../../qemu/codec";
import { SPECS } from "../../qemu/elements";
import { atArg, atBackend } from "./at";
import { emit, type RuleDef, type RuleMeta } from "./rule";

const meta = (code: string, title: string): RuleMeta => ({ code, severity: "warning", title, concern: "safety", policy: false });
const RISK: Record<string, RuleMeta> = {
  RISK001: meta("RISK001", "a passthrough option starts a process or changes QEMU's privileges"),
  RISK002: meta("RISK002", "a passthrough option reads or writes files of the host"),
  RISK003: meta("RISK003", "a passthrough option opens sockets or the network"),
  RISK004: meta("RISK004", "a passthrough option hands a host device to the guest"),
  RISK005: meta("RISK005", "a file backend puts the guest's memory in a host file"),
  RISK006: meta("RISK006", "the command runs something other than QEMU, or changes its environment"),
};

type Risk = "RISK001" | "RISK002" | "RISK003" | "RISK004";

// Options by what they do to the host (qemu-options.hx, QEMU 7.2–10.x).
const OPTION_RISK: Record<string, [Risk, string]> = {
  incoming: ["RISK001", "waits for a migration stream; exec: runs a shell command, tcp:/unix: listen on a socket"],
  runas: ["RISK001", "switches QEMU to another user"],
  chroot: ["RISK001", "changes QEMU's root folder"],
  "run-with": ["RISK001", "changes QEMU's user or root folder"],
  daemonize: ["RISK001", "detaches QEMU into the background, where nothing stops it"],
  sandbox: ["RISK001", "changes QEMU's seccomp sandbox"],
  plugin: ["RISK001", "loads a shared library into QEMU"],
  "add-fd": ["RISK001", "hands QEMU open file descriptors"],
  pidfile: ["RISK002", "writes (and at exit deletes) the named file"],
  D: ["RISK002", "writes QEMU's log to the named file"],
  trace: ["RISK002", "can write trace output to a file"],
  "dump-vmstate": ["RISK002", "writes the named file"],
  "mem-path": ["RISK002", "puts guest memory in files there"],
  readconfig: ["RISK002", "reads further options from a file Numadesk has not seen"],
  loadvm: ["RISK002", "loads a snapshot from a disk image"],
  drive: ["RISK002", "opens a disk image or device for reading and writing"],
  blockdev: ["RISK002", "opens a disk image or device"],
  hda: ["RISK002", "opens a disk image for writing"],
  hdb: ["RISK002", "opens a disk image for writing"],
  hdc: ["RISK002", "opens a disk image for writing"],
  hdd: ["RISK002", "opens a disk image for writing"],
  cdrom: ["RISK002", "opens an image or device"],
  fda: ["RISK002", "opens a floppy image for writing"],
  fdb: ["RISK002", "opens a floppy image for writing"],
  mtdblock: ["RISK002", "opens a flash image for writing"],
  sd: ["RISK002", "opens an SD card image for writing"],
  pflash: ["RISK002", "opens a flash image for writing"],
  kernel: ["RISK002", "reads a kernel file"],
  initrd: ["RISK002", "reads an initrd file"],
  dtb: ["RISK002", "reads a device tree file"],
  bios: ["RISK002", "reads a firmware file"],
  L: ["RISK002", "reads firmware from the named folder"],
  "option-rom": ["RISK002", "reads a ROM file"],
  acpitable: ["RISK002", "can read ACPI tables from files"],
  smbios: ["RISK002", "can read SMBIOS tables from a file"],
  fw_cfg: ["RISK002", "can read files into the guest's firmware config"],
  virtfs: ["RISK002", "shares a host folder with the guest"],
  fsdev: ["RISK002", "shares a host folder with the guest"],
  audiodev: ["RISK002", "can write sound to a file"],
  chardev: ["RISK002", "opens a file, pipe, socket or serial device"],
  netdev: ["RISK003", "connects the guest to a host network"],
  net: ["RISK003", "connects the guest to a host network"],
  nic: ["RISK003", "connects the guest to a host network"],
  vnc: ["RISK003", "opens a VNC server"],
  spice: ["RISK003", "opens a SPICE server"],
};

// Options whose value names a character device: harmless for stdio/none/null/vc/mon.
const CHARDEV_OPTIONS = new Set(["serial", "parallel", "monitor", "qmp", "qmp-pretty", "debugcon", "gdb"]);
const CHARDEV_TARGETS: Array<[RegExp, Risk, string]> = [
  [/^(file|pipe):/, "RISK002", "writes to a file or FIFO"],
  [/^(unix|tcp|udp|telnet|websocket|tcp6?):/, "RISK003", "opens a socket"],
  [/^(\/dev\/|tty:|COM|parport)/, "RISK004", "opens a host serial or parallel device"],
];

// -object types that touch the host (qom types, QEMU 7.2–10.x).
const OBJECT_RISK: Record<string, [Risk, string]> = {
  secret: ["RISK002", "can read a secret from a file"],
  "rng-random": ["RISK002", "reads a host device or file"],
  "rng-egd": ["RISK003", "connects to an entropy daemon"],
  "filter-dump": ["RISK002", "writes network traffic to a file"],
  "tls-creds-x509": ["RISK002", "reads certificates from a folder"],
  "tls-creds-psk": ["RISK002", "reads keys from a folder"],
  "input-linux": ["RISK004", "grabs a host input device"],
  "can-host-socketcan": ["RISK004", "opens a host CAN interface"],
  "authz-listfile": ["RISK002", "reads an access list from a file"],
  "pr-manager-helper": ["RISK003", "connects to a socket"],
  "cryptodev-vhost-user": ["RISK003", "connects to a socket"],
  "colo-compare": ["RISK003", "exchanges traffic over sockets"],
  "x-remote-object": ["RISK003", "serves a device over a socket"],
  "x-vfio-user-server": ["RISK003", "serves a device over a socket"],
  "dbus-vmstate": ["RISK003", "talks to a D-Bus daemon"],
  iommufd: ["RISK004", "opens the host's IOMMU"],
  "memory-backend-file": ["RISK002", "puts guest memory in a host file"],
};

const DEVICE_RISK: Array<[RegExp, string]> = [
  [/^vfio/, "passes a host PCI or mediated device through"],
  [/^usb-host/, "passes a host USB device through"],
  [/^vhost-/, "connects to a vhost device or socket"],
  [/^virtio-9p|^vhost-user-fs/, "shares a host folder with the guest"],
];

// Environment variables that change what code QEMU runs.
const RISKY_ENV = /^(LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|GCONV_PATH|PATH|QEMU_MODULE_DIR|LD_\w+)=/;

const REVIEW = "numadesk run leaves it out; if the layout came from someone else, read what it does before running the exported line, or remove it";

function warn(code: string, message: string, at: At, fix = REVIEW): Diagnostic {
  return emit(RISK[code]!, message, fix, at);
}

function argRisk(a: PassthroughArg): [Risk, string] | undefined {
  const first = a.tokens[0] ?? "";
  const name = optionName(first);
  if (name === undefined) return ["RISK002", "is read as a disk image and opened for writing"];
  const value = a.tokens[1] ?? "";
  if (name === "sandbox" && !/^on\b/.test(value)) return OPTION_RISK.sandbox;
  if (name === "sandbox") return undefined;
  const direct = OPTION_RISK[name];
  if (direct) return direct;
  if (CHARDEV_OPTIONS.has(name)) return CHARDEV_TARGETS.find(([re]) => re.test(value))?.slice(1) as [Risk, string] | undefined;
  if (name === "device") {
    const driver = value.split(",")[0] ?? "";
    const hit = DEVICE_RISK.find(([re]) => re.test(driver));
    return hit ? ["RISK004", hit[1]] : undefined;
  }
  if (name === "object") {
    const split = splitValue(SPECS.backend, value);
    const type = split.entries.find((e) => e.key === "qom-type")?.value;
    return typeof type === "string" ? OBJECT_RISK[type] : undefined;
  }
  return undefined;
}

/** RISK001–RISK004: passthrough options that act on the host. */
const riskyOptions: RuleDef = {
  name: "riskyOptions",
  codes: [RISK.RISK001!, RISK.RISK002!, RISK.RISK003!, RISK.RISK004!],
  check: (layout) =>
    layout.args.flatMap((a, i) => {
      const r = argRisk(a);
      // the CLI and the app show the option itself beside the message (its label)
      return r ? [warn(r[0], `${r[1]}, when the exported line runs`, atArg(i))] : [];
    }),
};

/** RISK005: a file backend's mem-path receives the guest's memory. */
const fileBackends: RuleDef = {
  name: "fileBackends",
  codes: [RISK.RISK005!],
  check: (layout) =>
    layout.backends.flatMap((b, i) => {
      if (b.type !== "file") return [];
      const discard = b.extra?.["discard-data"];
      const zeroes = b.share && (discard === true || (typeof discard === "string" && /^(on|yes|true|y)$/i.test(discard)));
      const what = zeroes
        ? "share=on with discard-data=on: QEMU writes the guest's memory into it and throws its content away at exit"
        : b.share
          ? "share=on: the guest's memory is written through to it"
          : "QEMU maps it as guest memory (and creates it, full size, if it does not exist)";
      return [
        warn(
          "RISK005",
          `backend ${b.id}: mem-path ${b.memPath ?? "(none)"}: ${what}`,
          atBackend(b, i, "memPath"),
          "point mem-path at a folder on hugetlbfs or tmpfs (QEMU then uses a temporary file it removes); numadesk run accepts only such folders and never passes share or discard-data",
        ),
      ];
    }),
};

/** RISK006: the exported command runs another program, or QEMU with a changed environment. */
const commandPrefix: RuleDef = {
  name: "commandPrefix",
  codes: [RISK.RISK006!],
  check: (layout) => {
    const out: Diagnostic[] = [];
    const binary = layout.qemu?.binary;
    if (binary !== undefined && !looksLikeQemuBinary(binary)) {
      out.push(warn("RISK006", `the exported command runs '${binary.slice(0, 80)}', which does not look like QEMU`, { path: "qemu.binary" }));
    }
    for (const w of layout.qemu?.prefix ?? []) {
      if (RISKY_ENV.test(w)) out.push(warn("RISK006", `the exported command sets ${w.slice(0, 80)} for QEMU, which changes the code it runs`, { path: "qemu.prefix" }));
      else if (!ENV_ASSIGNMENT.test(w) && w !== "time" && w !== "exec") out.push(warn("RISK006", `the exported command starts with '${w.slice(0, 80)}'`, { path: "qemu.prefix" }));
    }
    return out;
  },
};

export const SAFETY_RULES: readonly RuleDef[] = [riskyOptions, fileBackends, commandPrefix];
