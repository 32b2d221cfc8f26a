package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.bsgm.problems.SimulatedLevel;
import io.github.bilevel.bsgm.problems.SimulatedQuadratic;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * benchopt's {@code simulated} dataset ({@link SimulatedQuadratic}, docs/mathematics.md §5.7) as
 * a workload, with benchopt's option names and defaults: generated with this project's seeded
 * generator from {@code random_state}, or read from {@code instance=DIR}, the {@code .npy}
 * arrays exported from benchopt. The answers are exact: {@code stationarity} is
 * {@code ‖∇h(x)‖} (benchopt's {@code value} is its square) and {@code ul_objective} is
 * {@code h(x) = F(z*(x), x)} over all outer samples. The start is benchopt's: {@code z = 0},
 * {@code x = −2·1}.
 */
public final class SimulatedWorkload implements Workload {

  /** The factory ({@code bin/bsgm run simulated}). */
  public static final WorkloadFactory FACTORY = new SimpleWorkloadFactory("simulated",
      "benchopt's simulated bilevel quadratic: finite sums of per-sample quadratics", 200_000,
      Algorithms.BILEVEL, List.of(
              new WorkloadOption("n_samples_inner", 1024, "inner (lower-level) samples"),
              new WorkloadOption("n_samples_outer", 1024, "outer (upper-level) samples"),
              new WorkloadOption("dim_inner", 100, "size of the inner variable z"),
              new WorkloadOption("dim_outer", 100, "size of the outer variable x"),
              new WorkloadOption("mu_inner", 0.1, "smallest eigenvalue of the mean Hessians"),
              new WorkloadOption("L_inner_inner", 1.0, "largest eigenvalue of the inner ∇²_zz"),
              new WorkloadOption("L_inner_outer", 1.0, "largest eigenvalue of the outer ∇²_zz"),
              new WorkloadOption("L_outer_inner", 1.0, "largest eigenvalue of the inner ∇²_xx"),
              new WorkloadOption("L_outer_outer", 1.0, "largest eigenvalue of the outer ∇²_xx"),
              new WorkloadOption("L_cross_inner", 0.1, "largest singular value of the inner"
                  + " cross term"),
              new WorkloadOption("L_cross_outer", 0.1, "largest singular value of the outer"
                  + " cross term"),
              new WorkloadOption("random_state", 2442, "seed of the generated instance"),
              new WorkloadOption("map_step", 1.0, "η of the lower-level map z − η∇_z G"),
              new WorkloadOption("km_step", 0.0, "constant KM step of the warm-start presets"
                  + " and of the single-loop methods' ρ, in [0, 1] (0: min(1, 1/L̂), stable"
                  + " for one sample)"),
              new WorkloadOption("instance", "", "directory of benchopt's .npy arrays"
                  + " (replaces the generator)")),
          SimulatedWorkload::new);

  private final SimulatedQuadratic problem;
  private final double kmStep;
  private final Map<String, Object> configuration = new LinkedHashMap<>();

  private SimulatedWorkload(Backend backend, WorkloadOptions options, long seed) {
    int nInner = options.integer("n_samples_inner", 1024, 1);
    int nOuter = options.integer("n_samples_outer", 1024, 1);
    int dimInner = options.integer("dim_inner", 100, 1);
    int dimOuter = options.integer("dim_outer", 100, 1);
    double mu = options.real("mu_inner", 0.1, Double.MIN_NORMAL, Double.MAX_VALUE);
    String[] names = {"L_inner_inner", "L_inner_outer", "L_outer_inner", "L_outer_outer",
        "L_cross_inner", "L_cross_outer"};
    double[] lipschitz = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      lipschitz[i] = options.real(names[i], i < 4 ? 1.0 : 0.1, Double.MIN_NORMAL,
          Double.MAX_VALUE);
    }
    int randomState = options.integer("random_state", 2442, 0);
    double mapStep = options.real("map_step", 1.0, Double.MIN_NORMAL, Double.MAX_VALUE);
    double givenKmStep = options.real("km_step", 0.0, 0.0, 1.0);
    String instance = options.text("instance", "");
    options.checkAllRead();
    // The instance is the same for every seed; the seed drives the algorithm's samples.
    if (instance.isEmpty()) {
      String sizes = "-o n_samples_inner=" + nInner + ", n_samples_outer=" + nOuter
          + ", dim_inner=" + dimInner + ", dim_outer=" + dimOuter;
      int n = Math.max(nInner, nOuter);
      int d = Math.max(dimInner, dimOuter);
      AllocationLimits.arrayDoubles(sizes, "the per-sample matrices", n, d, d);
      AllocationLimits.offHeapDoubles(sizes, "the per-sample matrices", n, d, d);
      problem = SimulatedQuadratic.generate(backend, nInner, nOuter, dimInner, dimOuter, mu,
          lipschitz, randomState, mapStep);
      configuration.put("instance", "generated");
      configuration.put("n_samples_inner", nInner);
      configuration.put("n_samples_outer", nOuter);
      configuration.put("dim_inner", dimInner);
      configuration.put("dim_outer", dimOuter);
      configuration.put("mu_inner", mu);
      for (int i = 0; i < names.length; i++) {
        configuration.put(names[i], lipschitz[i]);
      }
      configuration.put("random_state", randomState);
    } else {
      Path directory = Path.of(instance);
      try {
        SimulatedLevel inner = SimulatedLevel.read(directory, "inner");
        SimulatedLevel outer = SimulatedLevel.read(directory, "outer");
        problem = new SimulatedQuadratic(backend, inner, outer, mapStep);
        configuration.put("instance", directory.toString());
        configuration.put("n_samples_inner", inner.samples());
        configuration.put("n_samples_outer", outer.samples());
        configuration.put("dim_inner", inner.dimInner());
        configuration.put("dim_outer", inner.dimOuter());
      } catch (IOException e) {
        throw new UncheckedIOException("simulated option instance=" + instance + ": "
            + e.getMessage(), e);
      }
    }
    configuration.put("map_step", mapStep);
    kmStep = givenKmStep > 0 ? givenKmStep
        : Math.min(1.0, 1.0 / problem.sampleResidualLipschitz().orElseThrow());
    configuration.put("km_step", kmStep);
    configuration.put("q", problem.contractionConstant().orElseThrow());
    configuration.put("sample_residual_lipschitz",
        problem.sampleResidualLipschitz().orElseThrow());
  }

  @Override
  public int upperDimension() {
    return problem.upperDimension();
  }

  /** benchopt's {@code outer_var0 = −2·1} (objective.py, for datasets without their own). */
  @Override
  public void initialLambda(DVector out) {
    problem.backend().fill(-2.0, out);
  }

  /**
   * Defaults in benchopt's shape: batches of 64, upper and lower (benchopt's {@code batch_size}
   * for every oracle, so StocBiO's and AmIGO's KM steps each take 64 samples), the constant KM
   * step {@code -o km_step}, by default {@code min(1, 1/L̂)} with {@code L̂} the per-sample
   * residual constant (stable for any batch), the decreasing steps of {@link KmSteps#defaults},
   * upper step {@code α = 0.1}.
   */
  @Override
  public UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
    return Algorithms.create(algorithm, problem, new Algorithms.Defaults(0.1, 10, 10, 64,
        IterationSchedule.theorem16(), KmSteps.defaults(problem).schedule(), kmStep, 64),
        overrides);
  }

  @Override
  public Map<String, Double> evaluate(DVector lambda, boolean last) {
    double[] x = lambda.toArray();
    double[] gradient = problem.exactHypergradient(x);
    double norm = 0;
    for (double g : gradient) {
      norm += g * g;
    }
    return Map.of("stationarity", Math.sqrt(norm), "ul_objective", problem.exactValue(x));
  }

  @Override
  public Map<String, Object> configuration() {
    return configuration;
  }

  @Override
  public void close() {
    problem.close();
  }
}
