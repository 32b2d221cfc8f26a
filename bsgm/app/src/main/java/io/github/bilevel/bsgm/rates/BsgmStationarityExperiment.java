package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.DenseSolver;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bsgm-stationarity}: BSGM with the Theorem 16(i) schedule {@code t_s = k_s = J_s = s + 1}
 * and a constant step {@code α ≤ 1/L_f} on a stochastic quadratic problem;
 * {@code min_{s' ≤ s} E‖G_α(λ_{s'})‖²} against the cumulative number of samples {@code n}.
 * The expectation is the mean over seeds (independent runs from the same {@code λ_0}) of
 * {@code ‖G_α‖²} computed with the exact hypergradient after every iteration. Theory
 * (Theorem 16, docs/mathematics.md §3): {@code O(ε⁻²)} samples for {@code E‖G_α‖² ≤ ε}, a log–log
 * slope of at most −1/2.
 *
 * <p>{@code α = 1/‖∇²f‖_F}: {@code f} is quadratic, its Hessian is made column by column from
 * the exact hypergradient, and the Frobenius norm bounds {@code L_f = ‖∇²f‖₂} from above.
 *
 * <p>The fit uses log-spaced iterations from {@code S/16} to {@code S} (past the transient in
 * which the deterministic error decays geometrically), each with the samples used so far.
 *
 * <p>Pass rule: the upper end of the 95% interval is at most {@code −1/2 + 0.1}.
 */
public final class BsgmStationarityExperiment implements RateExperiment {

  /**
   * The problem and the algorithm's constants.
   *
   * @param d            lower-level dimension
   * @param m            upper-level dimension
   * @param mu           smallest eigenvalue of {@code H}
   * @param lipschitz    largest eigenvalue of {@code H}
   * @param samples      number of noise samples {@code N}
   * @param noise        noise scale {@code σ}
   * @param problemSeed  seed of the instance and of {@code λ_0}
   * @param beta         {@code β} of SID's KM steps {@code β/(γ + i)}
   * @param gamma        {@code γ} of SID's KM steps
   */
  public record Settings(int d, int m, double mu, double lipschitz, int samples, double noise,
      long problemSeed, double beta, double gamma) {}

  /** The settings the suite uses. */
  public static final Settings DEFAULT = new Settings(10, 3, 1.0, 3.0, 100, 1.0, 23L, 3.0, 3.0);

  /** How much of the run the fit skips: it starts at iteration {@code S / BURN_IN_DIVISOR}. */
  static final int BURN_IN_DIVISOR = 16;

  private final Settings settings;

  /** The experiment with {@link #DEFAULT} settings. */
  public BsgmStationarityExperiment() {
    this(DEFAULT);
  }

  /** The experiment with other settings. */
  public BsgmStationarityExperiment(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String name() {
    return "bsgm-stationarity";
  }

  @Override
  public String description() {
    return "BSGM, Theorem 16(i): t_s = k_s = J_s = s + 1, α ≤ 1/L_f:"
        + " min_s E‖G_α(λ_s)‖² against samples";
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
    return "samples n (cumulative)";
  }

  @Override
  public String yLabel() {
    return "‖G_α(λ_s)‖²";
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.runningMinimumOfMean();
  }

  @Override
  public int defaultSeeds(RateProfile profile) {
    return switch (profile) {
      case TINY -> 3;
      case QUICK -> 48;
      case FULL -> 64;
    };
  }

  /** The number of upper-level iterations {@code S} of a profile. */
  static int iterations(RateProfile profile) {
    return switch (profile) {
      case TINY -> 64;
      case QUICK -> 800;
      case FULL -> 2400;
    };
  }

  /** Iterations {@code S/16 .. S − 1}, spaced by a factor of about {@code 2^(1/3)}. */
  static int[] checkpoints(int iterations) {
    List<Integer> out = new ArrayList<>();
    int last = -1;
    for (int j = 0; ; j++) {
      int s = (int) Math.round(iterations / (double) BURN_IN_DIVISOR * Math.pow(2, j / 3.0)) - 1;
      if (s >= iterations) {
        break;
      }
      if (s > last) {
        out.add(s);
        last = s;
      }
    }
    if (last != iterations - 1) {
      out.add(iterations - 1);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public Measurement measure(Context context) {
    Settings s = settings;
    int iterations = iterations(context.profile());
    int seeds = context.seeds();
    int m = s.m();
    double[][] values = new double[seeds][iterations];
    double[][] samples = new double[seeds][iterations];
    long salt = name().hashCode();
    int workers = SeedParallel.workers(context.threads(), seeds);
    // one problem (the same instance), runner and λ per worker
    QuadraticProblem[] problems = new QuadraticProblem[workers];
    Bsgm[] runners = new Bsgm[workers];
    DVector[] lambdas = new DVector[workers];
    double[] lambda0 = SidMseExperiment.gaussian(new SplittableRandom(s.problemSeed() ^ 0x5EEDL),
        m);
    Map<String, Object> parameters = new LinkedHashMap<>();
    try (Arena arena = Arena.ofShared()) {
      try {
        for (int w = 0; w < workers; w++) {
          problems[w] = new QuadraticProblem(context.backend(), s.d(), m, s.mu(), s.lipschitz(),
              s.samples(), s.noise(), s.problemSeed());
          runners[w] = new Bsgm(problems[w], iterations, 1);
          lambdas[w] = context.backend().vector(arena, m);
        }
        double[] hessian = hessian(problems[0], m);
        double frobenius = Math.sqrt(SidMseExperiment.dot(hessian, hessian));
        double alpha = 1.0 / frobenius;
        Bsgm.Options options = Bsgm.Options.of(alpha, IterationSchedule.theorem16(), 1,
            StepSchedule.decreasing(s.beta(), s.gamma()));
        double initial = runners[0].gradientMappingNorm(lambdas[0].copyFrom(lambda0), alpha,
            exact(problems[0]));
        AtomicInteger finished = new AtomicInteger();
        SeedParallel.forEachSeed(workers, seeds, (w, r) -> {
          long start = System.nanoTime();
          QuadraticProblem problem = problems[w];
          Bsgm bsgm = runners[w];
          DVector lambda = lambdas[w].copyFrom(lambda0);
          Bsgm.ExactHypergradient exact = exact(problem);
          double[] row = values[r];
          double[] used = samples[r];
          SplittableRandom random =
              new SplittableRandom(RateExperiment.deriveSeed(context.seed(), salt, r));
          long total = 0;
          Bsgm.State state = bsgm.init();
          for (int step = 0; step < iterations; step++) {
            total += bsgm.iterate(state, lambda, options, random);
            // after the step: λ_{s+1}, made with `total` samples in all
            double norm = bsgm.gradientMappingNorm(lambda, alpha, exact);
            row[step] = norm * norm;
            used[step] = total;
          }
          context.progress().accept(String.format(java.util.Locale.ROOT,
              "%s: seed %d/%d done (S = %d iterations, %d samples, %.2f s)", name(),
              finished.incrementAndGet(), seeds, iterations, total,
              (System.nanoTime() - start) / 1e9));
        });
        double[] extremes = eigenvalueRange(hessian, m);
        parameters.put("problem", "QuadraticProblem");
        parameters.put("d", s.d());
        parameters.put("m", m);
        parameters.put("mu", s.mu());
        parameters.put("L", s.lipschitz());
        parameters.put("q", problems[0].contractionConstant().orElseThrow());
        parameters.put("samples_N", s.samples());
        parameters.put("noise_sigma", s.noise());
        parameters.put("problem_seed", s.problemSeed());
        parameters.put("beta", s.beta());
        parameters.put("gamma", s.gamma());
        parameters.put("alpha", alpha);
        parameters.put("hessian_frobenius", frobenius);
        parameters.put("L_f", extremes[1]);
        parameters.put("mu_f", extremes[0]);
        parameters.put("lambda_0", lambda0);
        parameters.put("iterations_S", iterations);
        parameters.put("initial_G_squared", initial * initial);
        parameters.put("fit_from_iteration", checkpoints(iterations)[0]);
      } finally {
        SeedParallel.closeEach(runners, problems);
      }
    }
    return new Measurement(SeedParallel.commonSamples(samples), values, checkpoints(iterations),
        parameters);
  }

  private static Bsgm.ExactHypergradient exact(QuadraticProblem problem) {
    return (lambda, out) -> out.copyFrom(problem.exactHypergradient(lambda.toArray()));
  }

  /** {@code ∇²f} of the quadratic {@code f}, row-major: column {@code i} is {@code ∇f(e_i) − ∇f(0)}. */
  static double[] hessian(QuadraticProblem problem, int m) {
    double[] base = problem.exactHypergradient(new double[m]);
    double[] out = new double[m * m];
    for (int i = 0; i < m; i++) {
      double[] unit = new double[m];
      unit[i] = 1.0;
      double[] column = problem.exactHypergradient(unit);
      for (int j = 0; j < m; j++) {
        out[j * m + i] = column[j] - base[j];
      }
    }
    return out;
  }

  /** Smallest and largest eigenvalue of a symmetric matrix ({@link DenseSolver}). */
  static double[] eigenvalueRange(double[] symmetric, int n) {
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i * n + j] = 0.5 * (symmetric[i * n + j] + symmetric[j * n + i]);
      }
    }
    double[] eigenvalues = DenseSolver.symmetricEigenvalues(a, n);
    return new double[] {eigenvalues[0], eigenvalues[n - 1]};
  }
}
