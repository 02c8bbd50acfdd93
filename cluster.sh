#!/usr/bin/env bash
# A local Matchmaker cluster for trying things out and for load runs, on loopback only:
#   ./cluster.sh up [N]   a throwaway PostgreSQL (fsync on) and Redis, and N web nodes (default 3), each co-hosting
#                         a silo of one Orleans cluster, with the national demo market; node i on http://127.0.0.1:508i
#   ./cluster.sh status   which nodes run, and their addresses
#   ./cluster.sh kill I   kill -9 node I (to watch a failover)
#   ./cluster.sh start I  start node I again (after kill or stop)
#   ./cluster.sh stop I   stop node I gracefully (SIGTERM: its grains move to the others)
#   ./cluster.sh down     stop every node and both servers (by PID) and remove their data
# Logs and PIDs live in artifacts/cluster/. Installs PostgreSQL and Redis if missing (Debian, as root).
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
STATE="$ROOT/artifacts/cluster"

say() { printf '[cluster.sh] %s\n' "$*" >&2; }
# shellcheck source=scripts/servers.sh
. "$ROOT/scripts/servers.sh"

node_port() { echo $((5080 + $1)); }
silo_port() { echo $((11110 + $1)); }
node_pid() { cat "$STATE/node$1.pid" 2>/dev/null; }
running() { local pid; pid=$(node_pid "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

start_node() {
  local i=$1
  running "$i" && { say "node $i already runs (PID $(node_pid "$i"))"; return 0; }
  # shellcheck source=/dev/null
  . "$STATE/env"
  env ASPNETCORE_ENVIRONMENT=Production \
    Database__Provider=postgres ConnectionStrings__Matchmaker="$MATCHMAKER_POSTGRES" Demo__Enabled=true \
    Orleans__Clustering=redis ConnectionStrings__Redis="$MATCHMAKER_REDIS" Orleans__ServiceId=matchmaker Orleans__ClusterId=local \
    Orleans__SiloPort="$(silo_port "$i")" Orleans__AdvertisedIPAddress=127.0.0.1 \
    DataProtection__CertificatePath="$STATE/key-ring.crt" DataProtection__KeyPath="$STATE/key-ring.key" \
    dotnet "$ROOT/src/Web/bin/Release/net10.0/Matchmaker.Web.dll" --urls "http://127.0.0.1:$(node_port "$i")" --contentRoot "$ROOT/src/Web" \
    >>"$STATE/node$i.log" 2>&1 &
  echo $! >"$STATE/node$i.pid"
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$(node_port "$i")/readyz" >/dev/null 2>&1; then
      say "node $i ready on http://127.0.0.1:$(node_port "$i") (silo port $(silo_port "$i"), PID $(node_pid "$i"))"
      return 0
    fi
    running "$i" || { say "node $i exited; see $STATE/node$i.log"; tail -5 "$STATE/node$i.log" >&2; return 1; }
    sleep 0.5
  done
  say "node $i did not become ready within 60 s; see $STATE/node$i.log"
  return 1
}

up() {
  local count=${1:-3}
  [[ "$count" =~ ^[1-9]$ ]] || { say "the number of nodes is 1 to 9"; exit 2; }
  [ -f "$STATE/env" ] && { say "a cluster is already up (./cluster.sh down first)"; exit 1; }
  ensure_postgres "for the cluster's database" || exit 1
  ensure_package /usr/bin/redis-server redis-server "for the cluster's membership and reminders" || exit 1
  mkdir -p "$STATE"
  say "building (Release)"
  dotnet build "$ROOT/src/Web" -c Release -nologo -v quiet >"$STATE/build.log" 2>&1 || { say "build failed, see $STATE/build.log"; exit 1; }
  # The certificate that encrypts the key ring every node shares (docs/operations.md#the-key-ring): made here, once.
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Matchmaker local cluster key ring" \
    -keyout "$STATE/key-ring.key" -out "$STATE/key-ring.crt" >"$STATE/openssl.log" 2>&1 \
    || { say "openssl could not make the key ring's certificate, see $STATE/openssl.log"; exit 1; }
  chmod 600 "$STATE/key-ring.key"
  start_postgres "$STATE/postgres" on || exit 1
  start_redis "$STATE/redis" || exit 1
  cat >"$STATE/env" <<VARS
MATCHMAKER_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=100"
MATCHMAKER_REDIS="127.0.0.1:$REDIS_PORT"
NODES=$count
VARS
  for i in $(seq 1 "$count"); do start_node "$i" || exit 1; done
  say "up: $count nodes; PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT; ./cluster.sh down to stop"
}

down() {
  for pidfile in "$STATE"/node*.pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    rm -f "$pidfile"
  done
  stop_postgres "$STATE/postgres"
  stop_redis "$STATE/redis"
  rm -f "$STATE/env" "$STATE/key-ring.key" "$STATE/key-ring.crt"
  say "down"
}

status() {
  [ -f "$STATE/env" ] || { say "no cluster is up"; return 0; }
  # shellcheck source=/dev/null
  . "$STATE/env"
  for i in $(seq 1 "$NODES"); do
    if running "$i"; then echo "node $i  up    http://127.0.0.1:$(node_port "$i")  PID $(node_pid "$i")"; else echo "node $i  down"; fi
  done
  echo "PostgreSQL: $MATCHMAKER_POSTGRES"
  echo "Redis: $MATCHMAKER_REDIS"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  status) status ;;
  kill) running "${2:-0}" && kill -9 "$(node_pid "$2")" && say "node $2 killed (kill -9)" ;;
  stop) running "${2:-0}" && kill -TERM "$(node_pid "$2")" && say "node $2 stopping (SIGTERM)" ;;
  start) [ -f "$STATE/env" ] && start_node "${2:-0}" ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
