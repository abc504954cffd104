"""Harness adapter for vaxride's CLI, plus the path to the read-only peer harness.

`harness(name)` imports a module of the harness (VAXRIDE_PEERS_DIR, default
../shared/peers next to the repository), whose directory goes first on sys.path.
"""

import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PEERS_DIR = Path(os.environ.get("VAXRIDE_PEERS_DIR", REPO.parent / "shared" / "peers")).resolve()
VAXRIDE_BIN = os.environ.get("VAXRIDE_BIN", str(REPO / "target" / "release" / "vaxride"))
FORMATS = {
    "solomon": "vrplib",
    "gh": "vrplib",
    "gh200": "vrplib",
    "gh400": "vrplib",
    "lilim": "lilim",
    "darp": "cordeau",
}

if not (PEERS_DIR / "solvers.py").is_file():
    sys.exit(f"peer harness not found in {PEERS_DIR}: set VAXRIDE_PEERS_DIR")
sys.path.insert(0, str(PEERS_DIR))


def harness(name):
    """The harness's module `name` (run_one, bench, solvers, table, ...)."""
    module = importlib.import_module(name)
    assert Path(module.__file__).parent == PEERS_DIR, module.__file__
    return module


def solve_vaxride(inst, time_limit, seed=1):
    """Run `vaxride solve` on the instance file; stop ids are the harness node ids."""
    with tempfile.TemporaryDirectory() as td:
        out = os.path.join(td, "solution.json")
        cmd = [
            VAXRIDE_BIN,
            "solve",
            inst.path,
            "--format",
            FORMATS[inst.family],
            "--time-limit",
            str(time_limit),
            "--seed",
            str(seed),
            "--threads",
            "1",
            "--out",
            out,
        ]
        cp = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=time_limit * 3 + 60)
        if cp.returncode != 0 or not os.path.exists(out):
            return None, {"solver_feasible": False, "stderr": cp.stderr[-500:]}
        with open(out) as f:
            sol = json.load(f)
    routes = [[int(stop["id"]) for stop in r["stops"]] for r in sol["routes"]]
    unassigned = len(sol["unassigned"])
    return routes, {"solver_feasible": unassigned == 0, "unassigned": unassigned, "iterations": sol.get("iterations")}
