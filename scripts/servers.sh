# Throwaway PostgreSQL and Redis servers on free loopback ports, for ./test.sh and ./cluster.sh.
# Source this file; it only defines functions. The caller defines say() for progress lines.
# Each server lives in a directory of its own (data, log, pid) and is stopped by its PID.

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# install_package PACKAGE WHY: installs a Debian package (as root), saying why.
install_package() {
  say "$1 is not installed: installing it (apt-get install -y $1) $2"
  as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null \
    || { say "could not install $1"; return 1; }
}

# ensure_package EXECUTABLE PACKAGE WHY: installs the package when the executable is missing.
ensure_package() { [ -x "$1" ] || install_package "$2" "$3"; }

ensure_postgres() { [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || install_package postgresql "$1"; }

# free_port FROM: the first port from FROM (within 100) that nothing listens on.
free_port() {
  local port hex
  for port in $(seq "$1" "$(( $1 + 100 ))"); do
    # Free means no socket uses it as its local port: not a listener, and not the ephemeral end of another
    # process's connection either (a port in the ephemeral range can be taken by any outgoing connection).
    hex=$(printf ':%04X ' "$port")
    if grep -qs "^ *[0-9]*: [0-9A-F]*$hex" /proc/net/tcp /proc/net/tcp6; then continue; fi
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# PostgreSQL refuses to run as root: as root, the throwaway cluster runs as the postgres system user.
pg_run() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR FSYNC(on|off): a new cluster in DIR; sets PG_PORT.
start_postgres() {
  local dir=$1 fsync=${2:-off} bin; bin=$(pg_bin)
  PG_PORT=$(free_port 55432) || { say "no free port for PostgreSQL"; return 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  pg_run "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { say "initdb failed, see $dir/initdb.log"; return 1; }
  pg_run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir -c fsync=$fsync -c max_connections=300" start >/dev/null \
    || { say "PostgreSQL did not start:"; cat "$dir/log" >&2; return 1; }
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT (fsync $fsync)"
}

stop_postgres() {
  local dir=$1
  if [ -n "$dir" ] && [ -f "$dir/data/postmaster.pid" ]; then
    local pid; pid=$(head -1 "$dir/data/postmaster.pid")
    pg_run "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null
  fi
  [ -n "$dir" ] && rm -rf "$dir"
}

# start_redis DIR: a Redis as the cluster needs it (every write on disk, nothing evicted), loopback only; sets REDIS_PORT.
start_redis() {
  local dir=$1
  REDIS_PORT=$(free_port 56379) || { say "no free port for Redis"; return 1; }
  mkdir -p "$dir"
  /usr/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly yes --dir "$dir" \
    --maxmemory-policy noeviction --daemonize no --logfile "$dir/log" >/dev/null 2>&1 &
  echo $! >"$dir/redis.pid"
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; then
      say "Redis $(/usr/bin/redis-server --version | awk '{print $3}' | cut -d= -f2) running on 127.0.0.1:$REDIS_PORT"
      return 0
    fi
    sleep 0.1
  done
  say "Redis did not start:"; cat "$dir/log" >&2; return 1
}

stop_redis() {
  local dir=$1
  if [ -n "$dir" ] && [ -f "$dir/redis.pid" ]; then
    local pid; pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  [ -n "$dir" ] && rm -rf "$dir"
}
