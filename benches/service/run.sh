#!/usr/bin/env bash
# The service benchmarks of issue 4 (benches/RESULTS.md, "The service"):
#   bookings: POST /api/bookings in an open loop at a fixed rate (booking_load);
#   push:     commit -> driver's SSE frame with 1,000 drivers connected (push_latency).
# Each run starts the release server on a fresh database (a SQLite file in a temporary folder,
# or a new PostgreSQL database that is dropped afterwards) and stops it at the end.
#
#   benches/service/run.sh [bookings|push|all] [sqlite|postgres|both]
#
# Environment: VAXRIDE_BIN (default target/release/vaxride), PORT (default 18080),
# PGURL (default postgres://postgres@127.0.0.1:5432), RATE (300), DURATION (seconds, 30),
# ELDERS (300), DRIVERS (1000), BOOKING_FLAGS (extra booking_load flags, e.g. --idempotency).
# Build first: cargo build --release -p vaxride
#              cargo build --release -p vaxride-benches --bin booking_load --bin push_latency
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
dbs=${2:-both}
BIN=${VAXRIDE_BIN:-target/release/vaxride}
PORT=${PORT:-18080}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
RATE=${RATE:-300}
DURATION=${DURATION:-30}
ELDERS=${ELDERS:-300}
DRIVERS=${DRIVERS:-1000}
ulimit -n 20000
tmp=$(mktemp -d)
server=""
pgdb=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ -n "$pgdb" ]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$pgdb" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# start DB-KIND [--no-demo]: a fresh database and the server on it; sets $url and $server.
start() {
    local kind=$1; shift
    if [ "$kind" = sqlite ]; then
        url="sqlite://$tmp/bench-$RANDOM.db"
    else
        pgdb="vaxride_bench_$$_$RANDOM"
        createdb -h 127.0.0.1 -U postgres "$pgdb"
        url="$PGURL/$pgdb"
    fi
    "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$url" --no-cache "$@" \
        >"$tmp/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "the server did not start" >&2; tail "$tmp/server.log" >&2; exit 1
}

stop() {
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
    if [ -n "$pgdb" ]; then dropdb -h 127.0.0.1 -U postgres "$pgdb"; pgdb=""; fi
}

kinds=(sqlite postgres)
[ "$dbs" = sqlite ] && kinds=(sqlite)
[ "$dbs" = postgres ] && kinds=(postgres)
for kind in "${kinds[@]}"; do
    if [ "$what" = bookings ] || [ "$what" = all ]; then
        start "$kind"
        echo "== bookings on $kind" >&2
        # shellcheck disable=SC2086
        target/release/booking_load --server "http://127.0.0.1:$PORT" --rate "$RATE" \
            --seconds "$DURATION" --elders "$ELDERS" ${BOOKING_FLAGS:-} | sed "s/^/{\"database\":\"$kind\",\"bench\":\"bookings\",\"result\":/; s/\$/}/"
        stop
    fi
    if [ "$what" = push ] || [ "$what" = all ]; then
        start "$kind" --no-demo
        echo "== push on $kind" >&2
        target/release/push_latency --server "http://127.0.0.1:$PORT" --database-url "$url" \
            --drivers "$DRIVERS"
        stop
    fi
done
