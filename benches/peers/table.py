"""Side-by-side tables from bench.py results: gap to the best-known values, per solver.

usage: table.py RESULTS_JSONL [RESULTS_JSONL ...] > tables.md

Distances follow each family's BKS convention: Solomon and Gehring-Homberger the integer x10
model distance (Euclidean truncated to one decimal), Li & Lim and Cordeau DARP the double-precision
Euclidean length recomputed from the routes. A run counts only if the harness's checker found it
feasible and it served every request; the mean gap is over the instances every shown solver solved.
"""

import csv
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH_DATA = Path(os.environ.get("BENCH_DATA", REPO.parent / "shared" / "benchmarks")).resolve()
BKS = {  # family -> (file, metric in the results)
    "solomon": ("solomon/bks.csv", "dist_scaled_model"),
    "gh200": ("gh200/bks.csv", "dist_scaled_model"),
    "lilim": ("lilim100/bks.csv", "dist_exact"),
    "darp": ("darp_cordeau2006/bks_literature.csv", "dist_exact"),
}
ORDER = ["vaxride", "pyvrp", "ortools", "vroom", "vrpcli", "vrpcli_tours"]


def ok(r):
    """Feasible by the harness's checker and nothing left out."""
    if r is None or r.get("error") or "routes" not in r:
        return False
    return bool(r.get("feasible", r.get("ok", True))) and not r.get("unassigned")


def main():
    rows = [json.loads(line) for f in sys.argv[1:] for line in open(f) if line.strip()]
    groups = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        groups[(r["family"], r["time_limit"])][r["instance"]][r["solver"]] = r
    for (fam, tl), insts in sorted(groups.items()):
        file, metric = BKS[fam]
        bks = {r["instance"].lower(): float(r["distance"]) for r in csv.DictReader(open(BENCH_DATA / file))}
        solvers = [s for s in ORDER if any(s in v for v in insts.values())]
        print(f"\n### {fam}, {tl:g} s per run, one thread\n")
        print("| instance | BKS | " + " | ".join(f"{s} dist / gap" for s in solvers) + " |")
        print("|---|---:|" + "---:|" * len(solvers))
        gaps = defaultdict(dict)
        for inst in sorted(insts):
            b = bks.get(inst.lower())
            cells = [inst, f"{b:.2f}" if b else "–"]
            for s in solvers:
                r = insts[inst].get(s)
                if not ok(r):
                    cells.append("infeasible" if r else "–")
                    continue
                d = r[metric]
                if b:
                    gaps[s][inst] = 100 * (d - b) / b
                    cells.append(f"{d:.2f} / {gaps[s][inst]:+.2f} %")
                else:
                    cells.append(f"{d:.2f}")
            print("| " + " | ".join(cells) + " |")
        common = set.intersection(*(set(gaps[s]) for s in solvers)) if solvers else set()
        print(f"\nMean over the {len(common)} instances every solver solved (else over its own):\n")
        print("| solver | feasible | mean gap | worst gap | over +1 % |")
        print("|---|---:|---:|---:|---:|")
        for s in solvers:
            own = common or set(gaps[s])
            g = [gaps[s][i] for i in own]
            feasible = sum(ok(v.get(s)) for v in insts.values())
            if g:
                worst = max(own, key=lambda i: gaps[s][i])
                print(f"| {s} | {feasible}/{len(insts)} | {sum(g) / len(g):+.3f} % | "
                      f"{gaps[s][worst]:+.2f} % ({worst}) | {sum(x > 1.0 for x in g)} |")
            else:
                print(f"| {s} | {feasible}/{len(insts)} | – | – | – |")
        if "vaxride" in solvers:
            for s in solvers[1:]:
                both = [i for i in insts if i in gaps["vaxride"] and i in gaps[s]]
                better = sum(gaps["vaxride"][i] < gaps[s][i] - 1e-9 for i in both)
                worse = sum(gaps["vaxride"][i] > gaps[s][i] + 1e-9 for i in both)
                print(f"\nvaxride against {s}: better on {better}, equal on {len(both) - better - worse}, "
                      f"worse on {worse} of {len(both)}.")


if __name__ == "__main__":
    main()
