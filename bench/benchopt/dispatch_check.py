"""Times benchopt's StochasticJaxSolver epochs with and without waiting for JAX's results.

Usage: python dispatch_check.py BENCHMARK_DIR SOLVER_FILE 'param=value,...' [EPOCHS]

benchopt's callback stops its clock when the solver's run() calls it; JAX dispatches one_epoch
asynchronously, so unless the result is waited for, part of an epoch's work runs after the clock
stopped (inside the excluded evaluation). This prints, per epoch, the time benchopt's clock sees
(dispatch) and the time until the result is ready.
"""
import importlib.util
import os
import sys
import time


def main():
    benchmark, solver_file, params = sys.argv[1], sys.argv[2], sys.argv[3]
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    sys.path.insert(0, os.path.abspath(benchmark))
    os.chdir(benchmark)
    import jax
    from datasets.simulated import Dataset
    from objective import Objective
    spec = importlib.util.spec_from_file_location("solver", solver_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dataset = Dataset()
    for name, values in Dataset.parameters.items():  # benchopt sets the parameters this way
        setattr(dataset, name, values[0])
    data = dataset.get_data()
    objective = Objective()
    objective.random_state = 2442
    objective.set_data(**data)
    kwargs = {k: (float(v) if "." in v else int(v)) for k, v in
              (p.split("=") for p in params.split(","))}
    solver = module.Solver.__new__(module.Solver)
    for name, values in module.Solver.parameters.items():
        setattr(solver, name, kwargs.get(name, values[0]))
    solver.set_objective(**objective.get_objective())
    for wait in (False, True):
        state = solver.init()
        carry = state if not isinstance(state, tuple) else state
        dispatch, ready = 0.0, 0.0
        for _ in range(epochs):
            t0 = time.perf_counter()
            if isinstance(carry, tuple):
                memory, c = carry
                carry = solver.one_epoch(c, memory, solver.eval_freq)[::-1]
            elif hasattr(solver, "period"):
                carry = solver.one_epoch(carry, solver.eval_freq, 0)
            else:
                carry = solver.one_epoch(carry, solver.eval_freq)
            t1 = time.perf_counter()
            if wait:
                jax.block_until_ready(carry)
            t2 = time.perf_counter()
            dispatch += t1 - t0
            ready += t2 - t0
            if not wait:
                jax.block_until_ready(carry)  # the evaluation would wait here, off the clock
        print(f"{'wait' if wait else 'no wait'}: {epochs} epochs of {solver.eval_freq} iterations:"
              f" clock sees {dispatch:.4f} s, until ready {ready:.4f} s")


if __name__ == "__main__":
    main()
