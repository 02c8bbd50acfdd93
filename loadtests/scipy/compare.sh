#!/usr/bin/env bash
# The matcher against scipy's linear_sum_assignment on the same instance, one after the other on this machine.
# Usage: loadtests/scipy/compare.sh [region|country] [seed] [repeat] [siblingShare]   (needs: apt-get install python3-scipy)
# An assignment matrix cannot say "siblings together": with siblings (share > 0) scipy solves a looser problem.
set -euo pipefail
cd "$(dirname "$0")/../.."
size="${1:-region}" seed="${2:-1}" repeat="${3:-200}" siblings="${4:-0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build -c Release -nologo -v quiet loadtests/Matchmaker.LoadTests >/dev/null
dotnet build -c Release -nologo -v quiet src/Silo >/dev/null
console=loadtests/Matchmaker.LoadTests/bin/Release/net10.0/Matchmaker.LoadTests.dll
dotnet "$console" instance "$size" "$seed" "$siblings" > "$work/instance.json"
dotnet "$console" matrix "$work/instance.json" "$work/matrix.npy"

silo=src/Silo/bin/Release/net10.0/Matchmaker.Silo.dll
echo "matcher:"
dotnet "$silo" solve "$work/instance.json" | /usr/bin/python3 -c '
import json, sys
o = json.load(sys.stdin)["objective"]
print("placed", sum(o["assignedByPriority"]), o["assignedByPriority"], "waiting days", o["waitingDays"], "distance", o["distanceKm"], "km")'
dotnet "$silo" solve "$work/instance.json" --repeat "$repeat"
echo "scipy:"
/usr/bin/python3 loadtests/scipy/linear_sum_assignment.py "$work/matrix.npy" "$repeat"
