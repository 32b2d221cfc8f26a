package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.baselines.Mrbo;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code mrbo-stationarity}: MRBO (Yang, Ji, Liang 2021; docs/mathematics.md §4) on a stochastic
 * quadratic problem, {@code E‖∇f(λ_k)‖²} against the cumulative number of samples. Theory:
 * {@code Õ(ε^{-1.5})} samples for {@code E‖∇f‖² ≤ ε}, a log–log slope of −2/3.
 *
 * <p>{@code ‖∇f(λ_k)‖²} is computed with the exact hypergradient after every iteration and
 * averaged over the iterations of half-octave bins of {@code k} (single iterates of a
 * stochastic method are too noisy to fit), then over seeds. MRBO uses the same number of
 * samples at every iteration after the first, so every seed has the same abscissae. The fit
 * spans the last nine octaves of iterations.
 *
 * <p>The quadratic's noise is additive and its Jacobians exact, so MRBO's two-point STORM
 * corrections are noise-free here: the slope shows the momentum rate, not the full difficulty
 * of variance reduction.
 *
 * <p>Pass rule: the 95% interval intersects {@code [−2/3 − 0.1, −2/3 + 0.1]}.
 */
public final class MrboStationarityExperiment implements RateExperiment {

  /** The quadratic instance (d, m, μ, L, N, σ, seed) and MRBO's Neumann terms. */
  static final int D = 10;
  static final int M = 3;
  static final int SAMPLES = 1 << 15;
  static final double NOISE = 0.5;
  static final long PROBLEM_SEED = 9L;
  static final int NEUMANN_TERMS = 15;
  static final int FIT_OCTAVES = 9;

  @Override
  public String name() {
    return "mrbo-stationarity";
  }

  @Override
  public String description() {
    return "MRBO (momentum, STORM): E‖∇f(λ_k)‖² against samples";
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
    return "samples n (cumulative)";
  }

  @Override
  public String yLabel() {
    return "‖∇f(λ_k)‖² (half-octave bin mean)";
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.mean();
  }

  @Override
  public int defaultSeeds(RateProfile profile) {
    return switch (profile) {
      case TINY -> 3;
      case QUICK, FULL -> 16;
    };
  }

  /** MRBO iterations of a profile. */
  static int iterations(RateProfile profile) {
    return switch (profile) {
      case TINY -> 1 << 10;
      case QUICK -> 1 << 15;
      case FULL -> 1 << 17;
    };
  }

  /** Bin edges {@code 1 = e_0 < e_1 < ...}, about {@code 2^(1/2)} apart, up to {@code n}. */
  static int[] binEdges(int n) {
    List<Integer> edges = new ArrayList<>();
    edges.add(1);
    for (int j = 1; ; j++) {
      int e = (int) Math.round(Math.pow(2, j / 2.0));
      if (e >= n) {
        break;
      }
      if (e > edges.getLast()) {
        edges.add(e);
      }
    }
    edges.add(n);
    return edges.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public Measurement measure(Context context) {
    int iterations = iterations(context.profile());
    int seeds = context.seeds();
    int[] edges = binEdges(iterations);
    int bins = edges.length - 1;
    double[][] values = new double[seeds][bins];
    double[][] samples = new double[seeds][bins];
    long salt = name().hashCode();
    int workers = SeedParallel.workers(context.threads(), seeds);
    QuadraticProblem[] problems = new QuadraticProblem[workers];
    Mrbo[] runners = new Mrbo[workers];
    DVector[] lambdas = new DVector[workers];
    Mrbo.Options options = Mrbo.Options.builder().neumannTerms(NEUMANN_TERMS)
        .budget(Budget.iterations(iterations)).build();
    Map<String, Object> parameters = new LinkedHashMap<>();
    try (Arena arena = Arena.ofShared()) {
      try {
        for (int w = 0; w < workers; w++) {
          problems[w] = new QuadraticProblem(context.backend(), D, M, 1.0, 2.0, SAMPLES, NOISE,
              PROBLEM_SEED);
          runners[w] = new Mrbo(problems[w], options.batch(), options.lowerBatch());
          lambdas[w] = context.backend().vector(arena, M);
        }
        AtomicInteger finished = new AtomicInteger();
        SeedParallel.forEachSeed(workers, seeds, (w, r) -> {
          long start = System.nanoTime();
          QuadraticProblem problem = problems[w];
          Mrbo mrbo = runners[w];
          DVector lambda = lambdas[w];
          problem.backend().fill(0.0, lambda);
          long total = 0;
          try (Arena stateArena = Arena.ofShared()) {
            Mrbo.State state = mrbo.init(stateArena, lambda, options);
            SplittableRandom random =
                new SplittableRandom(RateExperiment.deriveSeed(context.seed(), salt, r));
            int bin = 0;
            double sum = 0;
            for (int k = 0; k < iterations; k++) {
              total += mrbo.iterate(state, lambda, options, random);
              double[] gradient = problem.exactHypergradient(lambda.toArray());
              double squared = 0;
              for (double g : gradient) {
                squared += g * g;
              }
              sum += squared;
              if (k + 1 == edges[bin + 1]) {     // iterations (edges[bin], edges[bin + 1]] done
                values[r][bin] = sum / (edges[bin + 1] - edges[bin] + (bin == 0 ? 1 : 0));
                samples[r][bin] = total;
                sum = 0;
                bin++;
              }
            }
          }
          context.progress().accept(String.format(java.util.Locale.ROOT,
              "%s: seed %d/%d done (%d iterations, %d samples, %.2f s)", name(),
              finished.incrementAndGet(), seeds, iterations, total,
              (System.nanoTime() - start) / 1e9));
        });
      } finally {
        SeedParallel.closeEach(runners, problems);
      }
    }
    // fit on the bins of the last FIT_OCTAVES octaves
    int firstIteration = Math.max(1, iterations >> FIT_OCTAVES);
    List<Integer> fit = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      if (edges[b] >= firstIteration) {
        fit.add(b);
      }
    }
    parameters.put("problem", "QuadraticProblem");
    parameters.put("d", D);
    parameters.put("m", M);
    parameters.put("mu", 1.0);
    parameters.put("L", 2.0);
    parameters.put("samples_N", SAMPLES);
    parameters.put("noise_sigma", NOISE);
    parameters.put("problem_seed", PROBLEM_SEED);
    parameters.put("mrbo", options.toString());
    parameters.put("iterations", iterations);
    parameters.put("fit_from_iteration", firstIteration);
    return new Measurement(SeedParallel.commonSamples(samples), values,
        fit.stream().mapToInt(Integer::intValue).toArray(), parameters);
  }
}
