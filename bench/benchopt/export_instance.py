"""Exports the instance of benchmark_bilevel's `simulated` dataset to .npy files.

Usage: python export_instance.py BENCHMARK_DIR OUT_DIR [PARQUET]

Calls benchmark_utils.gen_matrices with the keys datasets/simulated.py get_data uses (its retry
loop splits the same key every trial, so the first trial's keys are the instance), writes the
ten arrays under gen_matrices' names (float64, C order), and, given benchopt's parquet of a run,
recomputes benchopt's metrics (func, value, inner_distance) at the first row's point (the
objective's initial point) in NumPy and checks them against the parquet.
"""
import json
import os
import sys

import numpy as np

DATASET = dict(L_inner_inner=1., L_inner_outer=1., mu_inner=.1, L_outer_inner=1.,
               L_outer_outer=1., L_cross_inner=.1, L_cross_outer=.1, random_state=2442,
               n_samples_inner=1024, n_samples_outer=1024, dim_inner=100, dim_outer=100)
INNER = ["hess_inner_inner", "hess_inner_outer", "cross_inner", "linear_inner_inner",
         "linear_inner_outer"]
OUTER = ["hess_outer_inner", "hess_outer_outer", "cross_outer", "linear_outer_inner",
         "linear_outer_outer"]


def generate(benchmark_dir, p=DATASET):
    """The ten arrays of simulated.get_data, by name, as float64 NumPy arrays."""
    sys.path.insert(0, benchmark_dir)
    os.chdir(benchmark_dir)  # gen_matrices' joblib cache is relative to the benchmark
    import jax
    jax.config.update("jax_enable_x64", False)  # benchopt runs in JAX's default float32
    from benchmark_utils.gen_matrices import gen_matrices
    keys = jax.random.split(jax.random.PRNGKey(p["random_state"]), 2)
    inner = gen_matrices(p["n_samples_inner"], p["dim_inner"], p["dim_outer"],
                         p["L_inner_inner"], p["L_outer_inner"], p["L_cross_inner"],
                         p["mu_inner"], keys[0])
    outer = gen_matrices(p["n_samples_outer"], p["dim_inner"], p["dim_outer"],
                         p["L_inner_outer"], p["L_outer_outer"], p["L_cross_outer"],
                         p["mu_inner"], keys[1])
    arrays = dict(zip(INNER, inner))
    arrays.update(zip(OUTER, outer))
    return {k: np.ascontiguousarray(np.asarray(v, dtype=np.float64)) for k, v in arrays.items()}


def metrics(a, inner_var, outer_var):
    """benchopt's metrics(inner_var, outer_var) of datasets/simulated.py, in NumPy float64."""
    h_in = a["hess_inner_inner"].mean(0)
    c_in = a["cross_inner"].mean(0)          # (d_out, d_in)
    l_in = a["linear_inner_inner"].mean(0)
    h_oi = a["hess_outer_inner"].mean(0)
    h_oo = a["hess_outer_outer"].mean(0)
    c_out = a["cross_outer"].mean(0)
    l_oi = a["linear_outer_inner"].mean(0)
    l_oo = a["linear_outer_outer"].mean(0)
    z = np.linalg.solve(h_in, -l_in - c_in.T @ outer_var)
    grad_in = h_oi @ z + c_out.T @ outer_var + l_oi
    grad_out = h_oo @ outer_var + c_out @ z + l_oo
    v = -np.linalg.solve(h_in, grad_in)
    grad = grad_out + c_in @ v

    def quad(H_in, H_out, C, li, lo, zz, xx):  # the per-sample quadratic, averaged
        return (.5 * np.einsum("i,nij,j->n", zz, H_in, zz).mean()
                + .5 * np.einsum("i,nij,j->n", xx, H_out, xx).mean()
                + np.einsum("i,nij,j->n", xx, C, zz).mean() + (li @ zz).mean() + (lo @ xx).mean())
    outer = [a[k] for k in OUTER]
    # benchopt's `func` calls f_outer with get_function's default batch_size=1: the upper
    # objective of sample 0 alone; func_mean is the upper objective over all samples
    func = quad(*[x[:1] for x in outer], z, outer_var)
    func_mean = quad(*outer, z, outer_var)
    return dict(func=float(func), value=float(grad @ grad),
                inner_distance=float(np.sum((z - inner_var) ** 2)), func_mean=float(func_mean))


def main():
    benchmark_dir, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    parquet = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    arrays = generate(benchmark_dir)
    os.makedirs(out, exist_ok=True)
    for name, array in arrays.items():
        np.save(os.path.join(out, name + ".npy"), array)
    d_in, d_out = DATASET["dim_inner"], DATASET["dim_outer"]
    initial = metrics(arrays, np.zeros(d_in), -2 * np.ones(d_out))
    report = dict(dataset=DATASET, initial=initial)
    if parquet:
        import pandas as pd
        df = pd.read_parquet(parquet)
        first = df.sort_values("stop_val").iloc[0]
        theirs = {k: float(first["objective_" + k]) for k in ("func", "value", "inner_distance")}
        report["benchopt_first_row"] = theirs
        # benchopt computes in float32: agreement to 1e-4 relative is what float32 allows here
        bad = {k: (initial[k], theirs[k]) for k in theirs
               if abs(initial[k] - theirs[k]) > 1e-4 * max(1.0, abs(theirs[k]))}
        report["agrees"] = not bad
        if bad:
            print(json.dumps(report, indent=1))
            sys.exit(f"exported instance disagrees with benchopt's first row: {bad}")
    with open(os.path.join(out, "instance.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
