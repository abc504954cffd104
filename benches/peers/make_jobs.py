"""Write a JOBS file for bench.py: every instance of a family, solvers interleaved per instance.

usage: make_jobs.py FAMILY TIME_LIMIT SOLVER[,SOLVER...] [--seed N] [--only NAMES] [-o JOBS]
FAMILY: solomon | gh200 | lilim | darp. Instances are read from BENCH_DATA (default
../shared/benchmarks next to the repository).
"""

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH_DATA = Path(os.environ.get("BENCH_DATA", REPO.parent / "shared" / "benchmarks")).resolve()
FAMILIES = {  # family -> (folder, file pattern)
    "solomon": ("solomon", "*.vrp"),
    "gh200": ("gh200", "*.vrp"),
    "lilim": ("lilim100", "*.txt"),
    "darp": ("darp_cordeau2006", "a*.txt"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("family", choices=FAMILIES)
    ap.add_argument("time_limit", type=float)
    ap.add_argument("solvers", help="comma-separated, e.g. vaxride,pyvrp")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="comma-separated instance names, e.g. C101,R101")
    ap.add_argument("-o", "--out", help="jobs file (default: standard output)")
    args = ap.parse_args()

    folder, pattern = FAMILIES[args.family]
    paths = sorted((BENCH_DATA / folder).glob(pattern))
    if args.only:
        wanted = {n.lower() for n in args.only.split(",")}
        paths = [p for p in paths if p.stem.lower() in wanted]
        missing = wanted - {p.stem.lower() for p in paths}
        if missing:
            sys.exit(f"not found in {BENCH_DATA / folder}: {', '.join(sorted(missing))}")
    lines = [f"{s} {args.family} {p} {args.time_limit:g} {args.seed}\n" for p in paths for s in args.solvers.split(",")]
    if args.out:
        with open(args.out, "w") as f:
            f.writelines(lines)
    else:
        sys.stdout.writelines(lines)


if __name__ == "__main__":
    main()
