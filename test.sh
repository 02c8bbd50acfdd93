#!/usr/bin/env bash
# Runs every test of Matchmaker against real SQLite, a private, throwaway PostgreSQL cluster and a
# throwaway Redis (for the multi-node engine tests), each on a free loopback port, the browser
# tests in Debian's Chromium, and the API linter (Spectral, from npm). Installs PostgreSQL, Redis,
# Chromium and npm if they are missing (Debian, as root). Screenshots land in artifacts/screenshots. Prints
# "N passed, N failed, N skipped" as its last line and exits non-zero when anything failed.
#
#   ./test.sh                  every test
#   ./test.sh --fast           the fast lane only (trait Lane=fast: matcher, disclosure, grains on SQLite): no
#                              PostgreSQL, Redis, Chromium or npm is installed or started, only the test project is built
#   ./test.sh --filter ...     any other argument goes to `dotnet test` (with --fast, a --filter narrows the fast lane)
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

FAST=0
ARGS=()
FILTER=""
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) FAST=1 ;;
    --filter) FILTER=${2:-}; shift ;;
    --filter=*) FILTER=${1#--filter=} ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
if [ "$FAST" -eq 1 ]; then FILTER="Lane=fast${FILTER:+&($FILTER)}"; fi
[ -n "$FILTER" ] && ARGS+=(--filter "$FILTER")

# PostgreSQL, Redis, Chromium and the API linter, for every lane but the fast one.
prepare_servers() {
  ensure_postgres "for the PostgreSQL tests" || return 1
  ensure_package /usr/bin/redis-server redis-server "for the cluster tests" || return 1
  ensure_package /usr/bin/chromium chromium "for the browser tests" || return 1
  ensure_package /usr/bin/npm npm "for the API linter" || return 1
  # The NL API Design Rules linter: Spectral from npm, with the project's own ruleset (lint/); run by ApiLintTests.
  TOOLS="$ROOT/artifacts/tools"
  # With it, the TypeScript check of the document: openapi-typescript's types, compiled by tsc (TypeScriptContractTests).
  if [ ! -x "$TOOLS/node_modules/.bin/spectral" ] || [ ! -x "$TOOLS/node_modules/.bin/openapi-typescript" ] || [ ! -x "$TOOLS/node_modules/.bin/tsc" ]; then
    say "installing the API linter (@stoplight/spectral-cli 6.16.3) and the TypeScript check (openapi-typescript 7.13.0, typescript 5.9.3)"
    npm install --no-audit --no-fund --prefix "$TOOLS" @stoplight/spectral-cli@6.16.3 openapi-typescript@7.13.0 typescript@5.9.3 >"$LOG_DIR/npm.log" 2>&1 \
      || say "npm install failed, see $LOG_DIR/npm.log (the linter and TypeScript tests will fail)"
  fi
  export MATCHMAKER_SPECTRAL="$TOOLS/node_modules/.bin/spectral"
  export MATCHMAKER_OPENAPI_TYPESCRIPT="$TOOLS/node_modules/.bin/openapi-typescript"
  export MATCHMAKER_TSC="$TOOLS/node_modules/.bin/tsc"
  start_postgres "$PGDIR" off || return 1
  start_redis "$REDISDIR" || return 1
  export MATCHMAKER_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true"
  export MATCHMAKER_TEST_REDIS="127.0.0.1:$REDIS_PORT"
}
if [ "$FAST" -eq 0 ]; then prepare_servers || { summary 0 1 0; exit 1; }; fi

# The fast lane needs the test project and what it references; everything else builds the whole solution.
TARGET=Matchmaker.sln
[ "$FAST" -eq 1 ] && TARGET=tests/Matchmaker.Tests/Matchmaker.Tests.csproj
say "building $TARGET"
started=$SECONDS
if ! dotnet build "$TARGET" -c Release -nologo -v quiet >"$LOG_DIR/build.log" 2>&1; then
  grep -E "error" "$LOG_DIR/build.log" | sort -u | head -30 >&2
  say "build failed, see $LOG_DIR/build.log"
  summary 0 1 0
  exit 1
fi

say "built in $((SECONDS - started)) s; running the tests${FILTER:+ ($FILTER)}"
started=$SECONDS
dotnet test "$TARGET" -c Release --no-build -nologo ${ARGS[@]+"${ARGS[@]}"} 2>&1 | tee "$LOG_DIR/test.log"
status=${PIPESTATUS[0]}
say "tests ran in $((SECONDS - started)) s"

passed=0; failed=0; skipped=0; assemblies=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s)); assemblies=$((assemblies + 1))
done < <(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \3 \4/p' "$LOG_DIR/test.log")
# A console logger of normal or detailed verbosity (e.g. --logger "console;verbosity=normal") sums up differently.
if [ "$assemblies" -eq 0 ] && grep -qE '^Total tests: [0-9]+' "$LOG_DIR/test.log"; then
  count() { sed -nE "s/^ +$1: +([0-9]+)\$/\1/p" "$LOG_DIR/test.log" | awk '{ n += $1 } END { print n + 0 }'; }
  passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped); assemblies=1
fi

if [ "$assemblies" -eq 0 ]; then
  say "no test results found"
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
