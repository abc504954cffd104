"""The harness's bench.py, running our run_one.py (harness solvers + vaxride).

usage: bench.py JOBS_FILE RESULTS_JSONL [LANES]
Each lane is pinned to one core with taskset; PY (default: this interpreter) runs run_one.py.
"""

import os
import sys

from vaxride_solver import harness

bench = harness("bench")
bench.HERE = os.path.dirname(os.path.abspath(__file__))  # its workers run HERE/run_one.py
bench.PY = os.environ.get("PY", sys.executable)

if __name__ == "__main__":
    bench.main()
