#!/usr/bin/env bash
# Installs the browser the workbench's browser tests drive (tests/RareEarth.WebTests): Debian's chromium at
# /usr/bin/chromium, with apt-get. Does nothing when it is there already. Called by .ci/run before the tests.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "browser: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then as_root=(); elif command -v sudo >/dev/null; then as_root=(sudo); else
  echo "error: chromium is missing and installing it needs root (apt-get install chromium)" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
echo "browser: $(/usr/bin/chromium --version)"
