#!/usr/bin/env bash
# How long the maps' server-side layers take (benches/RESULTS.md, "Map layers"): the road layer
# (GET /api/roads) and trips with their road lines (GET /api/trips?geometry=true), for a driver
# after a reload and for the coordinator's whole day. The server runs the demo office on a real
# extract, on a fresh SQLite file; a short plan is run and published first. Each request is
# timed by curl (time_total) RUNS times; the lines printed are "seconds bytes".
#
#   benches/service/map_layers.sh
#
# Environment: VAXRIDE_BIN (default target/release/vaxride), OSM (default
# ../shared/osm/heidelberg.test.osm.pbf), PORT (18099), RUNS (5).
# Build first: cargo build --release -p vaxride
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${VAXRIDE_BIN:-target/release/vaxride}
OSM=${OSM:-../shared/osm/heidelberg.test.osm.pbf}
PORT=${PORT:-18099}
RUNS=${RUNS:-5}
base=http://127.0.0.1:$PORT
tmp=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

env -u DATABASE_URL "$BIN" serve --database-url "sqlite://$tmp/bench.db" --addr "127.0.0.1:$PORT" \
    --osm "$OSM" >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -sf "$base/api/health" >/dev/null && break; sleep 1; done

login() {
    curl -sf -c "$tmp/cookies-$1" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$2\"}" "$base/api/login" >/dev/null
}
login coordinator coord-demo
login driver-1 driver-demo
as() { curl -sf -b "$tmp/cookies-$1" "${@:2}"; }
timed() {
    for _ in $(seq 1 "$RUNS"); do
        as "$1" -o /dev/null -w '%{time_total} %{size_download}\n' "$base$2"
    done
}

day=$(date +%F)
job=$(as coordinator -H 'content-type: application/json' -d "{\"day\":\"$day\",\"seconds\":10}" \
    "$base/api/plans/run" | jq -r '.job // .id')
for _ in $(seq 1 120); do
    [ "$(as coordinator "$base/api/plans/jobs/$job" | jq -r .status)" = done ] && break
    sleep 1
done
plan=$(as coordinator "$base/api/plans/jobs/$job" | jq -r .plan_id)
as coordinator -X POST "$base/api/plans/$plan/publish" >/dev/null

echo "extract: $OSM; binary: $BIN"
echo "GET /api/roads (coordinator):"
timed coordinator /api/roads
stops=$(as driver-1 "$base/api/trips" | jq '[.[].stops | length] | add')
echo "GET /api/trips (driver-1, $stops stops):"
timed driver-1 /api/trips
echo "GET /api/trips?geometry=true (driver-1):"
timed driver-1 '/api/trips?geometry=true'
trips=$(as coordinator "$base/api/trips?day=$day" | jq length)
echo "GET /api/trips?day=…&geometry=true (coordinator, $trips trips):"
timed coordinator "/api/trips?day=$day&geometry=true"
