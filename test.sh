#!/usr/bin/env bash
# Runs every test of Matchmaker against real SQLite, a private, throwaway PostgreSQL cluster and a
# throwaway Redis (for the multi-node engine tests), each on a free loopback port, and the browser
# tests in Debian's Chromium. Installs PostgreSQL, Redis and Chromium if they are missing (Debian,
# as root). Screenshots land in artifacts/screenshots. Prints
# "N passed, N failed, N skipped" as its last line and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
LOG_DIR="$ROOT/artifacts/test-logs"
mkdir -p "$LOG_DIR"

say() { printf '[test.sh] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

ensure_postgres() {
  if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    say "PostgreSQL is not installed: installing it (apt-get install -y postgresql)"
    as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
      || { say "could not install PostgreSQL"; return 1; }
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Chromium is not installed: installing it (apt-get install -y chromium) for the browser tests"
    as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || { say "could not install Chromium"; return 1; }
  fi
}

ensure_redis() {
  if [ ! -x /usr/bin/redis-server ]; then
    say "Redis is not installed: installing it (apt-get install -y redis-server) for the cluster tests"
    as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null \
      || { say "could not install Redis"; return 1; }
  fi
}

free_port() {
  local port
  for port in $(seq "${1:-55432}" "$(( ${1:-55432} + 100 ))"); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

PGDIR=""; PGBIN=""; PGRUN=()
start_postgres() {
  PGBIN=$(pg_bin)
  PGPORT=$(free_port) || { say "no free port for PostgreSQL"; return 1; }
  PGDIR=$(mktemp -d /tmp/matchmaker-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: run the throwaway cluster as the postgres system user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    chown postgres: "$PGDIR"
    PGRUN=(runuser -u postgres --)
  fi
  chmod 700 "$PGDIR"
  "${PGRUN[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$LOG_DIR/initdb.log" 2>&1 \
    || { say "initdb failed, see $LOG_DIR/initdb.log"; return 1; }
  "${PGRUN[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=300" start >/dev/null \
    || { say "PostgreSQL did not start:"; cat "$PGDIR/log" >&2; return 1; }
  export MATCHMAKER_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres;Pooling=true"
  say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PGPORT"
}

stop_postgres() {
  if [ -n "$PGDIR" ] && [ -f "$PGDIR/data/postmaster.pid" ]; then
    local pid; pid=$(head -1 "$PGDIR/data/postmaster.pid")
    "${PGRUN[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null
  fi
  [ -n "$PGDIR" ] && rm -rf "$PGDIR"
}
REDISDIR=""; REDISPID=""
start_redis() {
  local port
  port=$(free_port 56379) || { say "no free port for Redis"; return 1; }
  REDISDIR=$(mktemp -d /tmp/matchmaker-redis.XXXXXX)
  # As the cluster needs it: every write on disk (appendonly), nothing evicted. Loopback only.
  /usr/bin/redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly yes --dir "$REDISDIR" \
    --maxmemory-policy noeviction --daemonize no --logfile "$REDISDIR/log" &
  REDISPID=$!
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export MATCHMAKER_TEST_REDIS="127.0.0.1:$port"
      say "Redis $(/usr/bin/redis-server --version | awk '{print $3}' | cut -d= -f2) running on 127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  say "Redis did not start:"; cat "$REDISDIR/log" >&2; return 1
}

stop_redis() {
  if [ -n "$REDISPID" ]; then kill "$REDISPID" 2>/dev/null; wait "$REDISPID" 2>/dev/null; fi
  [ -n "$REDISDIR" ] && rm -rf "$REDISDIR"
}

stop_servers() { stop_postgres; stop_redis; }
trap stop_servers EXIT

summary() { echo "$1 passed, $2 failed, $3 skipped"; }

ensure_postgres || { summary 0 1 0; exit 1; }
ensure_redis || { summary 0 1 0; exit 1; }
ensure_chromium || { summary 0 1 0; exit 1; }
start_postgres || { summary 0 1 0; exit 1; }
start_redis || { summary 0 1 0; exit 1; }

say "building"
if ! dotnet build Matchmaker.sln -c Release -nologo -v quiet >"$LOG_DIR/build.log" 2>&1; then
  grep -E "error" "$LOG_DIR/build.log" | sort -u | head -30 >&2
  say "build failed, see $LOG_DIR/build.log"
  summary 0 1 0
  exit 1
fi

say "running the tests"
dotnet test Matchmaker.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$LOG_DIR/test.log"
status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0; assemblies=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s)); assemblies=$((assemblies + 1))
done < <(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \3 \4/p' "$LOG_DIR/test.log")

if [ "$assemblies" -eq 0 ]; then
  say "no test results found"
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
