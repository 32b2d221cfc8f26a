#!/usr/bin/env bash
# Head to head with benchopt's bilevel benchmark (bench/benchopt/README.md).
#
# Usage: bench/benchopt/run.sh BENCHOPT_SRC BENCHMARK_SRC [SECONDS] [ROUNDS]
#   BENCHOPT_SRC   a work tree of github.com/benchopt/benchopt (or "pip" to `pip install benchopt`)
#   BENCHMARK_SRC  a work tree of github.com/benchopt/benchmark_bilevel
#   SECONDS        benchopt's --timeout per solver run (default 30)
#   ROUNDS         interleaved rounds, each running every solver on both sides (default 1)
# Where the internet is reachable:
#   git clone https://github.com/benchopt/benchopt && git clone https://github.com/benchopt/benchmark_bilevel
#   bench/benchopt/run.sh benchopt benchmark_bilevel      (or: bench/benchopt/run.sh pip benchmark_bilevel)
# Environment: VENV (default bench/benchopt/.venv), OUT (default bench/results/benchopt-DATE),
# BILEVEL_BENCHOPT_SYNC (1 by default: benchopt's clock waits for JAX's asynchronous results; 0: as is),
# CPU (the core both sides are pinned to, default 0), SOLVERS (a subset, space-separated),
# SIDES ("benchopt ours" by default; one of them reruns that side alone on the kept files).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
benchopt_src="${1:?usage: run.sh BENCHOPT_SRC BENCHMARK_SRC [SECONDS] [ROUNDS]}"
benchmark="$(cd "${2:?usage: run.sh BENCHOPT_SRC BENCHMARK_SRC [SECONDS] [ROUNDS]}" && pwd)"
seconds="${3:-30}"
rounds="${4:-1}"
venv="${VENV:-$here/.venv}"
out="$(mkdir -p "${OUT:-$root/bench/results/benchopt-$(date +%Y%m%d)}" && cd "${OUT:-$root/bench/results/benchopt-$(date +%Y%m%d)}" && pwd)"
cpu="${CPU:-0}"
solvers="${SOLVERS:-SOBA SABA SRBA MRBO VRBO StocBiO AmIGO}"
sides="${SIDES:-benchopt ours}"

# One thread on both sides, on one core.
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
pin=(taskset -c "$cpu")

# (a) benchopt in a virtual environment (line-profiler and pygithub are optional for `run`)
if [ ! -x "$venv/bin/benchopt" ]; then
  python3 -m venv --system-site-packages "$venv"
  if [ "$benchopt_src" = pip ]; then
    "$venv/bin/pip" install benchopt
  else
    "$venv/bin/pip" install --no-deps "$benchopt_src"
  fi
  for p in pyyaml click psutil joblib mako plotly pyarrow numba scikit-learn pandas matplotlib \
      scipy jax jaxlib; do
    "$venv/bin/pip" install "$p"
  done
fi
py="$venv/bin/python"
# benchopt_sync (off unless BILEVEL_BENCHOPT_SYNC=1): the callback waits for JAX's results (README)
site="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cp "$here/benchopt_sync.py" "$site/"
echo "import benchopt_sync" > "$site/benchopt_sync.pth"
sync="${BILEVEL_BENCHOPT_SYNC:-1}"

# benchopt's solver specifications: the benchmark's default parameters, batch 64, step 0.1,
# eval_freq of config/quadratics_021424_best_params.yml
spec() {
  case "$1" in
    SOBA) echo "SOBA[batch_size=64,eval_freq=64,step_size=0.1,outer_ratio=1.0,random_state=1]" ;;
    SABA) echo "SABA[batch_size=64,eval_freq=64,step_size=0.1,outer_ratio=1.0,mode_init_memory=zero,random_state=1]" ;;
    SRBA) echo "SRBA[batch_size=64,eval_freq=64,step_size=0.1,outer_ratio=1.0,period_frac=0.5,random_state=1]" ;;
    MRBO) echo "MRBO[batch_size=64,eval_freq=16,step_size=0.1,outer_ratio=1.0,eta=0.5,n_shia_steps=10,random_state=1]" ;;
    VRBO) echo "VRBO[batch_size=64,eval_freq=2,step_size=0.1,outer_ratio=1.0,n_inner_steps=10,n_shia_steps=10,period_frac=128,random_state=1]" ;;
    StocBiO) echo "StocBiO[batch_size=64,eval_freq=16,step_size=0.1,outer_ratio=1.0,n_inner_steps=10,n_shia_steps=10,random_state=1]" ;;
    AmIGO) echo "AmIGO[batch_size=64,eval_freq=16,step_size=0.1,outer_ratio=1.0,n_inner_steps=10,random_state=1]" ;;
  esac
}

# The same solver here: map_step η = 1 (Φ = z − ∇_zG), so benchopt's inner step is our KM step
# (--rho for the single-loop methods) and its outer step our --alpha (README: the mapping).
ours() {
  case "$1" in
    SOBA) echo "--algorithm soba --batch 64 --alpha 0.1 --rho 0.1 --eval-every 64" ;;
    SABA) echo "--algorithm saba --batch 64 --alpha 0.1 --rho 0.1 --eval-every 64" ;;
    SRBA) echo "--algorithm srba --batch 64 --alpha 0.1 --rho 0.1 --eval-every 64" ;;
    # η = 1/L̂ (L̂ = 69.83, the largest one-sample residual constant, summary.json's
    # sample_residual_lipschitz): with η = 1 their one-sample Neumann series diverge
    MRBO) echo "--algorithm mrbo --k 10 --batch 64 --eval-every 16 -o map_step=0.1" ;;
    VRBO) echo "--algorithm vrbo --k 10 --eval-every 2 -o map_step=0.01432" ;;
    StocBiO) echo "--algorithm stocbio --t 10 --k 10 --batch 64 --alpha 0.1 --eval-every 16 -o map_step=0.1 -o km_step=1" ;;
    AmIGO) echo "--algorithm amigo --t 10 --k 10 --batch 64 --alpha 0.1 --eval-every 16 -o map_step=0.1 -o km_step=1" ;;
  esac
}

mkdir -p "$out/benchopt" "$out/ours"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "benchopt: $("$venv/bin/benchopt" --version 2>/dev/null | head -1) ($(git -C "$benchopt_src" rev-parse --short HEAD 2>/dev/null || echo pip))"
  echo "benchmark_bilevel: $(git -C "$benchmark" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  "$py" -c 'import jax, jaxlib, numpy, sys; print("python", sys.version.split()[0], "jax", jax.__version__, "jaxlib", jaxlib.__version__, "numpy", numpy.__version__)'
  echo "java: $("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -version 2>&1 | head -1)"
  echo "bsgm: $(git -C "$root" rev-parse --short HEAD)"
  echo "threads: 1 (XLA_FLAGS=$XLA_FLAGS, OMP/OPENBLAS/MKL_NUM_THREADS=1, bsgm --threads 1), taskset -c $cpu"
  echo "timeout per benchopt run: $seconds s, rounds: $rounds, BILEVEL_BENCHOPT_SYNC=$sync"
  lscpu | grep -E "Model name|^CPU\(s\)|CPU family|Hypervisor|Flags" | sed 's/\(Flags:\).*/\1 (avx2: '"$(grep -c avx2 /proc/cpuinfo | head -1)"' cores, fma: '"$(grep -c ' fma ' /proc/cpuinfo)"' cores, avx512f: '"$(grep -c avx512f /proc/cpuinfo)"' cores)/'
} | tee "$out/machine.txt"

for round in $(seq 1 "$rounds"); do
  for solver in $solvers; do
    if [[ " $sides " == *" benchopt "* ]]; then
    # (b) benchopt, fixed time: many runs allowed, stopped by --timeout (its clock excludes the
    # evaluations, and StochasticJaxSolver's warm-up run_once(2) precedes it)
    rm -f "$benchmark/outputs/r$round-$solver.parquet" "$benchmark/outputs/r$round-${solver}_"*.parquet
    (cd "$benchmark" && BILEVEL_BENCHOPT_SYNC="$sync" "${pin[@]}" "$venv/bin/benchopt" run . -d simulated -s "$(spec "$solver")" \
      -n 1000000 --timeout "$seconds" --no-plot --no-cache --output "r$round-$solver") \
      > "$out/benchopt/r$round-$solver.log" 2>&1
    cp "$benchmark/outputs/r$round-$solver.parquet" "$out/benchopt/"
    fi
    # (c) the instance, once, checked against benchopt's first row
    if [ ! -f "$out/instance/instance.json" ]; then
      "${pin[@]}" "$py" "$here/export_instance.py" "$benchmark" "$out/instance" \
        "$out/benchopt/r$round-$solver.parquet" > "$out/instance.log"
    fi
    [[ " $sides " == *" ours "* ]] || continue
    # (d) ours on that instance: two seeds in one JVM, the first warms the JIT up; the budget
    # covers the samples benchopt reached
    budget=$("$py" -c "import sys; sys.path.insert(0, '$here'); import compare as c; \
print(int(1.2 * c.benchopt_curve('$out/benchopt/r$round-$solver.parquet', '$solver')['samples'][-1]) + 1)")
    rm -rf "$out/ours/r$round-$solver"
    # shellcheck disable=SC2046
    "${pin[@]}" "$root/bin/bsgm" run simulated -o instance="$out/instance" $(ours "$solver") \
      --threads 1 --seeds 2 --first-seed 1 --budget "$budget" --checkpoint-every 1000000 \
      --quiet --out "$out/ours/r$round-$solver" > "$out/ours/r$round-$solver.log" 2>&1 || \
      echo "bsgm $solver failed: see $out/ours/r$round-$solver.log" >&2
  done
done

# (e) the table
"$py" "$here/compare.py" "$out" | tee "$out/table.txt"
