package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * {@code sid-mse}: the mean squared error {@code E‖ĥ − ∇f(λ)‖²} of stochastic SID with
 * {@code t = k = J} and decreasing KM steps {@code η_i = β/(γ + i)}, against {@code t}, on a
 * stochastic quadratic problem (docs/mathematics.md §2, Corollary 10: {@code O(1/t)}, a log–log slope
 * of −1). Each seed is one independent SID call per {@code t}; the expectation is the mean over
 * seeds.
 *
 * <p>Sizes start at {@code t = 32 ≈ 10γ}: the variance of the decreasing-step iteration behaves
 * like {@code 1/(γ + t)}, whose local slope {@code −t/(γ + t)} is still −0.9 at {@code t = 32}
 * and shallower below. {@code β(1 − q) = 3/2} makes the deterministic (bias) part fall like
 * {@code t^{−3}}, well below the variance.
 *
 * <p>Pass rule: the 95% interval of the slope intersects {@code [−1.25, −0.75]}.
 */
public final class SidMseExperiment implements RateExperiment {

  /** How one estimate of {@code ∇f(λ)} is made at size {@code t} (replaceable for tests). */
  @FunctionalInterface
  public interface Estimator {
    /** Writes an estimate of {@code ∇f(λ)} into {@code out}. */
    void estimate(Sid sid, DVector lambda, int t, StepSchedule steps, SplittableRandom random,
        DVector out);
  }

  /** SID as the theory has it: {@code t = k = J}, one sample per KM step. */
  public static final Estimator SID = (sid, lambda, t, steps, random, out) ->
      sid.hypergradient(lambda, new Sid.Options(t, t, t, 1, steps), random, out);

  /**
   * The problem and the step sizes.
   *
   * @param d            lower-level dimension
   * @param m            upper-level dimension
   * @param mu           smallest eigenvalue of {@code H}
   * @param lipschitz    largest eigenvalue of {@code H}
   * @param samples      number of noise samples {@code N}
   * @param noise        noise scale {@code σ}
   * @param problemSeed  seed of the problem instance and of {@code λ}
   * @param beta         {@code β} of the KM steps; {@code 2β(1 − q) > 1} is required
   * @param gamma        {@code γ} of the KM steps, {@code >= β}
   */
  public record Settings(int d, int m, double mu, double lipschitz, int samples, double noise,
      long problemSeed, double beta, double gamma) {}

  /** The settings the suite uses: {@code q = 1/2}, {@code 2β(1 − q) = 3}, {@code σ = 1}. */
  public static final Settings DEFAULT = new Settings(10, 3, 1.0, 3.0, 100, 1.0, 11L, 3.0, 3.0);

  private final Settings settings;
  private final Estimator estimator;

  /** The experiment with {@link #DEFAULT} settings and {@link #SID}. */
  public SidMseExperiment() {
    this(DEFAULT, SID);
  }

  /** The experiment with other settings or another estimator. */
  public SidMseExperiment(Settings settings, Estimator estimator) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.estimator = Objects.requireNonNull(estimator, "estimator");
  }

  @Override
  public String name() {
    return "sid-mse";
  }

  @Override
  public String description() {
    return "stochastic SID, t = k = J, steps β/(γ + i): E‖ĥ − ∇f(λ)‖² against t";
  }

  @Override
  public double theorySlope() {
    return -1.0;
  }

  // The experiment's constants, one getter each (RateExperiment's contract): alike by shape only.
  @Override
  public PassRule passRule() {
    return PassRule.intervalIntersects(-1.25, -0.75);
  }

  @Override
  public Scale scale() {
    return Scale.LOG_LOG;
  }

  @Override
  public String xLabel() {
    return "t = k = J";
  }

  @Override
  public String yLabel() {
    return "‖ĥ − ∇f(λ)‖²";
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.mean();
  }

  @Override
  public int defaultSeeds(RateProfile profile) {
    return switch (profile) {
      case TINY -> 8;
      case QUICK -> 1000;
      case FULL -> 4000;
    };
  }

  /** The sizes {@code t} of a profile. */
  static int[] sizes(RateProfile profile) {
    return switch (profile) {
      case TINY -> new int[] {4, 8, 16};
      case QUICK -> new int[] {32, 64, 128, 256, 512, 1024};
      case FULL -> new int[] {32, 64, 128, 256, 512, 1024, 2048, 4096};
    };
  }

  @Override
  public Measurement measure(Context context) {
    return measure(context, name().hashCode());
  }

  /** The settings of this experiment. */
  Settings settings() {
    return settings;
  }

  /** {@link #measure(Context)} drawing from the streams of {@code salt} (one per experiment). */
  Measurement measure(Context context, long salt) {
    Settings s = settings;
    int[] sizes = sizes(context.profile());
    int maxT = sizes[sizes.length - 1];
    int seeds = context.seeds();
    double[] x = toDoubles(sizes);
    double[][] values = new double[seeds][sizes.length];
    int workers = SeedParallel.workers(context.threads(), seeds);
    // one problem (the same instance), estimator and buffers per worker
    QuadraticProblem[] problems = new QuadraticProblem[workers];
    Sid[] estimators = new Sid[workers];
    DVector[] lambdas = new DVector[workers];
    DVector[] outs = new DVector[workers];
    double[] lambda = gaussian(new SplittableRandom(s.problemSeed() ^ 0x5EEDL), s.m());
    double q;
    double[] exact;
    try (Arena arena = Arena.ofShared()) {
      try {
        for (int w = 0; w < workers; w++) {
          problems[w] = new QuadraticProblem(context.backend(), s.d(), s.m(), s.mu(),
              s.lipschitz(), s.samples(), s.noise(), s.problemSeed());
          estimators[w] = new Sid(problems[w], maxT, 1);
          lambdas[w] = context.backend().vector(arena, lambda);
          outs[w] = context.backend().vector(arena, s.m());
        }
        q = problems[0].contractionConstant().orElseThrow();
        if (!(2 * s.beta() * (1 - q) > 1)) {
          throw new IllegalArgumentException("sid-mse needs 2β(1 − q) > 1 for the O(1/t) rate,"
              + " got " + 2 * s.beta() * (1 - q));
        }
        StepSchedule steps = StepSchedule.decreasing(s.beta(), s.gamma());
        exact = problems[0].exactHypergradient(lambda);
        for (int i = 0; i < sizes.length; i++) {
          long start = System.nanoTime();
          int t = sizes[i];
          int column = i;
          SeedParallel.forEachSeed(workers, seeds, (w, r) -> {
            SplittableRandom random =
                new SplittableRandom(RateExperiment.deriveSeed(context.seed(), salt, t, r));
            DVector out = outs[w];
            estimator.estimate(estimators[w], lambdas[w], t, steps, random, out);
            double error = 0;
            for (int j = 0; j < s.m(); j++) {
              double e = out.get(j) - exact[j];
              error += e * e;
            }
            values[r][column] = error;
          });
          context.progress().accept(String.format(java.util.Locale.ROOT,
              "%s: t = %d done (%d runs, %.2f s)", name(), t, seeds,
              (System.nanoTime() - start) / 1e9));
        }
      } finally {
        SeedParallel.closeEach(estimators, problems);
      }
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("problem", "QuadraticProblem");
    parameters.put("d", s.d());
    parameters.put("m", s.m());
    parameters.put("mu", s.mu());
    parameters.put("L", s.lipschitz());
    parameters.put("q", q);
    parameters.put("samples_N", s.samples());
    parameters.put("noise_sigma", s.noise());
    parameters.put("problem_seed", s.problemSeed());
    parameters.put("beta", s.beta());
    parameters.put("gamma", s.gamma());
    parameters.put("two_beta_one_minus_q", 2 * s.beta() * (1 - q));
    parameters.put("lambda", lambda);
    parameters.put("grad_f_norm", Math.sqrt(dot(exact, exact)));
    parameters.put("sizes_t", x.clone());
    return new Measurement(x, values, Measurement.allIndices(sizes.length), parameters);
  }

  static double[] gaussian(SplittableRandom random, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  static double[] toDoubles(int[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
