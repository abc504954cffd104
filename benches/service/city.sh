#!/usr/bin/env bash
# The city-district bench of issue 13 (benches/RESULTS.md, "City district on 3 instances"):
# a demo city district of 10 street offices × 500 bookings (`serve --seed-only --demo-offices
# 10 --demo-requests 500`) seeded once into a fresh PostgreSQL database, on Heidelberg's real
# roads (the OSM extract: ten offices of about 2 km × 2 km side by side in the city's 6.3 km
# square, with its river, bridges and one-way streets; the generated town is 3.9 km across,
# too small for ten), then 3 instances of `vaxride serve` on that database. Each office's
# coordinator logs in on the instances in turn, all 10 offices' plans are started at once
# (20 s each), the instance with the most running jobs is killed with kill -9 a few seconds
# into the run, and the jobs are followed through the instances still up until all have
# ended. benches/service/city.py does the HTTP part and prints the report: each office's
# served share, job state, attempts, which instance claimed and finished it, the plan rows in
# the database (one per district and day: no job finished twice), and the wall time.
#
#   benches/service/city.sh
#
# Environment: VAXRIDE_BIN (default target/release/vaxride), OSM (default
# ${VAXRIDE_OSM_DIR:-../shared/osm}/heidelberg.test.osm.pbf; "town" for the generated town),
# OFFICES (10), REQUESTS (500), INSTANCES (3), PLAN_SECONDS (20: each plan's search),
# PLAN_SLOTS (planning runs per instance) and PLAN_THREADS (solver threads per run), both by
# default serve's own (the cores), KILL_AFTER (seconds after the start, 8), RESTART (unset:
# the killed instance stays down and its jobs are taken over when their 15 s lease lapses; a
# number: it starts again under its name that many seconds after the kill and takes its jobs
# back at once), BASE_PORT (18180), PGURL (default postgres://postgres@127.0.0.1:5432), LOGS
# (a folder to keep the seed's and the instances' logs in; default a temporary one).
# Build first: cargo build --release -p vaxride
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${VAXRIDE_BIN:-target/release/vaxride}
OSM=${OSM:-${VAXRIDE_OSM_DIR:-../shared/osm}/heidelberg.test.osm.pbf}
OFFICES=${OFFICES:-10}
REQUESTS=${REQUESTS:-500}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
tmp=$(mktemp -d)
logs=${LOGS:-$tmp}
mkdir -p "$logs"
pgdb="vaxride_city_$$_$RANDOM"
cleanup() {
    dropdb -h 127.0.0.1 -U postgres --if-exists "$pgdb" || true
    rm -rf "$tmp"
}
trap cleanup EXIT

network=()
[ "$OSM" != town ] && network=(--osm "$OSM")
createdb -h 127.0.0.1 -U postgres "$pgdb"
url="$PGURL/$pgdb"
echo "== seeding $OFFICES offices × $REQUESTS bookings on ${OSM}" >&2
start=$(date +%s)
"$BIN" serve --seed-only --database-url "$url" --demo-offices "$OFFICES" \
    --demo-requests "$REQUESTS" "${network[@]}" >"$logs/seed.log" 2>&1
echo "   seeded in $(($(date +%s) - start)) s" >&2

extra=()
[ -n "${PLAN_SLOTS:-}" ] && extra+=(--plan-slots "$PLAN_SLOTS")
[ -n "${PLAN_THREADS:-}" ] && extra+=(--plan-threads "$PLAN_THREADS")
[ -n "${RESTART:-}" ] && extra+=(--restart "$RESTART")
[ "$OSM" != town ] && extra+=(--osm "$OSM")
python3 benches/service/city.py --bin "$BIN" --database-url "$url" --db "$pgdb" \
    --offices "$OFFICES" --instances "${INSTANCES:-3}" --base-port "${BASE_PORT:-18180}" \
    --seconds "${PLAN_SECONDS:-20}" --kill-after "${KILL_AFTER:-8}" --logs "$logs" \
    "${extra[@]}"
