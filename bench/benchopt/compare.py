"""Compares benchopt's curves with this project's on the same instance.

Usage: python compare.py RESULTS_DIR

Reads RESULTS_DIR/benchopt/ROUND-SOLVER.parquet (benchopt run) and
RESULTS_DIR/ours/ROUND-SOLVER/metrics.csv (bin/bsgm run), writes RESULTS_DIR/curves.csv (both
curves on one axis set) and RESULTS_DIR/table.md, and prints the table.

Samples are counted the project's way (docs/mathematics.md §2.2): a sample counts once per point
at which the oracles are evaluated on it, however many oracles (gradient, HVP, cross VJP) use it.
benchopt itself counts oracle calls (figures/plot_benchmark_bilevel.py N_CALLS); both counts per
iteration are in SAMPLES below and in the README.
"""
import csv
import glob
import math
import os
import sys

import numpy as np

N_IN = N_OUT = 1024
B = 64  # batch_size of every solver
Q = 10  # n_shia_steps, n_inner_steps

# Per benchopt iteration i (0-based): samples (our count) and oracle calls (benchopt's N_CALLS
# count), from the solvers' code with the benchmark's default parameters.
def _srba(i):
    period = int((N_IN + N_OUT) * 0.5 / B)
    return N_IN + N_OUT if i % period == 0 else 2 * (B + B)


def _vrbo(i):
    period = int((N_IN + N_OUT) * 128 / B)
    restart = (N_IN + N_OUT + Q * N_IN) if i % period == 0 else 0
    return restart + Q * 2 * (B + B + Q * B)  # n_inner_steps corrections at two points each


SAMPLES = {
    "SOBA": lambda i: B + B,              # ξ serves ∇G, HVP and cross VJP; ζ both ∇F
    "SABA": lambda i: B + B,
    "SRBA": _srba,
    "MRBO": lambda i: 2 * (B + B + Q * B),  # every oracle at the current and previous point
    "VRBO": _vrbo,
    "StocBiO": lambda i: Q * B + B + Q * B + B,  # inner SGD, outer grad, Neumann, cross VJP
    "AmIGO": lambda i: Q * B + B + Q * B + B,    # inner SGD, outer grad, SGD on v, cross VJP
}
EVAL_FREQ = {"SOBA": 64, "SABA": 64, "SRBA": 64, "MRBO": 16, "VRBO": 2, "StocBiO": 16,
             "AmIGO": 16}
OURS = {"SOBA": "soba", "SABA": "saba", "SRBA": "srba", "MRBO": "mrbo", "VRBO": "vrbo",
        "StocBiO": "stocbio", "AmIGO": "amigo"}
# "same": the same iteration and steps; "family": the same method, another step rule/batches
KIND = {"SOBA": "same", "SABA": "same", "SRBA": "same", "MRBO": "family", "VRBO": "family",
        "StocBiO": "family", "AmIGO": "family"}


def benchopt_curve(path, solver):
    import pandas as pd
    df = pd.read_parquet(path).sort_values("stop_val")
    iterations = df["stop_val"].to_numpy() * EVAL_FREQ[solver]
    cumulative = np.concatenate([[0], np.cumsum([SAMPLES[solver](i)
                                                 for i in range(int(iterations.max()))])])
    return dict(samples=cumulative[iterations], seconds=df["time"].to_numpy(),
                value=df["objective_value"].to_numpy(), iteration=iterations)


def ours_curve(path):
    """The last seed's rows (the earlier seeds warm the JIT up)."""
    with open(path) as f:
        rows = [r for r in csv.DictReader(f)]
    seeds = sorted({r["seed"] for r in rows}, key=int)
    rows = [r for r in rows if r["seed"] == seeds[-1]]
    return dict(samples=np.array([float(r["samples"]) for r in rows]),
                seconds=np.array([float(r["seconds"]) for r in rows]),
                value=np.array([float(r["stationarity"]) ** 2 for r in rows]),  # benchopt's value
                iteration=np.array([int(r["iteration"]) for r in rows]))


def at(curve, axis, x):
    """The value of the last evaluation at or before x on axis (NaN before the first)."""
    idx = np.searchsorted(curve[axis], x, side="right") - 1
    return float(curve["value"][idx]) if idx >= 0 else math.nan


def first_time_below(curve, target):
    hit = np.nonzero(curve["value"] <= target)[0]
    return float(curve["seconds"][hit[0]]) if hit.size else math.nan


def main():
    results = sys.argv[1]
    rows, curves = [], []
    for path in sorted(glob.glob(os.path.join(results, "benchopt", "*.parquet"))):
        round_, solver = os.path.basename(path)[:-len(".parquet")].split("-", 1)
        theirs = benchopt_curve(path, solver)
        ours_path = os.path.join(results, "ours", f"{round_}-{solver}", "metrics.csv")
        ours = ours_curve(ours_path) if os.path.exists(ours_path) else None
        for side, c in (("benchopt", theirs), ("bsgm", ours)):
            if c is None:
                continue
            for i in range(len(c["value"])):
                curves.append([side, solver, round_, int(c["iteration"][i]), int(c["samples"][i]),
                               f"{c['seconds'][i]:.6f}", f"{c['value'][i]:.9g}"])
        final = float(theirs["value"][-1])
        row = dict(solver=solver, round=round_, kind=KIND[solver],
                   b_samples=int(theirs["samples"][-1]), b_seconds=float(theirs["seconds"][-1]),
                   b_final=final, diverged=final > float(theirs["value"][0]))
        if ours is not None:
            s = min(theirs["samples"][-1], ours["samples"][-1])
            t = min(theirs["seconds"][-1], ours["seconds"][-1])
            tb, to = first_time_below(theirs, final), first_time_below(ours, final)
            if row["diverged"]:  # above its start: no time to reach it worth comparing
                tb = to = math.nan
            row.update(eq_samples=int(s), b_at_s=at(theirs, "samples", s),
                       o_at_s=at(ours, "samples", s), eq_seconds=t,
                       b_at_t=at(theirs, "seconds", t), o_at_t=at(ours, "seconds", t),
                       t_b=tb, t_o=to, speedup=tb / to if to > 0 else math.nan,
                       o_final=float(ours["value"][-1]), o_seconds=float(ours["seconds"][-1]),
                       o_samples=int(ours["samples"][-1]))
        rows.append(row)
    with open(os.path.join(results, "curves.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["side", "solver", "round", "iteration", "samples", "seconds", "value"])
        w.writerows(curves)
    reached = lambda r: " (diverged)" if r["diverged"] else f" in {g(r, 't_b', '%.2f')}"
    g = lambda r, k, fmt: (fmt % r[k]) if k in r and not math.isnan(r[k]) else "–"
    lines = ["| solver | round | row kind | equal samples | benchopt ‖∇h‖² | bsgm ‖∇h‖² |"
             " equal time (s) | benchopt ‖∇h‖² | bsgm ‖∇h‖² | benchopt final (s) |"
             " bsgm reaches it (s) | speed-up |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['solver']} | {r['round']} | {r['kind']} | {g(r, 'eq_samples', '%d')}"
                     f" | {g(r, 'b_at_s', '%.3g')} | {g(r, 'o_at_s', '%.3g')}"
                     f" | {g(r, 'eq_seconds', '%.2f')} | {g(r, 'b_at_t', '%.3g')}"
                     f" | {g(r, 'o_at_t', '%.3g')} | {r['b_final']:.3g}{reached(r)}"
                     f" | {g(r, 't_o', '%.3f')} | {g(r, 'speedup', '%.1f×')} |")
    table = "\n".join(lines)
    with open(os.path.join(results, "table.md"), "w") as f:
        f.write(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
