#!/usr/bin/env bash
# A real Docker engine for the tests, and the tiny image they use.
#
# Idempotent: an engine that already answers on the default socket, and an image that is
# already there, are reused. Otherwise, when the machine allows it (root with apt-get):
# install docker.io and busybox-static, start dockerd in the background (log in
# .cache/engines/dockerd.log), wait for /_ping, and import sluice-test/busybox:latest from a
# root filesystem built here (busybox plus its applet links). No registry is needed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# dockerd lives in /usr/sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
STATE="$ROOT/.cache/engines"
SOCK=/var/run/docker.sock
IMAGE=sluice-test/busybox:latest
# Applets the tests rely on; the image links every applet busybox has, these must be there.
REQUIRED_APPLETS="sh cat echo ls sleep stty tty head tail tr yes wc printf env true false id kill seq sha256sum"

log() { echo "[docker-engine] $*"; }
mkdir -p "$STATE"

ping_engine() {
  node -e '
    const req = require("http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 2000 }, (res) => {
      res.resume(); process.exit(res.statusCode === 200 ? 0 : 1);
    });
    req.on("error", () => process.exit(1)); req.on("timeout", () => process.exit(1));
  ' "$SOCK" 2>/dev/null
}

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  log "installing $* from Debian's packages"
  if [ ! -f "$STATE/apt-updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$STATE/apt.log" 2>&1 && touch "$STATE/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$STATE/apt.log" 2>&1 || {
    log "apt-get install $* failed; see $STATE/apt.log"; tail -n 20 "$STATE/apt.log"; return 1; }
}

# An engine killed without a clean shutdown (e.g. when the session that started it ended)
# leaves its pid file behind, and a new dockerd refuses to start while it is there.
clear_stale_pidfile() {
  local file=/var/run/docker.pid pid state
  [ -f "$file" ] || return 0
  pid=$(cat "$file" 2>/dev/null)
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
  if [ -z "$state" ] || [ "$state" = Z ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
    log "removing the stale $file (pid ${pid:-?} is not a running dockerd)"
    rm -f "$file"
  fi
}

start_engine() {
  if ! command -v dockerd >/dev/null 2>&1; then
    can_install || { log "no Docker engine answers on $SOCK and this machine cannot install one (needs root with apt-get)"; return 1; }
    apt_install docker.io || return 1
  fi
  clear_stale_pidfile
  log "starting dockerd (log: $STATE/dockerd.log)"
  # setsid + nohup: the engine outlives this test run, so the next run reuses it.
  setsid nohup dockerd --host="unix://$SOCK" >"$STATE/dockerd.log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 120); do
    ping_engine && { log "engine is up: $(docker version --format 'Engine {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null)"; return 0; }
    kill -0 "$pid" 2>/dev/null || { log "dockerd exited during start-up; last lines of its log:"; tail -n 30 "$STATE/dockerd.log"; return 1; }
    sleep 0.5
  done
  log "dockerd did not answer /_ping within 60 s; last lines of its log:"
  tail -n 30 "$STATE/dockerd.log"
  return 1
}

busybox_binary() {
  for candidate in /bin/busybox /usr/bin/busybox; do
    if [ -x "$candidate" ] && ! ldd "$candidate" >/dev/null 2>&1; then echo "$candidate"; return 0; fi
  done
  return 1
}

import_image() {
  local busybox
  busybox=$(busybox_binary) || {
    can_install || { log "no static busybox and cannot install busybox-static"; return 1; }
    apt_install busybox-static || return 1
    busybox=$(busybox_binary) || { log "busybox-static installed but no static busybox found"; return 1; }
  }
  local rootfs
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' RETURN
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root,var/log}
  chmod 1777 "$rootfs/tmp"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  for applet in $REQUIRED_APPLETS; do
    [ -e "$rootfs/bin/$applet" ] || { log "busybox lacks the applet '$applet'"; return 1; }
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  log "importing $IMAGE from a busybox root filesystem"
  tar -C "$rootfs" -c . | docker import \
    --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' - "$IMAGE" >/dev/null || {
    log "docker import failed"; return 1; }
}

if ping_engine; then
  log "reusing the engine on $SOCK ($(docker version --format 'Engine {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null))"
else
  start_engine || exit 1
fi

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "reusing image $IMAGE"
else
  import_image || exit 1
  log "image $IMAGE is ready"
fi
