#!/usr/bin/env python3
"""Run `vaxride solve` over a benchmark family and print gaps to the best-known solutions.

usage: benches/solver/run_family.py FAMILY TIME_LIMIT_S [--only A,B,...] [--lanes 2] [--seed 1]
       [--markdown FILE] [--jsonl FILE]

FAMILY: solomon | gh200 | lilim100 | darp (folders of ../shared/benchmarks, or $VAXRIDE_BENCHMARKS_DIR).
Each solution is verified by vaxride's independent checker before the CLI writes it (the CLI fails
otherwise). Gap = (distance - bks) / bks, in the family's BKS convention (see docs/formats.md).
Runs `lanes` instances at a time, one solver thread each.
"""
import argparse, concurrent.futures as cf, csv, json, os, re, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.environ.get("VAXRIDE_BENCHMARKS_DIR", os.path.join(os.path.dirname(ROOT), "shared", "benchmarks"))
BIN = os.environ.get("VAXRIDE_BIN", os.path.join(ROOT, "target", "release", "vaxride"))
FOLDERS = {"solomon": ("solomon", ".vrp", "bks.csv"), "gh200": ("gh200", ".vrp", "bks.csv"),
           "lilim100": ("lilim100", ".txt", "bks.csv"), "darp": ("darp_cordeau2006", ".txt", "bks_literature.csv")}


def run(path, tl, seed):
    out = subprocess.run([BIN, "solve", path, "--time-limit", str(tl), "--seed", str(seed)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr.strip()[-300:]}
    sol = json.loads(out.stdout)
    o = sol["objective"]
    return {"served": o["served"], "unassigned": len(sol["unassigned"]), "vehicles": o["vehicles"],
            "distance": o["total_distance"], "elapsed_s": sol["elapsed_s"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("family", choices=FOLDERS)
    ap.add_argument("time_limit", type=float)
    ap.add_argument("--only")
    ap.add_argument("--lanes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--markdown")
    ap.add_argument("--jsonl")
    a = ap.parse_args()
    folder, ext, bks_name = FOLDERS[a.family]
    d = os.path.join(BENCH, folder)
    bks = {r["instance"]: r for r in csv.DictReader(open(os.path.join(d, bks_name)))}
    names = sorted(n[: -len(ext)] for n in os.listdir(d) if n.endswith(ext))
    if a.only:
        names = [n for n in names if n in a.only.split(",")]
    with cf.ThreadPoolExecutor(a.lanes) as ex:
        results = dict(zip(names, ex.map(lambda n: run(os.path.join(d, n + ext), a.time_limit, a.seed), names)))
    rows, gaps = [], []
    for n in names:
        r = results[n]
        b = bks.get(n)
        if "error" in r or b is None:
            rows.append(f"| {n} | error: {r.get('error', 'no bks')} |")
            continue
        gap = 100.0 * (r["distance"] - float(b["distance"])) / float(b["distance"])
        if r["unassigned"] == 0:
            gaps.append(gap)
        bv = b.get("vehicles", "")
        rows.append(f"| {n} | {r['served']} | {r['unassigned']} | {r['vehicles']} | {r['distance']:.2f} | {bv} | {float(b['distance']):.2f} | {gap:+.2f} % |")
        if a.jsonl:
            with open(a.jsonl, "a") as f:
                f.write(json.dumps({"instance": n, "family": a.family, "time_limit": a.time_limit, "seed": a.seed,
                                    "bks": float(b["distance"]), "gap_pct": round(gap, 3), **r}) + "\n")
    complete = sum(1 for n in names if results[n].get("unassigned") == 0)
    summary = (f"{a.family}, {len(names)} instances, {a.time_limit:g} s, seed {a.seed}: all served on {complete}; "
               + (f"mean gap {statistics.mean(gaps):+.2f} %, worst {max(gaps):+.2f} % (over instances fully served)" if gaps else "no gaps"))
    table = "\n".join(["| instance | served | unassigned | vehicles | distance | BKS vehicles | BKS distance | gap |",
                       "|---|---:|---:|---:|---:|---:|---:|---:|"] + rows)
    print(summary)
    print(table)
    if a.markdown:
        with open(a.markdown, "a") as f:
            f.write(f"\n{summary}\n\n{table}\n")


if __name__ == "__main__":
    main()
