#!/usr/bin/env bash
# A second Docker engine for the tests, reached only over TCP with mutual TLS
# (`--tlsverify`), as a remote engine behind DOCKER_HOST=tcp://… DOCKER_TLS_VERIFY=1 is.
#
# Idempotent: an engine started earlier by this script that still answers over TLS is reused.
# Otherwise it makes a CA, a server certificate for 127.0.0.1 and a client certificate under
# .cache/engines/docker-tls/ (client files as DOCKER_CERT_PATH wants them: ca.pem, cert.pem,
# key.pem in client/), starts dockerd on a free loopback port with its own data root, exec
# root (so its own containerd), pid file and cgroup parent, a bridge of its own and no
# iptables rules (so it does not fight the default engine), and imports sluice-test/busybox into it from the
# default engine (made sure of first by running scripts/engines/docker.sh, which is
# idempotent: this file sorts before it).
# What the tests read (tools/test-env docker-tls.ts): port, client/{ca,cert,key}.pem.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
STATE="$ROOT/.cache/engines/docker-tls"
IMAGE=sluice-test/busybox:latest
DATA_ROOT=/var/lib/sluice-docker-tls
EXEC_ROOT=/var/run/sluice-docker-tls
PIDFILE=/var/run/sluice-docker-tls.pid
# Its own bridge: `--bridge none` would make dockerd delete the default engine's docker0.
BRIDGE=sluice-tls0
BRIDGE_CIDR=10.231.0.1/24

log() { echo "[docker-tls-engine] $*"; }
mkdir -p "$STATE/client"
chmod 700 "$STATE"

tls_docker() {
  docker --host "tcp://127.0.0.1:$(cat "$STATE/port")" --tlsverify \
    --tlscacert "$STATE/client/ca.pem" --tlscert "$STATE/client/cert.pem" --tlskey "$STATE/client/key.pem" "$@"
}

answers() {
  [ -f "$STATE/port" ] && [ -f "$STATE/client/key.pem" ] || return 1
  timeout 5 env -u DOCKER_HOST -u DOCKER_CONTEXT bash -c "$(declare -f tls_docker); STATE='$STATE'; tls_docker version --format '{{.Server.Version}}'" >/dev/null 2>&1
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

# The certificates are made with the openssl command; a machine without it gets Debian's.
ensure_openssl() {
  command -v openssl >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing openssl from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null 2>&1 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null 2>&1; }
  fi
  command -v openssl >/dev/null 2>&1 || { log "no openssl command: cannot make the test certificates"; return 1; }
}

make_certs() {
  ensure_openssl || return 1
  local d="$STATE"
  rm -f "$d"/*.pem "$d"/*.srl "$d"/*.csr "$d"/*.cnf "$d"/client/*.pem
  openssl genrsa -out "$d/ca-key.pem" 2048 2>/dev/null || return 1
  openssl req -new -x509 -days 3650 -key "$d/ca-key.pem" -sha256 -subj '/CN=sluice test CA' \
    -out "$d/ca.pem" 2>/dev/null || return 1
  openssl genrsa -out "$d/server-key.pem" 2048 2>/dev/null || return 1
  openssl req -new -key "$d/server-key.pem" -subj '/CN=127.0.0.1' -out "$d/server.csr" 2>/dev/null || return 1
  printf 'subjectAltName = IP:127.0.0.1,DNS:localhost\nextendedKeyUsage = serverAuth\n' >"$d/server.cnf"
  openssl x509 -req -days 3650 -sha256 -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" \
    -CAcreateserial -out "$d/server-cert.pem" -extfile "$d/server.cnf" 2>/dev/null || return 1
  openssl genrsa -out "$d/client/key.pem" 2048 2>/dev/null || return 1
  openssl req -new -key "$d/client/key.pem" -subj '/CN=sluice test client' -out "$d/client.csr" 2>/dev/null || return 1
  printf 'extendedKeyUsage = clientAuth\n' >"$d/client.cnf"
  openssl x509 -req -days 3650 -sha256 -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" \
    -CAcreateserial -out "$d/client/cert.pem" -extfile "$d/client.cnf" 2>/dev/null || return 1
  cp "$d/ca.pem" "$d/client/ca.pem"
  chmod 600 "$d"/*-key.pem "$d/client/key.pem"
}

stop_stale() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    log "stopping the engine left from an earlier start (pid $pid)"
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$PIDFILE"
}

start_engine() {
  command -v dockerd >/dev/null 2>&1 || { log "no dockerd (scripts/engines/docker.sh installs it)"; return 1; }
  command -v openssl >/dev/null 2>&1 || { log "no openssl to make the certificates"; return 1; }
  [ "$(id -u)" = 0 ] || { log "starting a second dockerd needs root"; return 1; }
  stop_stale
  make_certs || { log "making the certificates failed"; return 1; }
  free_port >"$STATE/port"
  local port
  port=$(cat "$STATE/port")
  log "starting dockerd on tcp://127.0.0.1:$port with --tlsverify (log: $STATE/dockerd.log)"
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge && ip addr add "$BRIDGE_CIDR" dev "$BRIDGE" && ip link set "$BRIDGE" up || {
      log "cannot make the bridge $BRIDGE (needs iproute2 and root)"; return 1; }
  fi
  setsid nohup dockerd \
    --host "tcp://127.0.0.1:$port" --tlsverify \
    --tlscacert "$STATE/ca.pem" --tlscert "$STATE/server-cert.pem" --tlskey "$STATE/server-key.pem" \
    --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
    --bridge "$BRIDGE" --iptables=false --ip6tables=false --ip-masq=false \
    --cgroup-parent sluice-docker-tls >"$STATE/dockerd.log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 120); do
    answers && { log "engine is up: $(tls_docker version --format 'Engine {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null)"; return 0; }
    kill -0 "$pid" 2>/dev/null || { log "dockerd exited during start-up; last lines of its log:"; tail -n 30 "$STATE/dockerd.log"; return 1; }
    sleep 0.5
  done
  log "dockerd did not answer within 60 s; last lines of its log:"
  tail -n 30 "$STATE/dockerd.log"
  return 1
}

# dockerd, the docker CLI and the image come from the default engine's script.
bash "$ROOT/scripts/engines/docker.sh" >/dev/null || { log "the default engine is not available (scripts/engines/docker.sh)"; exit 1; }

if answers; then
  log "reusing the TLS engine on tcp://127.0.0.1:$(cat "$STATE/port")"
else
  start_engine || exit 1
fi

if tls_docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "reusing image $IMAGE"
else
  log "importing $IMAGE from the default engine"
  env -u DOCKER_HOST -u DOCKER_CONTEXT docker image save "$IMAGE" | tls_docker image load >/dev/null || {
    log "copying $IMAGE failed (does the default engine have it? scripts/engines/docker.sh)"; exit 1; }
  log "image $IMAGE is ready"
fi
