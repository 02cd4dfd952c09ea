#!/bin/sh
# `npm start`: set up, then show this host and a layout planned for it.
set -eu
cd "$(dirname "$0")/.."
NUMADESK_SETUP_QUIET=1 sh scripts/setup.sh
cli() { node --import tsx electron/cli/main.ts "$@"; }
echo "== this host (numadesk topo)"
cli topo
cpus=$(getconf _NPROCESSORS_ONLN)
echo
echo "== a 1 GiB, $cpus-vCPU layout planned for it (numadesk plan --mem 1G --vcpus $cpus --threads $cpus)"
cli plan --mem 1G --vcpus "$cpus" --threads "$cpus" || true
echo
echo "== the seed's host: numadesk plan --mem 256G --vcpus 104 --threads 16 --sample bm-standard2-52"
cli plan --mem 256G --vcpus 104 --threads 16 --sample bm-standard2-52
echo
echo "More: npm run numadesk -- --help"
