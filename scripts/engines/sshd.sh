#!/usr/bin/env bash
# A real OpenSSH sshd for the SSH tunnel tests.
#
# Idempotent: an sshd started earlier by this script that still answers is reused. Otherwise
# (installing Debian's openssh-server first when sshd is missing and the machine allows it:
# root with apt-get) it makes a host key and a client key on the spot under
# .cache/engines/sshd/, authorizes the client key for the current user, and starts sshd on a
# free loopback port with TCP forwarding allowed. What the tests read (tools/test-env sshd.ts):
#   port, user, client_key (private, OpenSSH format), known_hosts, host_fingerprint.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE="$ROOT/.cache/engines/sshd"
ENGINES="$ROOT/.cache/engines"

log() { echo "[sshd-engine] $*"; }
mkdir -p "$STATE"
chmod 700 "$STATE"

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  log "installing $* from Debian's packages"
  if [ ! -f "$ENGINES/apt-updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$STATE/apt.log" 2>&1 && touch "$ENGINES/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$STATE/apt.log" 2>&1 || {
    log "apt-get install $* failed; see $STATE/apt.log"; tail -n 20 "$STATE/apt.log"; return 1; }
}

sshd_binary() {
  for candidate in /usr/sbin/sshd "$(command -v sshd 2>/dev/null)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

# True when something on 127.0.0.1:$1 greets with an SSH banner within 2 s.
answers() {
  local banner
  banner=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && head -c 8 <&3" 2>/dev/null) || return 1
  [ "${banner:0:4}" = "SSH-" ]
}

running() {
  [ -f "$STATE/sshd.pid" ] && [ -f "$STATE/port" ] && [ -f "$STATE/known_hosts" ] || return 1
  kill -0 "$(cat "$STATE/sshd.pid")" 2>/dev/null || return 1
  answers "$(cat "$STATE/port")"
}

free_port() {
  # Bind port 0 on loopback and report what the kernel picked; sshd binds it right after.
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

make_keys() {
  rm -f "$STATE/host_key" "$STATE/host_key.pub" "$STATE/client_key" "$STATE/client_key.pub"
  ssh-keygen -q -t ed25519 -N '' -C 'sluice-test-host' -f "$STATE/host_key" || return 1
  ssh-keygen -q -t ed25519 -N '' -C 'sluice-test-client' -f "$STATE/client_key" || return 1
  cp "$STATE/client_key.pub" "$STATE/authorized_keys"
  chmod 600 "$STATE/host_key" "$STATE/client_key" "$STATE/authorized_keys"
}

start_sshd() {
  local sshd port
  sshd=$(sshd_binary) || {
    can_install || { log "no sshd and this machine cannot install openssh-server (needs root with apt-get)"; return 1; }
    apt_install openssh-server || return 1
    sshd=$(sshd_binary) || { log "openssh-server installed but no sshd found"; return 1; }
  }
  command -v ssh-keygen >/dev/null 2>&1 || { log "ssh-keygen is missing"; return 1; }
  [ -f "$STATE/sshd.pid" ] && kill "$(cat "$STATE/sshd.pid")" 2>/dev/null
  make_keys || { log "ssh-keygen failed"; return 1; }
  port=$(free_port)
  cat >"$STATE/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $STATE/host_key
PidFile $STATE/sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
PermitOpen any
StrictModes no
UsePAM no
MaxStartups 64:30:128
LogLevel VERBOSE
EOF
  # Privilege separation needs this directory when sshd runs as root.
  [ "$(id -u)" = 0 ] && mkdir -p /run/sshd && chmod 755 /run/sshd
  "$sshd" -t -f "$STATE/sshd_config" 2>"$STATE/sshd.log" || { log "sshd rejected its config:"; cat "$STATE/sshd.log"; return 1; }
  log "starting $sshd on 127.0.0.1:$port (log: $STATE/sshd.log)"
  # sshd daemonizes itself; setsid keeps it out of this script's session so it outlives the run.
  setsid "$sshd" -f "$STATE/sshd_config" -E "$STATE/sshd.log" </dev/null || { log "sshd failed to start:"; tail -n 20 "$STATE/sshd.log"; return 1; }
  for _ in $(seq 1 50); do
    if answers "$port"; then
      echo "$port" >"$STATE/port"
      id -un >"$STATE/user"
      printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$STATE/host_key.pub")" >"$STATE/known_hosts"
      ssh-keygen -l -E sha256 -f "$STATE/host_key.pub" | cut -d' ' -f2 >"$STATE/host_fingerprint"
      log "sshd is up on 127.0.0.1:$port for user $(cat "$STATE/user") (host key $(cat "$STATE/host_fingerprint"))"
      return 0
    fi
    sleep 0.1
  done
  log "sshd did not answer on 127.0.0.1:$port within 5 s; last lines of its log:"
  tail -n 20 "$STATE/sshd.log"
  return 1
}

if running; then
  log "reusing sshd on 127.0.0.1:$(cat "$STATE/port") (pid $(cat "$STATE/sshd.pid"))"
else
  rm -f "$STATE/port"
  start_sshd || exit 1
fi
