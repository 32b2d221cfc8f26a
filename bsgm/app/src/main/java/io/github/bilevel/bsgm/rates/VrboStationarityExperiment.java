package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.baselines.Vrbo;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code vrbo-stationarity}: VRBO (Yang, Ji, Liang 2021; docs/mathematics.md §4.4) on a stochastic
 * quadratic problem with its parameters set for a target accuracy {@code ε} the way the theory
 * sets them: for {@code ℓ = ε^{−1/2}}, period {@code q = ℓ}, small batches {@code b = J = ℓ},
 * large batches {@code S_b = S_J = ℓ²} and {@code K = 4ℓ²} outer steps, constant steps. One run
 * then costs {@code n ∝ ℓ³ = ε^{−1.5}} samples; the value of a run is the average of
 * {@code ‖∇f(λ_k)‖²} over its {@code K} outer steps (the theorem's iterate drawn uniformly), and
 * the theory ({@code E‖∇f‖² ≤ ε} after {@code Õ(ε^{−1.5})} samples) gives a log–log slope of −2/3
 * against {@code n}. Each size is an independent run per seed.
 *
 * <p>Pass rule: the 95% interval intersects {@code [−2/3 − 0.1, −2/3 + 0.1]}.
 */
public final class VrboStationarityExperiment implements RateExperiment {

  /** The quadratic instance (d, m, μ, L, N, σ, seed), VRBO's Neumann terms and steps. */
  static final int D = 10;
  static final int M = 3;
  static final int SAMPLES = 1 << 14;
  static final double NOISE = 0.5;
  static final long PROBLEM_SEED = 13L;
  static final int NEUMANN_TERMS = 10;
  static final int INNER_STEPS = 3;
  static final int OUTER_STEPS_PER_L_SQUARED = 4;

  @Override
  public String name() {
    return "vrbo-stationarity";
  }

  @Override
  public String description() {
    return "VRBO (SARAH/SPIDER) tuned for ε = ℓ⁻²: mean of ‖∇f(λ_k)‖² over a run against its"
        + " samples";
  }

  @Override
  public double theorySlope() {
    return -2.0 / 3.0;
  }

  // The experiment's constants, one getter each (RateExperiment's contract): alike by shape only.
  @Override
  public PassRule passRule() {
    return PassRule.intervalIntersects(-2.0 / 3.0 - 0.1, -2.0 / 3.0 + 0.1);
  }

  @Override
  public Scale scale() {
    return Scale.LOG_LOG;
  }

  @Override
  public String xLabel() {
    return "samples n of a run";
  }

  @Override
  public String yLabel() {
    return "mean over k of ‖∇f(λ_k)‖²";
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.mean();
  }

  @Override
  public int defaultSeeds(RateProfile profile) {
    return switch (profile) {
      case TINY -> 3;
      case QUICK -> 12;
      case FULL -> 32;
    };
  }

  /** The sizes {@code ℓ = ε^{−1/2}} of a profile. */
  static int[] sizes(RateProfile profile) {
    return switch (profile) {
      case TINY -> new int[] {2, 3, 4};
      case QUICK -> new int[] {4, 6, 8, 12, 16, 24};
      case FULL -> new int[] {4, 6, 8, 12, 16, 24, 32, 48};
    };
  }

  /** VRBO's settings for size {@code ℓ}. */
  static Vrbo.Options options(int size) {
    return Vrbo.Options.builder().period(size).innerSteps(INNER_STEPS).lowerBatch(size)
        .batch(size).largeLowerBatch(size * size).largeBatch(size * size)
        .neumannTerms(NEUMANN_TERMS)
        .budget(Budget.iterations(OUTER_STEPS_PER_L_SQUARED * size * size)).build();
  }

  @Override
  public Measurement measure(Context context) {
    int[] sizes = sizes(context.profile());
    int seeds = context.seeds();
    double[][] values = new double[seeds][sizes.length];
    double[][] samples = new double[seeds][sizes.length];
    long salt = name().hashCode();
    int workers = SeedParallel.workers(context.threads(), seeds);
    int largest = sizes[sizes.length - 1];
    QuadraticProblem[] problems = new QuadraticProblem[workers];
    Vrbo[] runners = new Vrbo[workers];
    DVector[] lambdas = new DVector[workers];
    try (Arena arena = Arena.ofShared()) {
      try {
        for (int w = 0; w < workers; w++) {
          problems[w] = new QuadraticProblem(context.backend(), D, M, 1.0, 2.0, SAMPLES, NOISE,
              PROBLEM_SEED);
          runners[w] = new Vrbo(problems[w], largest * largest, largest * largest);
          lambdas[w] = context.backend().vector(arena, M);
        }
        AtomicInteger finished = new AtomicInteger();
        SeedParallel.forEachSeed(workers, seeds, (w, r) -> {
          long start = System.nanoTime();
          QuadraticProblem problem = problems[w];
          DVector lambda = lambdas[w];
          for (int i = 0; i < sizes.length; i++) {
            Vrbo.Options options = options(sizes[i]);
            int outerSteps = OUTER_STEPS_PER_L_SQUARED * sizes[i] * sizes[i];
            problem.backend().fill(0.0, lambda);
            SplittableRandom random = new SplittableRandom(
                RateExperiment.deriveSeed(context.seed(), salt, sizes[i], r));
            long total = 0;
            double sum = 0;
            try (Arena stateArena = Arena.ofConfined()) {
              Vrbo.State state = runners[w].init(stateArena, lambda, options);
              for (int k = 0; k < outerSteps; k++) {
                double[] gradient = problem.exactHypergradient(lambda.toArray());
                sum += SidMseExperiment.dot(gradient, gradient); // at λ_k, k = 0 .. K − 1
                total += runners[w].iterate(state, lambda, options, random);
              }
            }
            values[r][i] = sum / outerSteps;
            samples[r][i] = total;
          }
          context.progress().accept(String.format(java.util.Locale.ROOT,
              "%s: seed %d/%d done (%d sizes, %.2f s)", name(), finished.incrementAndGet(),
              seeds, sizes.length, (System.nanoTime() - start) / 1e9));
        });
      } finally {
        SeedParallel.closeEach(runners, problems);
      }
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("problem", "QuadraticProblem");
    parameters.put("d", D);
    parameters.put("m", M);
    parameters.put("mu", 1.0);
    parameters.put("L", 2.0);
    parameters.put("samples_N", SAMPLES);
    parameters.put("noise_sigma", NOISE);
    parameters.put("problem_seed", PROBLEM_SEED);
    parameters.put("sizes_ell", SidMseExperiment.toDoubles(sizes));
    parameters.put("outer_steps_per_ell_squared", OUTER_STEPS_PER_L_SQUARED);
    parameters.put("vrbo_at_largest", options(largest).toString());
    return new Measurement(SeedParallel.commonSamples(samples), values,
        Measurement.allIndices(sizes.length), parameters);
  }
}
