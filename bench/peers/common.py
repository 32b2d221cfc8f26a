"""What the peers share: the command line, the thread settings, loading an export of
PeerReference, the nudge protocol, the mini-batches of data poisoning, timing, and the check.

A peer module defines one class per workload (``WORKLOADS = {"equilibrium": ..., ...}``); each
class is built from ``(settings, data)`` (the exported scalars and arrays, as NumPy) and has

    lam(array)            λ as the framework's array (the set-up, not timed)
    nudge(lam, step)      λ₀ += step; returns λ (in place where the framework allows)
    batches(dict)         the framework's form of the poisoning mini-batches (others: None)
    hypergradient(lam, batches)  the SID hypergradient, computed to the end (not lazy)
    numpy(h)              h as a NumPy array

and its script ends with ``common.main("name", WORKLOADS, versions)``.

Importing this module applies ``--threads N`` of the command line to the thread settings
that must be in the environment before NumPy, JAX or PyTorch load.
"""

import argparse
import json
import os
import statistics
import sys
import time


def _threads_from_argv(argv):
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return None


THREADS = _threads_from_argv(sys.argv)
if THREADS is not None:
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(THREADS)
    if THREADS == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        for flag in ("--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1"):
            if flag not in flags:
                flags = (flags + " " + flag).strip()
        os.environ["XLA_FLAGS"] = flags

import numpy as np  # noqa: E402  (after the thread settings)

WORKLOAD_NAMES = ("equilibrium", "meta", "poisoning")


# ---------------------------------------------------------------- data


class Export:
    """An export of ``PeerReference export WORKLOAD DIR``: settings.json and the .npy files."""

    def __init__(self, directory):
        self.directory = directory
        with open(os.path.join(directory, "settings.json"), encoding="utf-8") as f:
            self.settings = json.load(f)
        self._cache = {}

    def __getitem__(self, name):
        if name not in self._cache:
            self._cache[name] = np.load(os.path.join(self.directory, name + ".npy"))
        return self._cache[name]

    def ints(self, name):
        """An exported integer array (stored as float64, exact)."""
        values = self[name]
        out = values.astype(np.int64)
        if not np.array_equal(out, values):
            raise ValueError(f"{name}.npy in {self.directory} does not hold integers")
        return out


def one_hot(labels, classes):
    out = np.zeros((labels.size, classes))
    out[np.arange(labels.size), labels.ravel()] = 1.0
    return out.reshape(labels.shape + (classes,))


def meta_map_step(settings, support_x):
    """η = 2/(L + ρ), L = ½ s² max_i mean_{j ∈ S_i} ‖x_j‖² + ρ (docs/mathematics.md §5.5).

    support_x: the support rows of every task, (tasks, N·K, p).
    """
    rho = settings["rho"]
    radius = settings["radius"]
    worst = np.max(np.mean(np.sum(support_x * support_x, axis=2), axis=1))
    lipschitz = 0.5 * radius * radius * worst + rho
    return 2.0 / (lipschitz + rho)


def poisoning_mu(settings):
    """μ = 2c/(pk), the strong convexity of g(·, δ) (docs/mathematics.md §5.3)."""
    return 2.0 * settings["c"] / (settings["p"] * settings["classes"])


def exported_batches(data):
    """The mini-batches of the exported hypergradient (our set-up's draws)."""
    return {
        "lower": data.ints("batches_lower").reshape(data.settings["t"], -1),
        "upper": data.ints("batch_upper"),
        "linear": data.ints("batches_linear").reshape(data.settings["k"], -1),
        "final": data.ints("batch_final"),
    }


def draw_batches(settings, rng):
    """Fresh mini-batches as Sid draws them: uniform with replacement; the lower level's from
    the training rows, ζ from the validation rows, the final J from the training rows."""
    n = settings["clean"] + settings["poisoned"]
    b = settings["lower_batch"]
    return {
        "lower": rng.integers(0, n, size=(settings["t"], b)),
        "upper": rng.integers(0, settings["validation"], size=settings["batch"]),
        "linear": rng.integers(0, n, size=(settings["k"], b)),
        "final": rng.integers(0, n, size=settings["batch"]),
    }


# ---------------------------------------------------------------- modes


def nudge_step(op, size):
    """The op-th nudge of λ₀, as WorkloadBench: +size on even ops, −size on odd ones."""
    return size if op % 2 == 0 else -size


def check(peer, data):
    """h at the exported λ (and the exported batches), against ours."""
    settings = data.settings
    lam = peer.lam(data["lambda"])
    batches = peer.batches(exported_batches(data)) if settings["workload"] == "poisoning" else None
    start = time.perf_counter()
    h = np.asarray(peer.numpy(peer.hypergradient(lam, batches)), dtype=np.float64).ravel()
    seconds = time.perf_counter() - start
    ours = data["h"].ravel()
    if h.shape != ours.shape:
        raise ValueError(f"the peer's h has {h.size} entries, ours {ours.size}")
    norm = float(np.linalg.norm(ours))
    error = float(np.linalg.norm(h - ours) / norm) if norm > 0 else float(np.linalg.norm(h))
    record = {"rel_error": error, "h_norm": norm, "first_call_s": seconds,
              "finite": bool(np.all(np.isfinite(h)))}
    if settings["workload"] == "meta":
        x = data["x"][data.ints("support_index")]
        record["map_step_rel_diff"] = abs(meta_map_step(settings, x) / settings["map_step"] - 1)
    return record


def timing(peer, data, warmup, warmup_seconds, reps, seed):
    """Warm-up ops (at least warmup of them and warmup_seconds; not timed), then reps timed
    ops; an op nudges λ₀, draws fresh poisoning batches, and computes the hypergradient to the
    end."""
    settings = data.settings
    lam = peer.lam(data["lambda"].copy())
    rng = np.random.default_rng(seed)
    poisoning = settings["workload"] == "poisoning"
    def op(index):
        nonlocal lam
        start = time.perf_counter_ns()
        lam = peer.nudge(lam, nudge_step(index, settings["nudge"]))
        batches = peer.batches(draw_batches(settings, rng)) if poisoning else None
        peer.hypergradient(lam, batches)
        return (time.perf_counter_ns() - start) / 1e6

    warmup_start = time.perf_counter()
    ops = 0
    while ops < warmup or time.perf_counter() - warmup_start < warmup_seconds:
        op(ops)
        ops += 1
    warmup_time = time.perf_counter() - warmup_start
    samples = [op(ops + i) for i in range(reps)]
    return {"warmup_ops": ops, "warmup_s": warmup_time,
            "median_ms": statistics.median(samples), "samples_ms": samples}


def main(name, workloads, versions):
    """The command line of a peer script; prints one JSON line."""
    parser = argparse.ArgumentParser(prog=f"{name}_peer.py",
                                     description=f"The {name} peer of the workload hypergradients.")
    parser.add_argument("mode", choices=("check", "time"))
    parser.add_argument("workload", choices=WORKLOAD_NAMES)
    parser.add_argument("dir", help="the directory written by PeerReference export")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=3, help="warm-up ops, at least")
    parser.add_argument("--warmup-seconds", type=float, default=0.0,
                        help="seconds of warm-up, at least")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20240607,
                        help="seed of the fresh poisoning batches of the timed ops")
    args = parser.parse_args()
    if args.threads < 1 or args.reps < 1 or args.warmup < 0:
        parser.error("--threads and --reps must be >= 1, --warmup >= 0")
    data = Export(args.dir)
    if data.settings["workload"] != args.workload:
        parser.error(f"{args.dir} holds workload {data.settings['workload']!r}, not {args.workload!r}")
    peer = workloads[args.workload](data.settings, data)
    record = {"impl": name, "workload": args.workload, "mode": args.mode, "threads": args.threads}
    if args.mode == "check":
        record.update(check(peer, data))
    else:
        record["reps"] = args.reps
        record.update(timing(peer, data, args.warmup, args.warmup_seconds, args.reps, args.seed))
        record["affinity"] = len(os.sched_getaffinity(0))
    record["versions"] = versions()
    print(json.dumps(record), flush=True)
