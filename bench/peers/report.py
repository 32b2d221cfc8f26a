"""The tables and the JSON record of a bench/peers/run: one table per workload, each
implementation's median time (the median over rounds of the per-process medians) and its ratio
to ours (simd) at the same thread count."""

import argparse
import datetime
import json
import os
import platform
import statistics

REFERENCE = "ours-simd"
ORDER = ("ours-simd", "ours-openblas", "numpy", "jax", "torch")
RATIO_NOTE = ("ratio = time of the implementation / time of ours (simd) at the same thread "
              "count: above 1, ours is faster; below 1, the implementation is faster.")


def read_lines(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def describe(settings):
    """The workload's sizes in a line."""
    sizes = ", ".join(f"{k} = {v}" for k, v in settings.get("sizes", {}).items())
    return f"{sizes}; images: {settings.get('source', '?')}"


def summarize(runs):
    """{workload: [{impl, threads, median_ms, ratio, rounds, per_round_ms}]}."""
    groups = {}
    for run in runs:
        if "record" not in run:
            continue
        key = (run["workload"], run["threads"], run["impl"])
        groups.setdefault(key, []).append(run["record"]["median_ms"])
    out = {}
    for (workload, threads, impl), medians in groups.items():
        out.setdefault(workload, []).append({
            "impl": impl, "threads": threads, "median_ms": statistics.median(medians),
            "rounds": len(medians), "per_round_ms": medians})
    for rows in out.values():
        reference = {r["threads"]: r["median_ms"] for r in rows if r["impl"] == REFERENCE}
        for r in rows:
            ref = reference.get(r["threads"])
            r["ratio"] = r["median_ms"] / ref if ref else None
        rows.sort(key=lambda r: (r["threads"], ORDER.index(r["impl"]) if r["impl"] in ORDER
                                 else len(ORDER)))
    return out


def versions(runs):
    """What each implementation reported about itself (the first record of each)."""
    out = {}
    for run in runs:
        record = run.get("record")
        if not record:
            continue
        if run["impl"].startswith("ours"):
            out.setdefault("java", record.get("java"))
            if "openblas" in record:
                out.setdefault("openblas", record["openblas"])
        else:
            for key, value in record.get("versions", {}).items():
                if key != "torch_threads":
                    out.setdefault(key, value)
    return out


def table(workload, rows, settings):
    lines = [f"### {workload}", "", describe(settings), "",
             "| implementation | threads | median ms | ratio | rounds | per-round medians (ms) |",
             "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}"
        per_round = ", ".join(f"{m:.1f}" for m in r["per_round_ms"])
        lines.append(f"| {r['impl']} | {r['threads']} | {r['median_ms']:.1f} | {ratio} | "
                     f"{r['rounds']} | {per_round} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", required=True)
    parser.add_argument("--checks")
    parser.add_argument("--data", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--md", required=True)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--reps", type=int)
    parser.add_argument("--warmup", type=int)
    parser.add_argument("--warmup-seconds", type=int)
    parser.add_argument("--quick", type=int, default=0)
    parser.add_argument("--threads")
    parser.add_argument("--tolerance", type=float)
    parser.add_argument("--openblas-coretype")
    args = parser.parse_args()

    runs = read_lines(args.runs)
    checks = read_lines(args.checks)
    summary = summarize(runs)
    settings = {}
    for workload in summary:
        path = os.path.join(args.data, workload, "settings.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                settings[workload] = json.load(f)

    now = datetime.datetime.now()
    header = [f"## Peers: {now:%Y-%m-%d %H:%M}" + (" (quick run: noisy)" if args.quick else ""),
              "",
              f"CPU: {cpu_model()}, {os.cpu_count()} cores. Rounds {args.rounds}; per process a "
              f"warm-up of at least {args.warmup} ops and {args.warmup_seconds} s, then "
              f"{args.reps} timed ops; median ms = median over rounds of each process's median. "
              + RATIO_NOTE,
              ""]
    failures = [r for r in runs if "error" in r]
    body = [table(w, summary[w], settings.get(w, {})) for w in summary]
    footer = []
    if checks:
        footer += ["", "Checks (‖h_peer − h_ours‖/‖h_ours‖ at the exported λ, bound "
                   f"{args.tolerance:g}): " + ", ".join(
                       f"{c['impl']}/{c['workload']} {c['rel_error']:.1e}" for c in checks)]
    if failures:
        footer += ["", "Failed processes: " + ", ".join(
            f"{f['impl']}/{f['workload']}/{f['threads']} (round {f['round'] + 1})"
            for f in failures)]
    found = versions(runs)
    footer += ["", "Versions: " + ", ".join(f"{k} {v}" for k, v in found.items())]
    text = "\n".join(header) + "\n" + "\n\n".join(body) + "\n" + "\n".join(footer) + "\n"
    print(text)

    record = {
        "date": now.isoformat(timespec="seconds"),
        "quick": bool(args.quick),
        "cpu": {"model": cpu_model(), "cores": os.cpu_count(), "machine": platform.machine(),
                "kernel": platform.release()},
        "settings": {"rounds": args.rounds, "reps": args.reps, "warmup": args.warmup,
                     "warmup_seconds": args.warmup_seconds,
                     "threads": args.threads, "tolerance": args.tolerance,
                     "openblas_coretype": args.openblas_coretype,
                     "reference": REFERENCE, "ratio": RATIO_NOTE},
        "versions": found,
        "workloads": {w: {"settings": settings.get(w), "rows": summary[w]} for w in summary},
        "checks": checks,
        "runs": runs,
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    with open(args.md, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
