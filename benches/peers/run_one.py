"""The harness's run_one.py with a "vaxride" solver added.

usage: run_one.py SOLVER FAMILY INSTANCE_PATH TIME_LIMIT_S [SEED]
"""

from vaxride_solver import harness, solve_vaxride

run_one = harness("run_one")
harness("solvers").SOLVERS["vaxride"] = solve_vaxride  # the dict run_one imported

if __name__ == "__main__":
    run_one.main()
