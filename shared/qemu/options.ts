// Which QEMU options take no argument (qemu-options.hx, QEMU 7.2–10.x: entries without
// HAS_ARG). Every other option takes exactly one. Options spelled with two dashes are the
// same option.

const FLAGS = new Set([
  "h",
  "help",
  "version",
  "nographic",
  "S",
  "s",
  "snapshot",
  "no-user-config",
  "nodefaults",
  "no-reboot",
  "no-shutdown",
  "enable-kvm",
  "daemonize",
  "full-screen",
  "no-quit",
  "alt-grab",
  "ctrl-grab",
  "no-frame",
  "curses",
  "portrait",
  "no-fd-bootchk",
  "no-acpi",
  "no-hpet",
  "win2k-hack",
  "enable-fips",
  "only-migratable",
  "preconfig",
  "semihosting",
  "singlestep",
  "mem-prealloc",
  "show-cursor",
  "xen-attach",
  "async-teardown",
  "usb",
  "sdl",
  "no-kvm",
  "nodefconfig",
  "old-param",
  "perfmap",
  "jitdump",
]);

/** The option name without its dashes, or undefined if the token is not an option. */
export function optionName(token: string): string | undefined {
  if (!token.startsWith("-") || token === "-" || token === "--") return undefined;
  return token.startsWith("--") ? token.slice(2) : token.slice(1);
}

export function takesArgument(name: string): boolean {
  return !FLAGS.has(name);
}

/** Words that may stand before the QEMU binary in a pasted line. */
export const PREFIX_WORDS = new Set(["time", "exec", "env", "nohup", "sudo", "command"]);

// numactl 2.0's options that take their value as the next word (getopt_long: -m 0, --membind 0)
const NUMACTL_VALUE_OPTIONS = new Set([
  "-m",
  "--membind",
  "-N",
  "--cpunodebind",
  "-C",
  "--physcpubind",
  "-i",
  "--interleave",
  "-p",
  "--preferred",
  "-P",
  "--preferred-many",
  "-w",
  "--weighted-interleave",
]);

/** The index after `numactl` and its options (the first word that is not one is the program). */
export function numactlEnd(words: readonly string[], at: number): number {
  let i = at + 1;
  while (i < words.length && words[i]!.startsWith("-") && words[i] !== "--") {
    i += NUMACTL_VALUE_OPTIONS.has(words[i]!) ? 2 : 1;
  }
  return words[i] === "--" ? i + 1 : i;
}
export const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function looksLikeQemuBinary(word: string): boolean {
  const base = word.slice(word.lastIndexOf("/") + 1);
  return /^qemu-system-[\w-]+$/.test(base) || base === "qemu-kvm" || base === "kvm" || base === "qemu";
}

/** QEMU object types besides the ones Numadesk models, so a typo can be told from a real type. */
export const OTHER_OBJECT_TYPES = [
  "memory-backend-epc",
  "memory-backend-shm",
  "secret",
  "secret_keyring",
  "iothread",
  "main-loop",
  "rng-random",
  "rng-builtin",
  "rng-egd",
  "tls-creds-x509",
  "tls-creds-psk",
  "tls-creds-anon",
  "tls-cipher-suites",
  "filter-buffer",
  "filter-dump",
  "filter-mirror",
  "filter-redirector",
  "filter-replay",
  "filter-rewriter",
  "colo-compare",
  "can-bus",
  "can-host-socketcan",
  "cryptodev-backend-builtin",
  "cryptodev-backend-lkcf",
  "cryptodev-vhost-user",
  "input-linux",
  "input-barrier",
  "pr-manager-helper",
  "throttle-group",
  "authz-simple",
  "authz-list",
  "authz-listfile",
  "authz-pam",
  "dbus-vmstate",
  "sev-guest",
  "sev-snp-guest",
  "tdx-guest",
  "x-remote-object",
  "x-vfio-user-server",
  "acpi-generic-initiator",
  "acpi-generic-port",
  "iommufd",
];
