#!/bin/sh
# `npm start`: set up, build, then open the desktop window where Electron can run, and
# otherwise serve the app to a browser and print its URL (headless boxes, no Electron binary).
set -eu
cd "$(dirname "$0")/.."
NUMADESK_SETUP_QUIET=1 sh scripts/setup.sh
npm run -s build
electron_ok=""
if node -e "require('electron')" >/dev/null 2>&1 && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then electron_ok=1; fi
if [ -n "$electron_ok" ] && [ -z "${NUMADESK_BROWSER:-}" ]; then
  exec npx electron .
fi
if ! node -e "require('electron')" >/dev/null 2>&1; then
  echo "No Electron binary here (it could not be downloaded); serving the app to a browser instead."
else
  echo "No display here; serving the app to a browser instead."
fi
exec node bin/numadesk.js serve "$@"
