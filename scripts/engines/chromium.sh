#!/usr/bin/env bash
# Real Chromium for the demo's browser tests and benchmark (driven by playwright-core).
#
# Idempotent: a Chromium that is already installed is reused. Otherwise, when the machine
# allows it (root with apt-get), Debian's `chromium` package is installed. Prints where the
# browser is; apps/demo/test/browser.ts finds it the same way (CHROMIUM_PATH, then these paths).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE="$ROOT/.cache/engines"

log() { echo "[chromium] $*"; }
mkdir -p "$STATE"

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

find_chromium() {
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

apt_install() {
  log "installing $* from Debian's packages"
  if [ ! -f "$STATE/apt-updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$STATE/apt.log" 2>&1 && touch "$STATE/apt-updated"
  fi
  # Another engine script (or a person) may hold the dpkg lock for a while: wait for it.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" \
    >>"$STATE/apt.log" 2>&1 || {
    log "apt-get install $* failed; see $STATE/apt.log"; tail -n 20 "$STATE/apt.log"; return 1; }
}

if browser=$(find_chromium); then
  log "reusing $browser ($("$browser" --version 2>/dev/null | head -n 1))"
  exit 0
fi
can_install || { log "no Chromium found and this machine cannot install one (needs root with apt-get)"; exit 1; }
apt_install chromium fonts-dejavu-core || exit 1
browser=$(find_chromium) || { log "the chromium package is installed but no binary was found"; exit 1; }
log "installed $browser ($("$browser" --version 2>/dev/null | head -n 1))"
