#!/usr/bin/env python3
"""The CP-SAT reference for the covering part of van stop planning (issue 16).

Reads an instance written by `van_cover --dump FILE` (weights, reach, capacity, stops) and
solves it exactly with OR-Tools CP-SAT: x[j] a stop at candidate j, y[i, j] elder i walks to
it; each elder at most one stop; a stop takes at most its capacity, and only if chosen; at
most `stops` chosen; maximise the priority-weighted elders served. Prints one JSON object with
the best value found, the proven bound, the status and the wall time.

    pip install ortools
    python3 benches/vans/cpsat_cover.py FILE [--seconds 600] [--workers 2]
"""

import argparse
import json
import time

from ortools.sat.python import cp_model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with open(args.instance) as f:
        inst = json.load(f)
    weights, reach, capacity, stops = inst["weights"], inst["reach"], inst["capacity"], inst["stops"]
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{j}") for j in range(len(reach))]
    by_elder = {}
    terms = []
    for j, elders in enumerate(reach):
        ys = []
        for i in elders:
            y = m.new_bool_var(f"y{i}_{j}")
            m.add_implication(y, x[j])
            by_elder.setdefault(i, []).append(y)
            ys.append(y)
            terms.append(weights[i] * y)
        if ys:
            m.add(sum(ys) <= capacity[j] * x[j])
    for ys in by_elder.values():
        m.add_at_most_one(ys)
    m.add(sum(x) <= stops)
    m.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = args.seconds
    solver.parameters.num_workers = args.workers
    started = time.time()
    status = solver.solve(m)
    print(json.dumps({
        "status": solver.status_name(status),
        "value": int(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None,
        "bound": int(solver.best_objective_bound),
        "seconds": round(time.time() - started, 3),
        "elders": len(weights),
        "candidates": len(reach),
        "stops": stops,
    }))


if __name__ == "__main__":
    main()
