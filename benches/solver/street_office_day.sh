#!/usr/bin/env bash
# The street-office day of issue 3: 500 elders (most with a ride home), 60 vehicles,
# 5 sites + a mobile van (2 stops) × 16 slots. Generates each seed's day, solves it for
# TIME_LIMIT seconds on one thread, prints served share, distance (seconds of driving), wall time
# and peak memory.
# usage: benches/solver/street_office_day.sh [TIME_LIMIT=30] [SEEDS="1 2 3"]
set -euo pipefail
cd "$(dirname "$0")/../.."
limit=${1:-30}
seeds=${2:-"1 2 3"}
bin=${VAXRIDE_BIN:-target/release/vaxride}
work=$(mktemp -d)
echo "| seed | requests | served | served % | unassigned by reason | driving time (h) | wall s | peak RSS MB |"
echo "|---|---:|---:|---:|---|---:|---:|---:|"
for seed in $seeds; do
  "$bin" generate-day --seed "$seed" --out "$work/day$seed.json"
  /usr/bin/time -f "%e %M" -o "$work/time$seed" "$bin" solve "$work/day$seed.json" --format json \
    --time-limit "$limit" --seed 1 --out "$work/sol$seed.json" 2>/dev/null
  read -r wall rss < "$work/time$seed"
  python3 - "$work/day$seed.json" "$work/sol$seed.json" "$seed" "$wall" "$rss" <<'PY'
import collections, json, sys
day, sol = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
n = len(day["requests"]); served = sol["objective"]["served"]
why = collections.Counter(u["reason"] for u in sol["unassigned"])
print(f"| {sys.argv[3]} | {n} | {served} | {100*served/n:.1f} % | {dict(why) or '–'} | "
      f"{sol['objective']['total_distance']/3600:.1f} | {float(sys.argv[4]):.1f} | {int(sys.argv[5])/1024:.0f} |")
PY
done
rm -rf "$work"
