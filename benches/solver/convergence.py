#!/usr/bin/env python3
"""Draw the convergence chart: driving cost against time, one line per run, from plan_day traces.

usage: benches/solver/convergence.py TRACE.csv OUT.svg [--title TEXT] [--seconds S]

TRACE.csv holds `mode,threads,stage,seconds,served,cost` lines (`plan_day --trace`). Only the
whole-day stages (`solving`, `joining`) are drawn, and only from the first improvement that
serves every request the run ever serves (before, the costs are of plans serving fewer and
are not comparable). Each line is a step function: the best plan's cost at each moment.
Writes SVG; `benches/solver/convergence.sh` turns it into PNG with headless Chromium.
"""
import argparse, csv, html

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("out")
    ap.add_argument("--title", default="Driving cost of the best plan against time")
    ap.add_argument("--seconds", type=float, default=0.0, help="the time axis runs to here at least")
    args = ap.parse_args()
    runs = {}
    for row in csv.reader(open(args.trace)):
        mode, threads, stage, seconds, served, cost = row
        if stage not in ("solving", "joining"):
            continue
        key = f"{mode}, {threads} thread{'s' if threads != '1' else ''}"
        runs.setdefault(key, []).append((float(seconds), int(served), int(cost)))
    lines = {}
    for key, pts in runs.items():
        most = max(p[1] for p in pts)
        full = [(t, c) for t, s, c in pts if s == most]
        if full:
            lines[key] = (most, full)
    if not lines:
        raise SystemExit("no whole-day improvements in the trace")
    t_max = max([args.seconds] + [p[0] for _, pts in lines.values() for p in pts])
    t_min = min(pts[0][0] for _, pts in lines.values())
    costs = [c for _, pts in lines.values() for _, c in pts]
    # The first full plans are far above the rest: start the axis at the tail's spread.
    ends = [pts[-1][1] for _, pts in lines.values()]
    c_lo = min(ends) * 0.98
    c_hi = min(max(costs), min(ends) * 1.25)
    W, H, L, R, T, B = 900, 540, 90, 30, 50, 60

    def x(t):
        return L + (t - t_min) / max(t_max - t_min, 1e-9) * (W - L - R)

    def y(c):
        c = min(max(c, c_lo), c_hi)
        return T + (c_hi - c) / (c_hi - c_lo) * (H - T - B)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'font-family="sans-serif" font-size="13">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="28" text-anchor="middle" font-size="16">{html.escape(args.title)}</text>']
    for i in range(6):
        c = c_lo + (c_hi - c_lo) * i / 5
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{y(c):.1f}" y2="{y(c):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 8}" y="{y(c) + 4:.1f}" text-anchor="end">{c:,.0f}</text>')
    for i in range(6):
        t = t_min + (t_max - t_min) * i / 5
        out.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{T}" y2="{H - B}" stroke="#eee"/>')
        out.append(f'<text x="{x(t):.1f}" y="{H - B + 18}" text-anchor="middle">{t:.0f} s</text>')
    out.append(f'<text x="{W / 2}" y="{H - 14}" text-anchor="middle">seconds since the run began</text>')
    out.append(f'<text x="20" y="{H / 2}" transform="rotate(-90 20 {H / 2})" '
               f'text-anchor="middle">driving cost (matrix units)</text>')
    for i, (key, (most, pts)) in enumerate(sorted(lines.items())):
        colour = COLOURS[i % len(COLOURS)]
        path = []
        for j, (t, c) in enumerate(pts):
            if j:
                path.append(f"{x(t):.1f},{y(pts[j - 1][1]):.1f}")
            path.append(f"{x(t):.1f},{y(c):.1f}")
        path.append(f"{x(t_max):.1f},{y(pts[-1][1]):.1f}")
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(path)}"/>')
        ly = T + 20 + 20 * i
        out.append(f'<line x1="{W - R - 300}" x2="{W - R - 270}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{W - R - 262}" y="{ly + 4}">{html.escape(key)}: {pts[-1][1]:,} '
                   f'({most} served)</text>')
    out.append("</svg>")
    open(args.out, "w").write("\n".join(out))
    for key, (most, pts) in sorted(lines.items()):
        print(f"{key}: {most} served; first full plan {pts[0][1]:,} at {pts[0][0]:.1f} s, "
              f"last {pts[-1][1]:,} at {pts[-1][0]:.1f} s")


if __name__ == "__main__":
    main()
