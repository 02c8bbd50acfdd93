#!/usr/bin/env bash
# The matcher against scipy's linear_sum_assignment on SEEDS instances of the region family (issue 23: 500 children,
# 400 offerings, 2-8 % in sibling groups, 4-16 care types, 1-16 units per offering), seed by seed on this machine,
# then the median and the worst of the seeds. scipy's figure is its kernel alone on the expanded matrix (a column per
# unit); with sibling groups it solves a looser problem (an assignment matrix cannot keep siblings together).
# Usage: loadtests/scipy/families.sh [SEEDS] [REPEAT]     (needs: apt-get install python3-scipy)
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds="${1:-10}" repeat="${2:-50}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build -c Release -nologo -v quiet loadtests/Matchmaker.LoadTests >/dev/null
dotnet build -c Release -nologo -v quiet src/Silo >/dev/null
console=loadtests/Matchmaker.LoadTests/bin/Release/net10.0/Matchmaker.LoadTests.dll
silo=src/Silo/bin/Release/net10.0/Matchmaker.Silo.dll
for seed in $(seq 1 "$seeds"); do
  dotnet "$console" instance region-family "$seed" > "$work/instance.json"
  dotnet "$console" matrix "$work/instance.json" "$work/matrix.npy" >/dev/null
  matcher=$(dotnet "$silo" solve "$work/instance.json" --repeat "$repeat")
  scipy=$(/usr/bin/python3 loadtests/scipy/linear_sum_assignment.py "$work/matrix.npy" "$repeat")
  solve=$(sed -E 's/.*warm median ([0-9.]+) ms over.*/\1/' <<<"$matcher")
  allocate=$(sed -E 's/.*allocation alone: warm median ([0-9.]+) ms.*/\1/' <<<"$matcher")
  kernel=$(sed -E 's/.*, median ([0-9.]+) ms over.*/\1/' <<<"$scipy")
  echo "seed $seed: matcher full solve $solve ms, allocation alone $allocate ms; scipy kernel $kernel ms; ${matcher%%;*}"
  echo "$seed $solve $allocate $kernel" >> "$work/times"
done
/usr/bin/python3 - "$work/times" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
solve, allocate, kernel = ([float(r[i]) for r in rows] for i in (1, 2, 3))
ratio = [s / k for s, k in zip(solve, kernel)]
print(f"region family, {len(rows)} seeds: matcher full solve median {statistics.median(solve):.2f} ms, worst {max(solve):.2f} ms; "
      f"allocation alone median {statistics.median(allocate):.2f} ms, worst {max(allocate):.2f} ms; "
      f"scipy kernel median {statistics.median(kernel):.2f} ms, worst {max(kernel):.2f} ms; "
      f"full solve / scipy per seed: median {statistics.median(ratio):.2f}, worst {max(ratio):.2f}")
PY
