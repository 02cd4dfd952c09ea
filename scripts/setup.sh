#!/bin/sh
# Installs what Numadesk needs on Debian or Ubuntu: the system packages (QEMU, numactl,
# Chromium for the browser tests) and the npm packages. Safe to run again: it only does
# what is missing. `npm start` and `npm test` run it first.
set -eu
cd "$(dirname "$0")/.."

quiet=${NUMADESK_SETUP_QUIET:-}
# --test: also what the tests need (Chromium for the end-to-end tests, pgrep)
for_tests=""
[ "${1:-}" = "--test" ] && for_tests=1
say() { [ -n "$quiet" ] || echo "setup: $*"; }

need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
command -v numactl >/dev/null 2>&1 || need="$need numactl"
command -v setpriv >/dev/null 2>&1 || need="$need util-linux"
# PCI vendor and device names for `numadesk topo` and the canvas (class names without it)
[ -f /usr/share/misc/pci.ids ] || need="$need pci.ids"
if [ -n "$for_tests" ]; then
  [ -x /usr/bin/chromium ] || need="$need chromium"
  command -v pgrep >/dev/null 2>&1 || need="$need procps"
  command -v cc >/dev/null 2>&1 || need="$need gcc"
  # the lab's sampler is linked statically
  [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need="$need libc6-dev"
  # dpkg-deb also unpacks QEMU 10 from bookworm-backports for the version tests
  # (electron/qemu/backports.ts: apt-get download with private lists, no root needed)
  command -v dpkg-deb >/dev/null 2>&1 || need="$need dpkg"
  command -v apt-get >/dev/null 2>&1 && { [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need="$need debian-archive-keyring"; }
  # libvirt's own RNG schema checks the libvirt export (virt-xml-validate runs xmllint)
  command -v virt-xml-validate >/dev/null 2>&1 || need="$need libvirt-clients"
  command -v xmllint >/dev/null 2>&1 || need="$need libxml2-utils"
fi

if [ -n "$need" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install:$need (this script knows only apt-get)" >&2
  else
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
    if [ "$sudo" = none ]; then
      echo "setup: please install as root: apt-get install$need" >&2
    else
      say "installing Debian packages:$need"
      $sudo apt-get update -qq
      # shellcheck disable=SC2086
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
    fi
  fi
fi

# npm packages: install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    # Machines without access to Electron's download host still get the package and its
    # types; only the desktop window needs the binary (the browser mode does not).
    if [ -z "${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" ]; then
      echo "setup: npm ci failed; retrying without the Electron binary download" >&2
      ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
    else
      exit 1
    fi
  fi
fi
