#!/usr/bin/env bash
# Prepare OSRM (CH) reference data for the vaxride benchmark.  Idempotent.
#
# Usage: benches/osrm/setup_osrm.sh [NAME|FILE.osm.pbf ...]     (default: heidelberg columbus)
#
#   NAME is looked up as $VAXRIDE_OSM_DIR/NAME.*osm.pbf (default dir ../shared/osm beside the project).
#   Work dir: $VAXRIDE_OSRM_DIR (default <project>/target/osrm-bench).  It gets
#     venv/                  Python >= 3.12 venv with osrm-bindings (binaries + car.lua inside)
#     NAME/NAME.osm.pbf      symlink to the extract (never a copy)
#     NAME/NAME.osrm.*       osrm-extract + osrm-contract output (CH only, no partition)
#     NAME/{extract,contract}.log
#   Env: OSRM_BINDINGS_VERSION (default 26.10.0), OSRM_THREADS (default: nproc).
set -euo pipefail

die() { echo "setup_osrm: error: $*" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${VAXRIDE_OSRM_DIR:-$ROOT/target/osrm-bench}
OSM_DIR=${VAXRIDE_OSM_DIR:-$ROOT/../shared/osm}
VERSION=${OSRM_BINDINGS_VERSION:-26.10.0}
THREADS=${OSRM_THREADS:-$(nproc)}
[ $# -gt 0 ] || set -- heidelberg columbus
mkdir -p "$WORK"

# --- 1. a Python >= 3.12 -----------------------------------------------------
ok_py() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
find_python() {
    local c
    if command -v pyenv >/dev/null; then
        for c in $(ls -d "$(pyenv root)"/versions/3.1[2-9]* 2>/dev/null | sort -V); do
            ok_py "$c/bin/python3" && { echo "$c/bin/python3"; return; }
        done
    fi
    for c in python3.12 python3.13 python3.14 python3; do
        ok_py "$(command -v $c)" && { command -v $c; return; }
    done
    return 1
}

VENV=$WORK/venv
if ! ok_py "$VENV/bin/python"; then
    PY=$(find_python) || die "no Python >= 3.12 found (tried pyenv versions 3.12+, python3.12/3.13/3.14/python3 on PATH); install one, e.g. 'pyenv install 3.12'"
    echo "setup_osrm: creating venv with $PY ($("$PY" --version))"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" || die "could not create venv at $VENV"
fi
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('osrm-bindings') != '$VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet "osrm-bindings==$VERSION" || die "pip install osrm-bindings==$VERSION failed"
fi

# --- 2. binaries and profile inside the installed package ---------------------
PKG=$("$VENV/bin/python" -c 'import os, osrm; print(os.path.dirname(osrm.__file__))') \
    || die "cannot import osrm from $VENV"
BIN=$PKG/bin
PROFILE=$PKG/share/profiles/car.lua
for f in "$BIN/osrm-extract" "$BIN/osrm-contract" "$PROFILE"; do
    [ -e "$f" ] || die "$f not found in the osrm-bindings package"
done

# --- 3. extract + contract each data set --------------------------------------
run_step() {  # run_step NAME STEP CMD... : skip if stamp exists, log, time
    local dir=$WORK/$1 step=$2; shift 2
    if [ -e "$dir/$step.ok" ]; then echo "  $step: done already"; return; fi
    local t0=$SECONDS
    "$@" >"$dir/$step.log" 2>&1 || { tail -n 20 "$dir/$step.log" >&2; die "$step failed for $(basename "$dir"), see $dir/$step.log"; }
    touch "$dir/$step.ok"
    echo "  $step: $((SECONDS - t0)) s"
}

for arg in "$@"; do
    if [ -f "$arg" ]; then pbf=$(realpath "$arg"); name=$(basename "$arg"); name=${name%%.*}
    else
        name=$arg
        pbf=$(ls "$OSM_DIR/$name".*osm.pbf "$OSM_DIR/$name.osm.pbf" 2>/dev/null | head -n 1) || true
        [ -n "$pbf" ] || die "no extract $OSM_DIR/$name.*osm.pbf"
    fi
    dir=$WORK/$name
    mkdir -p "$dir"
    ln -sfn "$pbf" "$dir/$name.osm.pbf"
    echo "setup_osrm: $name <- $pbf"
    run_step "$name" extract  "$BIN/osrm-extract" -t "$THREADS" -p "$PROFILE" "$dir/$name.osm.pbf"
    run_step "$name" contract "$BIN/osrm-contract" -t "$THREADS" "$dir/$name.osrm"
    echo "  data: $dir/$name.osrm  (algorithm CH)"
done

echo "setup_osrm: venv python: $VENV/bin/python"
echo "setup_osrm: binaries:    $BIN"
echo "setup_osrm: profile:     $PROFILE"
