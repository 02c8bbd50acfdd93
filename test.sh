#!/usr/bin/env bash
# Runs every test of Matchmaker against real SQLite, a private, throwaway PostgreSQL cluster and a
# throwaway Redis (for the multi-node engine tests), each on a free loopback port, the browser
# tests in Debian's Chromium, and the API linter (Spectral, from npm). Installs PostgreSQL, Redis,
# Chromium and npm if they are missing (Debian, as root). Screenshots land in artifacts/screenshots. Prints
# "N passed, N failed, N skipped" as its last line and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
LOG_DIR="$ROOT/artifacts/test-logs"
mkdir -p "$LOG_DIR"

say() { printf '[test.sh] %s\n' "$*" >&2; }
# shellcheck source=scripts/servers.sh
. "$ROOT/scripts/servers.sh"

PGDIR=$(mktemp -d /tmp/matchmaker-pg.XXXXXX)
REDISDIR=$(mktemp -d /tmp/matchmaker-redis.XXXXXX)
stop_servers() { stop_postgres "$PGDIR"; stop_redis "$REDISDIR"; }
trap stop_servers EXIT

summary() { echo "$1 passed, $2 failed, $3 skipped"; }

ensure_postgres "for the PostgreSQL tests" || { summary 0 1 0; exit 1; }
ensure_package /usr/bin/redis-server redis-server "for the cluster tests" || { summary 0 1 0; exit 1; }
ensure_package /usr/bin/chromium chromium "for the browser tests" || { summary 0 1 0; exit 1; }
ensure_package /usr/bin/npm npm "for the API linter" || { summary 0 1 0; exit 1; }
# The NL API Design Rules linter: Spectral from npm, with the project's own ruleset (lint/); run by ApiLintTests.
TOOLS="$ROOT/artifacts/tools"
if [ ! -x "$TOOLS/node_modules/.bin/spectral" ]; then
  say "installing the API linter (@stoplight/spectral-cli 6.16.3)"
  npm install --no-audit --no-fund --prefix "$TOOLS" @stoplight/spectral-cli@6.16.3 >"$LOG_DIR/npm.log" 2>&1 \
    || say "npm install failed, see $LOG_DIR/npm.log (the linter test will fail)"
fi
export MATCHMAKER_SPECTRAL="$TOOLS/node_modules/.bin/spectral"
start_postgres "$PGDIR" off || { summary 0 1 0; exit 1; }
start_redis "$REDISDIR" || { summary 0 1 0; exit 1; }
export MATCHMAKER_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true"
export MATCHMAKER_TEST_REDIS="127.0.0.1:$REDIS_PORT"

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
