#!/usr/bin/env python3
"""Side-by-side 1000x1000 matrix benchmark: OSRM (CH, in-process libosrm) against the vaxride CLI.

Usage:
  benches/osrm/setup_osrm.sh heidelberg columbus          # once: venv + OSRM data
  python3 benches/osrm/side_by_side.py NAME [NAME ...] [options]

Options:
  --reps R          timed repetitions after 1 warm-up (OSRM) / after the cold run (vaxride); default 5
  --osrm-only       run only the OSRM part (no vaxride binary needed)
  --points FILE     default ../shared/peers/osrm/NAME_points_1000.json ([[lon, lat], ...])
  --osm FILE        default $VAXRIDE_OSM_DIR/NAME.*osm.pbf (VAXRIDE_OSM_DIR default ../shared/osm)
  --markdown FILE   append the summary table to FILE

Env: VAXRIDE_OSRM_DIR cache dir (default <project>/target/osrm-bench), VAXRIDE_BIN (default target/release/vaxride).

What is timed:
  OSRM    eng.Table() for all points, annotations duration+distance, engine already loaded (load time
          reported apart); includes snapping and building the result object, excludes conversion to Python lists.
  vaxride `VAXRIDE_BIN matrix --osm EXTRACT --points POINTS --out OUT.json`, R+1 runs; the stderr line
          `load_ms=.. preprocess_ms=.. snap_ms=.. matrix_ms=..` is parsed; run 1 = cold, runs 2.. = warm (median).
Outputs in CACHE/NAME/: osrm_matrix.json, vaxride_out.json, side_by_side.json.
Comparison: off-diagonal cells where both are non-null; rel = (vaxride - osrm) / osrm.
"""
import argparse, glob, json, math, os, re, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("VAXRIDE_OSRM_DIR", os.path.join(ROOT, "target", "osrm-bench"))
SHARED = os.environ.get("VAXRIDE_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
OSM_DIR = os.environ.get("VAXRIDE_OSM_DIR", os.path.join(SHARED, "osm"))
POINTS_DIR = os.path.join(SHARED, "peers", "osrm")
KEYS = ("load_ms", "preprocess_ms", "snap_ms", "matrix_ms")


def osrm_worker(data, points_file, out_file, reps):
    """Runs inside the venv's Python (>= 3.12, osrm-bindings). Writes the OSRM matrix + timings."""
    import osrm

    pts = json.load(open(points_file))
    t = time.perf_counter()
    eng = osrm.OSRM(storage_config=data, algorithm="CH", use_shared_memory=False,
                    max_locations_distance_table=max(1000, len(pts)))
    load_s = time.perf_counter() - t
    params = osrm.TableParameters(coordinates=[tuple(p) for p in pts],
                                  annotations=["duration", "distance"], generate_hints=False)
    times = []
    for _ in range(reps + 1):
        t = time.perf_counter()
        res = eng.Table(params)
        times.append(time.perf_counter() - t)
    if res["code"] != "Ok":
        sys.exit(f"OSRM table failed: {res['code']}")
    # sources and destinations are the same points, so one waypoint list describes the snapping
    out = {
        "durations_s": [list(row) for row in res["durations"]],
        "distances_m": [list(row) for row in res["distances"]],
        "snapped": [{"lon": w["location"][0], "lat": w["location"][1], "snap_m": w["distance"]}
                    for w in res["sources"]],
        "timing": {"load_s": load_s, "warmup_s": times[0], "runs_s": times[1:],
                   "median_s": statistics.median(times[1:])},
    }
    json.dump(out, open(out_file, "w"))


def run_osrm(name, points, reps):
    py = os.path.join(CACHE, "venv", "bin", "python")
    data = os.path.join(CACHE, name, name + ".osrm")
    if not (os.path.exists(py) and os.path.exists(os.path.join(CACHE, name, "contract.ok"))):
        sys.exit(f"no OSRM data for {name} in {CACHE}; run benches/osrm/setup_osrm.sh {name}")
    out = os.path.join(CACHE, name, "osrm_matrix.json")
    subprocess.run([py, os.path.abspath(__file__), "--_osrm-worker", data, points, out, str(reps)], check=True)
    return json.load(open(out))


def parse_timings(stderr):
    """{key: float} for each key of KEYS found as `key=NUMBER` (any suffix after the number is ignored)."""
    found = {}
    for k in KEYS:
        m = re.search(rf"\b{k}=\s*([0-9]+(?:\.[0-9]+)?)", stderr)
        if m:
            found[k] = float(m.group(1))
    return found


def run_vaxride(name, osm, points, reps):
    binary = os.environ.get("VAXRIDE_BIN", os.path.join(ROOT, "target", "release", "vaxride"))
    if not os.access(binary, os.X_OK):
        sys.exit(f"vaxride binary not found: {binary} (cargo build --release, or set VAXRIDE_BIN; or use --osrm-only)")
    out = os.path.join(CACHE, name, "vaxride_out.json")
    runs = []
    for i in range(reps + 1):
        t = time.perf_counter()
        p = subprocess.run([binary, "matrix", "--osm", osm, "--points", points, "--out", out],
                           capture_output=True, text=True)
        wall_ms = (time.perf_counter() - t) * 1000
        if p.returncode != 0:
            sys.exit(f"vaxride run {i + 1} failed ({p.returncode}):\n{p.stderr[-2000:]}")
        t = parse_timings(p.stderr)
        if len(t) < len(KEYS):
            print(f"warning: run {i + 1}: missing {set(KEYS) - set(t)} in stderr: {p.stderr.strip()[-300:]!r}", file=sys.stderr)
        t["wall_ms"] = wall_ms
        runs.append(t)
    cold = runs[0]
    warm = {k: statistics.median([r[k] for r in runs[1:] if k in r])
            for k in KEYS + ("wall_ms",) if any(k in r for r in runs[1:])}
    return json.load(open(out)), {"cold": cold, "warm_median": warm, "runs": runs}


def pct(xs, q):
    """Linear-interpolated percentile, q in [0, 100]."""
    if not xs:
        return math.nan
    xs = sorted(xs)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def compare(vax, osr):
    res = {}
    for key in ("durations_s", "distances_m"):
        a, b = vax[key], osr[key]
        if len(a) != len(b):
            sys.exit(f"{key}: vaxride has {len(a)} rows, OSRM {len(b)}")
        rel, faster, null_v, null_o, zero_o = [], 0, 0, 0, 0
        for i, (ra, rb) in enumerate(zip(a, b)):
            for j, (v, o) in enumerate(zip(ra, rb)):
                if i == j:
                    continue
                null_v += v is None
                null_o += o is None
                if v is None or o is None:
                    continue
                if o == 0:
                    zero_o += 1
                    continue
                rel.append((v - o) / o)
                faster += v < o
        res[key] = {"cells": len(rel), "null_vaxride": null_v, "null_osrm": null_o, "osrm_zero_skipped": zero_o,
                    "rel_median": pct(rel, 50), "rel_p5": pct(rel, 5), "rel_p95": pct(rel, 95),
                    "abs_rel_median": pct([abs(x) for x in rel], 50), "vaxride_lower_share": faster / max(1, len(rel))}
    res["snap_median_m"] = {"osrm": statistics.median(s["snap_m"] for s in osr["snapped"]),
                            "vaxride": statistics.median(s["snap_m"] for s in vax["snapped"])}
    return res


def default_file(pattern, what):
    hits = sorted(glob.glob(pattern))
    if not hits:
        sys.exit(f"no {what} matching {pattern}; pass it explicitly")
    return hits[0]


HEADER = ("| extract | N | OSRM table ms | vaxride snap+matrix ms (warm) | OSRM / vaxride | vaxride matrix ms (warm) "
          "| vaxride total ms cold / warm | dur rel diff med / p95 | dist rel diff med / p95 | vaxride faster | "
          "snap median m OSRM / vaxride | null cells OSRM / vaxride |")


def fmt(x, spec=".0f"):
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def markdown(r):
    o = r["osrm"]["timing"]
    line = f"| {r['name']} | {r['n']} | {fmt(o['median_s'] * 1000)} |"
    if "vaxride" not in r:
        return line + " – |" * 9
    w, c, cmp_ = r["vaxride"]["warm_median"], r["vaxride"]["cold"], r["compare"]
    sm = w.get("snap_ms", 0) + w.get("matrix_ms", math.nan)
    d, s = cmp_["durations_s"], cmp_["distances_m"]
    return line + (f" {fmt(sm, '.1f')} | {fmt(o['median_s'] * 1000 / sm, '.1f')}× | {fmt(w.get('matrix_ms'), '.1f')} "
                   f"| {fmt(c['wall_ms'])} / {fmt(w['wall_ms'])} "
                   f"| {d['rel_median']:+.1%} / {d['rel_p95']:+.1%} | {s['rel_median']:+.1%} / {s['rel_p95']:+.1%} "
                   f"| {d['vaxride_lower_share']:.0%} | {cmp_['snap_median_m']['osrm']:.1f} / {cmp_['snap_median_m']['vaxride']:.1f} "
                   f"| {d['null_osrm']} / {d['null_vaxride']} |")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--_osrm-worker":
        return osrm_worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="+")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--osrm-only", action="store_true")
    ap.add_argument("--points")
    ap.add_argument("--osm")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    if len(args.names) > 1 and (args.points or args.osm):
        ap.error("--points/--osm only with a single NAME")

    rows, lines = [], []
    for name in args.names:
        points = os.path.abspath(args.points or default_file(f"{POINTS_DIR}/{name}_points_1000.json", "points"))
        n = len(json.load(open(points)))
        print(f"== {name}: OSRM CH table {n}x{n}, 1 warm-up + {args.reps}", file=sys.stderr)
        osr = run_osrm(name, points, args.reps)
        r = {"name": name, "n": n, "points": points, "reps": args.reps,
             "osrm": {"timing": osr["timing"],
                      "nulls": sum(v is None for row in osr["durations_s"] for v in row),
                      "snap_median_m": statistics.median(s["snap_m"] for s in osr["snapped"])}}
        t = osr["timing"]
        print(f"   OSRM load {t['load_s']:.2f} s; table median {t['median_s'] * 1000:.0f} ms "
              f"(min {min(t['runs_s']) * 1000:.0f}, max {max(t['runs_s']) * 1000:.0f}, warm-up {t['warmup_s'] * 1000:.0f}); "
              f"null cells {r['osrm']['nulls']}; snap median {r['osrm']['snap_median_m']:.1f} m", file=sys.stderr)
        if not args.osrm_only:
            osm = os.path.abspath(args.osm or default_file(f"{OSM_DIR}/{name}.*osm.pbf", "extract"))
            print(f"== {name}: vaxride matrix, {args.reps + 1} runs", file=sys.stderr)
            vax, timing = run_vaxride(name, osm, points, args.reps)
            r.update(osm=osm, vaxride=timing, compare=compare(vax, osr))
            for label, t in (("cold", timing["cold"]), ("warm median", timing["warm_median"])):
                print(f"   vaxride {label}: " + " ".join(f"{k}={fmt(t.get(k), '.1f')}" for k in KEYS + ("wall_ms",)),
                      file=sys.stderr)
        json.dump(r, open(os.path.join(CACHE, name, "side_by_side.json"), "w"), indent=1)
        rows.append(r)
        lines.append(markdown(r))

    table = "\n".join([HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"] + lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "a") as f:
            f.write(f"\n{table}\n")


if __name__ == "__main__":
    main()
