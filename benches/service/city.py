#!/usr/bin/env python3
"""The HTTP and JSON half of benches/service/city.sh (issue 13, "Scale-out, measured").

On a database that city.sh has seeded with a demo city district: starts the instances, logs
in as each office's coordinator (on the instances in turn), starts every office's planning
run at once, kills one instance that runs jobs with SIGKILL (and, with --restart, starts it
again under its name), follows the jobs through the instances still up until all have ended,
then reads each plan and the database and prints the report (a Markdown table and one JSON
line). Standard library only.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ANSI = re.compile(r"\x1b\[[0-9;]*m")
FINAL = {"done", "failed", "cancelled"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin", required=True)
    p.add_argument("--database-url", required=True)
    p.add_argument("--db", required=True, help="the database's name, for psql")
    p.add_argument("--osm", help="the OSM extract the city was seeded on (else the generated town)")
    p.add_argument("--offices", type=int, default=10)
    p.add_argument("--instances", type=int, default=3)
    p.add_argument("--base-port", type=int, default=18180)
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--plan-slots", type=int, help="planning runs per instance (default: serve's, the cores)")
    p.add_argument("--plan-threads", type=int, help="solver threads per run (default: serve's, the cores)")
    p.add_argument("--kill-after", type=float, default=10.0)
    p.add_argument("--restart", type=float, default=None,
                   help="start the killed instance again under its name this many seconds later")
    p.add_argument("--logs", required=True, help="folder for the instances' logs")
    p.add_argument("--timeout", type=float, default=900.0)
    return p.parse_args()


def psql(db, sql):
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-At", "-F", "\t", "-c", sql],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def http(port, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Instance:
    def __init__(self, args, k):
        self.args = args
        self.name = f"i{k + 1}"
        self.port = args.base_port + k
        self.log = os.path.join(args.logs, f"{self.name}.log")
        self.proc = None
        self.killed_at = None

    def start(self):
        a = self.args
        cmd = [a.bin, "serve", "--no-demo", "--addr", f"127.0.0.1:{self.port}",
               "--instance", self.name, "--plan-seconds", str(a.seconds),
               "--database-url", a.database_url]
        if a.plan_slots:
            cmd += ["--plan-slots", str(a.plan_slots)]
        if a.plan_threads:
            cmd += ["--plan-threads", str(a.plan_threads)]
        if a.osm:
            cmd += ["--osm", a.osm]
        log = open(self.log, "a")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "NO_COLOR": "1"})

    def wait_up(self, limit=180.0):
        end = time.time() + limit
        while time.time() < end:
            if self.proc.poll() is not None:
                sys.exit(f"{self.name} exited; see {self.log}")
            try:
                if http(self.port, "GET", "/api/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit(f"{self.name} did not start; see {self.log}")

    @property
    def up(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.up:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def events(self):
        """(job, what, attempt) from the log: what is `claimed` or `ended`."""
        out = []
        with open(self.log) as f:
            for line in f:
                line = ANSI.sub("", line)
                job = re.search(r"\bjob=(\d+)", line)
                if not job:
                    continue
                attempt = re.search(r"\battempt=(\d+)", line)
                if "planning job claimed" in line:
                    out.append((int(job.group(1)), "claimed", int(attempt.group(1))))
                elif "planning job ended" in line and "elsewhere" not in line:
                    out.append((int(job.group(1)), "ended", None))
        return out


def main():
    a = parse_args()
    cores = os.cpu_count()
    a.plan_slots = a.plan_slots or cores
    a.plan_threads = a.plan_threads or cores
    instances = [Instance(a, k) for k in range(a.instances)]
    try:
        for i in instances:
            i.start()
        for i in instances:
            i.wait_up()
        day = psql(a.db, "SELECT min(day) FROM bookings")[0][0]
        districts = {int(d): n for d, n in psql(a.db, "SELECT id, name FROM districts")}
        # Each office's coordinator logs in on the instances in turn.
        offices = []
        for k in range(a.offices):
            user = "coordinator" if k == 0 else f"o{k + 1}-coordinator"
            inst = instances[k % len(instances)]
            status, answer = http(inst.port, "POST", "/api/login",
                                  body={"username": user, "password": "coord-demo"})
            if status != 200:
                sys.exit(f"login {user}: {status} {answer}")
            offices.append({"user": user, "instance": inst, "token": answer["token"],
                            "district": answer["user"]["district_id"]})
        # Every office's run at once.
        started = {}

        def run(o):
            status, answer = http(o["instance"].port, "POST", "/api/plans/run", o["token"],
                                  {"day": day, "seconds": a.seconds})
            started[o["user"]] = (status, answer)

        load_before = os.getloadavg()[0]
        t0 = time.time()
        threads = [threading.Thread(target=run, args=(o,)) for o in offices]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for o in offices:
            status, answer = started[o["user"]]
            if status != 202:
                sys.exit(f"run {o['user']}: {status} {answer}")
            o["job"] = answer["job"]
        print(f"{len(offices)} runs queued in {time.time() - t0:.2f} s (day {day})",
              file=sys.stderr)

        victim, victim_jobs, restarted_at = None, [], None
        ended = {}
        last_seen = {}
        deadline = t0 + a.timeout
        rr = 0
        while time.time() < deadline:
            now = time.time()
            if victim is None and now - t0 >= a.kill_after:
                running = psql(a.db, "SELECT lease_owner, id FROM plan_jobs "
                                     "WHERE status = 'running' ORDER BY id")
                by_owner = {}
                for owner, job in running:
                    by_owner.setdefault(owner, []).append(int(job))
                if by_owner:
                    name = max(sorted(by_owner), key=lambda n: len(by_owner[n]))
                    victim = next(i for i in instances if i.name == name)
                    victim_jobs = by_owner[name]
                    victim.proc.kill()
                    victim.proc.wait()
                    victim.killed_at = time.time() - t0
                    print(f"kill -9 {victim.name} at {victim.killed_at:.1f} s, running jobs "
                          f"{victim_jobs}", file=sys.stderr)
            if (victim is not None and a.restart is not None and restarted_at is None
                    and time.time() - t0 >= victim.killed_at + a.restart):
                victim.start()
                victim.wait_up()
                restarted_at = time.time() - t0
                print(f"{victim.name} started again at {restarted_at:.1f} s", file=sys.stderr)
            alive = [i for i in instances if i.up]
            for o in offices:
                if o["job"] in ended:
                    continue
                via = alive[rr % len(alive)]
                rr += 1
                try:
                    status, p = http(via.port, "GET", f"/api/plans/jobs/{o['job']}", o["token"])
                except OSError:
                    continue
                if status != 200:
                    continue
                if last_seen.get(o["job"]) != p["status"]:
                    print(f"{time.time() - t0:6.1f} s  job {o['job']} ({o['user']}): "
                          f"{p['status']}", file=sys.stderr)
                last_seen[o["job"]] = p["status"]
                if p["status"] in FINAL:
                    ended[o["job"]] = (time.time() - t0, p)
            if len(ended) == len(offices):
                break
            time.sleep(0.5)
        wall = max((t for t, _ in ended.values()), default=float("nan"))

        # The plans, and what the database says.
        rows = []
        plan_rows = {(int(d), day_): int(n) for d, day_, n in
                     psql(a.db, "SELECT district_id, day, count(*) FROM plans GROUP BY 1, 2")}
        attempts = {int(j): int(n) for j, n in psql(a.db, "SELECT id, attempts FROM plan_jobs")}
        claims, ends = {}, {}
        for i in instances:
            for job, what, attempt in i.events():
                if what == "claimed":
                    claims.setdefault(job, []).append((i.name, attempt))
                else:
                    ends.setdefault(job, []).append(i.name)
        for o in offices:
            t, p = ended.get(o["job"], (None, {"status": "not ended", "plan_id": None}))
            served = requested = hours = vehicles = None
            unserved = {}
            if p.get("plan_id"):
                status, plan = http(alive[0].port, "GET", f"/api/plans/{p['plan_id']}", o["token"])
                f = plan["figures"]
                requested, served = f["requested"], f["served"]
                unserved = f["unserved_by_reason"]
                hours = round(f["driver_seconds"] / 3600, 1)
                vehicles = f["vehicles_used"]
            rows.append({
                "office": districts[o["district"]], "coordinator": o["user"],
                "started_on": o["instance"].name, "job": o["job"], "state": p["status"],
                "requested": requested, "served": served,
                "served_pct": None if not requested else round(100.0 * served / requested, 1),
                "unserved": unserved, "driver_hours": hours, "vehicles": vehicles,
                "attempts": attempts.get(o["job"]),
                "claims": claims.get(o["job"], []), "finished_by": ends.get(o["job"], []),
                "ended_s": None if t is None else round(t, 1),
                "plans_in_db": plan_rows.get((o["district"], day), 0),
            })
    finally:
        for i in instances:
            i.stop()

    print(f"\nmachine: {cores} cores; {a.instances} instances, {a.plan_slots} planning slot(s) "
          f"and {a.plan_threads} solver thread(s) per job each; {a.seconds} s plans; load "
          f"average {load_before:.2f} before the start, {os.getloadavg()[0]:.2f} at the end")
    print(f"killed: {victim.name if victim else '-'} at "
          f"{victim.killed_at if victim else float('nan'):.1f} s (its running jobs {victim_jobs})"
          + (f", started again at {restarted_at:.1f} s" if restarted_at else ", not restarted"))
    print("\n| office | requests | served | served % | unserved by reason | vehicles | "
          "driver hours | job | state | attempts | claimed by | finished by | ended at | "
          "plans in db |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---|---:|---|---|---:|---:|")
    for r in rows:
        print(f"| {r['office']} (`{r['coordinator']}`) | {r['requested']} | {r['served']} | "
              f"{r['served_pct']} | {r['unserved'] or '–'} | {r['vehicles']} | "
              f"{r['driver_hours']} | {r['job']} | {r['state']} | "
              f"{r['attempts']} | {', '.join(f'{n} (#{k})' for n, k in r['claims'])} | "
              f"{', '.join(r['finished_by']) or '–'} | {r['ended_s']} s | {r['plans_in_db']} |")
    done = sum(r["state"] == "done" for r in rows)
    pcts = [r["served_pct"] for r in rows if r["served_pct"] is not None]
    hours = sum(r["driver_hours"] or 0 for r in rows)
    once = all(r["plans_in_db"] == 1 and len(r["finished_by"]) == 1 for r in rows)
    print(f"\ndone: {done}/{len(rows)}; wall time from the start to the last end: {wall:.1f} s; "
          f"served: {min(pcts, default=0):.1f}–{max(pcts, default=0):.1f} % "
          f"(all offices: {sum(r['served'] or 0 for r in rows)} of "
          f"{sum(r['requested'] or 0 for r in rows)}); driver hours: {hours:.1f}; "
          f"each job finished once with one plan row: {'yes' if once else 'NO'}")
    print(json.dumps({"cores": cores, "load_before": load_before, "instances": a.instances, "plan_slots": a.plan_slots,
                      "plan_threads": a.plan_threads, "seconds": a.seconds,
                      "killed": victim.name if victim else None,
                      "killed_at_s": victim.killed_at if victim else None,
                      "restarted_at_s": restarted_at, "wall_s": round(wall, 1),
                      "done": done, "min_served_pct": min(pcts, default=None),
                      "driver_hours": round(hours, 1),
                      "finished_once": once, "offices": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
