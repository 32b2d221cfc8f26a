package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.baselines.SingleLoopOptions;
import io.github.bilevel.bsgm.baselines.Soba;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code soba-stationarity}: SOBA (Dagréou et al. 2022; docs/mathematics.md §4.5) with steps
 * {@code ρ_k = ρ/(k + 1)^{1/2}}, {@code γ_k = γ/(k + 1)^{1/2}} on a stochastic quadratic problem;
 * {@code min_{k' ≤ k} E‖∇f(λ_{k'})‖²} against the iterations {@code k}. Theory: with both steps
 * of order {@code k^{−1/2}} the analysis of [DAVM22] gives {@code O(log K/√K)}, a log–log slope
 * of at most −1/2 up to the logarithm (docs/mathematics.md §7.8 says why this rate and not the
 * paper's Theorem 1 rate). SOBA uses {@code b + J} samples at every iteration, so the slope is
 * the same against samples.
 *
 * <p>{@code ‖∇f(λ_k)‖²} is computed with the exact hypergradient after every iteration and
 * averaged over half-octave bins of {@code k} ({@link MrboStationarityExperiment#binEdges}),
 * then over seeds; the fit spans the last {@value #FIT_OCTAVES} octaves of iterations.
 *
 * <p>Pass rule: the upper end of the 95% interval is at most {@code −1/2 + 0.1}.
 */
public final class SobaStationarityExperiment implements RateExperiment {

  /** The quadratic instance (d, m, μ, L, N, σ, seed) and SOBA's constants. */
  static final int D = 10;
  static final int M = 3;
  static final int SAMPLES = 1 << 12;
  static final double NOISE = 0.5;
  static final long PROBLEM_SEED = 31L;
  static final double RHO = 0.5;
  static final double GAMMA = 0.1;
  static final int FIT_OCTAVES = 6;

  @Override
  public String name() {
    return "soba-stationarity";
  }

  @Override
  public String description() {
    return "SOBA, steps ρ/√(k + 1) and γ/√(k + 1): min_k E‖∇f(λ_k)‖² against iterations";
  }

  @Override
  public double theorySlope() {
    return -0.5;
  }

  // The experiment's constants, one getter each (RateExperiment's contract): alike by shape only.
  @Override
  public PassRule passRule() {
    return PassRule.upperEndAtMost(-0.5 + 0.1);
  }

  @Override
  public Scale scale() {
    return Scale.LOG_LOG;
  }

  @Override
  public String xLabel() {
    return "iterations k";
  }

  @Override
  public String yLabel() {
    return "‖∇f(λ_k)‖² (half-octave bin mean)";
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.runningMinimumOfMean();
  }

  @Override
  public int defaultSeeds(RateProfile profile) {
    return switch (profile) {
      case TINY -> 3;
      case QUICK -> 16;
      case FULL -> 32;
    };
  }

  /** SOBA iterations of a profile. */
  static int iterations(RateProfile profile) {
    return switch (profile) {
      case TINY -> 1 << 10;
      case QUICK -> 1 << 16;
      case FULL -> 1 << 18;
    };
  }

  @Override
  public Measurement measure(Context context) {
    int iterations = iterations(context.profile());
    int seeds = context.seeds();
    int[] edges = MrboStationarityExperiment.binEdges(iterations);
    int bins = edges.length - 1;
    double[][] values = new double[seeds][bins];
    double[] x = new double[bins];
    for (int b = 0; b < bins; b++) {
      x[b] = edges[b + 1];
    }
    long salt = name().hashCode();
    int workers = SeedParallel.workers(context.threads(), seeds);
    QuadraticProblem[] problems = new QuadraticProblem[workers];
    Soba[] runners = new Soba[workers];
    DVector[] lambdas = new DVector[workers];
    SingleLoopOptions options = SingleLoopOptions.builder().rho(RHO).gamma(GAMMA)
        .rhoExponent(0.5).gammaExponent(0.5).budget(Budget.iterations(iterations)).build();
    try (Arena arena = Arena.ofShared()) {
      try {
        for (int w = 0; w < workers; w++) {
          problems[w] = new QuadraticProblem(context.backend(), D, M, 1.0, 2.0, SAMPLES, NOISE,
              PROBLEM_SEED);
          runners[w] = new Soba(problems[w], options.batch(), options.lowerBatch());
          lambdas[w] = context.backend().vector(arena, M);
        }
        AtomicInteger finished = new AtomicInteger();
        SeedParallel.forEachSeed(workers, seeds, (w, r) -> {
          long start = System.nanoTime();
          QuadraticProblem problem = problems[w];
          Soba soba = runners[w];
          DVector lambda = lambdas[w];
          problem.backend().fill(0.0, lambda);
          try (Arena stateArena = Arena.ofConfined()) {
            Soba.State state = soba.init(stateArena, lambda, options);
            SplittableRandom random =
                new SplittableRandom(RateExperiment.deriveSeed(context.seed(), salt, r));
            int bin = 0;
            double sum = 0;
            for (int k = 0; k < iterations; k++) {
              soba.iterate(state, lambda, options, random);
              double[] gradient = problem.exactHypergradient(lambda.toArray());
              sum += SidMseExperiment.dot(gradient, gradient);
              if (k + 1 == edges[bin + 1]) {     // iterations (edges[bin], edges[bin + 1]] done
                values[r][bin] = sum / (edges[bin + 1] - edges[bin] + (bin == 0 ? 1 : 0));
                sum = 0;
                bin++;
              }
            }
          }
          context.progress().accept(String.format(java.util.Locale.ROOT,
              "%s: seed %d/%d done (%d iterations, %.2f s)", name(),
              finished.incrementAndGet(), seeds, iterations, (System.nanoTime() - start) / 1e9));
        });
      } finally {
        SeedParallel.closeEach(runners, problems);
      }
    }
    int firstIteration = Math.max(1, iterations >> FIT_OCTAVES);
    List<Integer> fit = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      if (edges[b] >= firstIteration) {
        fit.add(b);
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
    parameters.put("soba", options.toString());
    parameters.put("iterations", iterations);
    parameters.put("fit_from_iteration", firstIteration);
    return new Measurement(x, values, fit.stream().mapToInt(Integer::intValue).toArray(),
        parameters);
  }
}
