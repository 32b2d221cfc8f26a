package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stochastic quadratic problem ({@link QuadraticProblem}) as a workload: no data to
 * download, and an exact answer, so the runner reports the exact stationarity {@code ‖∇f(λ)‖}
 * and the exact {@code f(λ)}. Options: {@code d, m, mu, L, samples, noise}.
 */
public final class QuadraticWorkload implements Workload {

  /** The factory ({@code bin/bsgm run quadratic}). */
  public static final WorkloadFactory FACTORY = new SimpleWorkloadFactory("quadratic",
      "stochastic quadratic problem with an exact answer (no data needed)", 200_000,
      Algorithms.BILEVEL, List.of(
          new WorkloadOption("d", 50, "lower-level dimension"),
          new WorkloadOption("m", 10, "upper-level dimension"),
          new WorkloadOption("mu", 1.0, "smallest eigenvalue of the Hessian H"),
          new WorkloadOption("L", 2.0, "largest eigenvalue of H, >= mu"),
          new WorkloadOption("samples", 1000, "number of samples N (1: deterministic)"),
          new WorkloadOption("noise", 1.0, "the noise scale sigma (0: deterministic)")),
      QuadraticWorkload::new);

  private final QuadraticProblem problem;
  private final Arena arena = Arena.ofShared();
  private final DVector lowerSolution;
  private final Map<String, Object> configuration = new LinkedHashMap<>();

  private QuadraticWorkload(Backend backend, WorkloadOptions options, long seed) {
    int d = options.integer("d", 50, 1);
    int m = options.integer("m", 10, 1);
    double mu = options.real("mu", 1.0, Double.MIN_NORMAL, Double.MAX_VALUE);
    double lipschitz = options.real("L", 2.0, mu, Double.MAX_VALUE);
    int samples = options.integer("samples", 1000, 1);
    double noise = options.real("noise", 1.0, 0.0, Double.MAX_VALUE);
    options.checkAllRead();
    // the problem builds d × d, d × m and m × m arrays on the heap, then copies them off-heap
    AllocationLimits.arrayDoubles("-o d=" + d, "the d × d matrices of the quadratic", d, d);
    AllocationLimits.arrayDoubles("-o d=" + d + ", m=" + m, "the d × m matrix of the quadratic",
        d, m);
    AllocationLimits.arrayDoubles("-o m=" + m, "the m × m matrix of the quadratic", m, m);
    // The instance is the same for every seed; the seed drives the algorithm's samples.
    problem = new QuadraticProblem(backend, d, m, mu, lipschitz, samples, noise, 20261122L);
    lowerSolution = backend.vector(arena, d);
    // in this order in summary.json (Map.of would iterate in an order that changes between runs)
    configuration.put("d", d);
    configuration.put("m", m);
    configuration.put("mu", mu);
    configuration.put("L", lipschitz);
    configuration.put("samples", samples);
    configuration.put("noise", noise);
    configuration.put("q", problem.contractionConstant().orElseThrow());
  }

  @Override
  public int upperDimension() {
    return problem.upperDimension();
  }

  @Override
  public void initialLambda(DVector out) {
    problem.backend().fill(0.0, out);
  }

  @Override
  public UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
    double q = problem.contractionConstant().orElseThrow();
    double beta = 1 / (1 - q);
    return Algorithms.create(algorithm, problem, new Algorithms.Defaults(0.2, 10, 10, 32,
        IterationSchedule.theorem16(), StepSchedule.decreasing(beta, beta), 0.5), overrides);
  }

  @Override
  public Map<String, Double> evaluate(DVector lambda, boolean last) {
    double[] at = lambda.toArray();
    double[] gradient = problem.exactHypergradient(at);
    double norm = 0;
    for (double g : gradient) {
      norm += g * g;
    }
    lowerSolution.copyFrom(problem.exactLowerSolution(at));
    double objective = problem.objective(lowerSolution, lambda, null);
    return Map.of("stationarity", Math.sqrt(norm), "ul_objective", objective);
  }

  @Override
  public Map<String, Object> configuration() {
    return configuration;
  }

  @Override
  public void close() {
    arena.close();
    problem.close();
  }
}
