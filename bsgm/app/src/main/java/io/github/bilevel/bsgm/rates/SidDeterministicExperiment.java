package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * {@code sid-deterministic}: the error {@code ‖ĥ − ∇f(λ)‖} of deterministic SID (full batch,
 * constant KM step {@code η}, {@code t = k}) against {@code t} on deterministic quadratic
 * problems. Theory (docs/mathematics.md §2): geometric decay at rate at most
 * {@code q_η = 1 − η(1 − q)} per step, so the slope of {@code log‖ĥ − ∇f‖} against {@code t}
 * is at most {@code log q_η}. Each seed is an independent random instance with the same
 * {@code μ, L} (hence the same {@code q}) and its own {@code λ}; the curve is the geometric mean
 * over instances.
 *
 * <p>Pass rule: the lower end of the 95% interval is at most {@code log q_η} (the measured rate
 * is not slower than the bound, within the interval).
 */
public final class SidDeterministicExperiment implements RateExperiment {

  /**
   * The problems and the step.
   *
   * @param d          lower-level dimension
   * @param m          upper-level dimension
   * @param mu         smallest eigenvalue of {@code H}
   * @param lipschitz  largest eigenvalue of {@code H}
   * @param eta        the constant KM step {@code η ∈ (0, 1]}
   */
  public record Settings(int d, int m, double mu, double lipschitz, double eta) {}

  /** The settings the suite uses: {@code q = 0.6}, {@code η = 0.5}, so {@code q_η = 0.8}. */
  public static final Settings DEFAULT = new Settings(30, 5, 1.0, 4.0, 0.5);

  private final Settings settings;

  /** The experiment with {@link #DEFAULT} settings. */
  public SidDeterministicExperiment() {
    this(DEFAULT);
  }

  /** The experiment with other settings. */
  public SidDeterministicExperiment(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    StepSchedule.constant(settings.eta()); // checks η ∈ (0, 1]
  }

  /** {@code q = (L − μ)/(L + μ)}, the contraction constant of the problems' map. */
  double contraction() {
    return (settings.lipschitz() - settings.mu()) / (settings.lipschitz() + settings.mu());
  }

  @Override
  public String name() {
    return "sid-deterministic";
  }

  @Override
  public String description() {
    return "deterministic SID, full batch, constant step η, t = k: ‖ĥ − ∇f(λ)‖ against t";
  }

  /** {@code log(1 − η(1 − q))}. */
  @Override
  public double theorySlope() {
    return Math.log(1 - settings.eta() * (1 - contraction()));
  }

  // The experiment's constants, one getter each (RateExperiment's contract): alike by shape only.
  @Override
  public PassRule passRule() {
    return PassRule.lowerEndAtMost(theorySlope());
  }

  @Override
  public Scale scale() {
    return Scale.LOG_LINEAR;
  }

  @Override
  public String xLabel() {
    return "t = k (KM steps)";
  }

  @Override
  public String yLabel() {
    return "‖ĥ − ∇f(λ)‖";
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.geometricMean();
  }

  @Override
  public int defaultSeeds(RateProfile profile) {
    return switch (profile) {
      case TINY -> 4;
      case QUICK -> 32;
      case FULL -> 128;
    };
  }

  /** The sizes {@code t} of a profile. */
  static int[] sizes(RateProfile profile) {
    int count = switch (profile) {
      case TINY -> 4;
      case QUICK, FULL -> 19;
    };
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = 10 + 5 * i;
    }
    return out;
  }

  @Override
  public Measurement measure(Context context) {
    Settings s = settings;
    int[] sizes = sizes(context.profile());
    double[] x = SidMseExperiment.toDoubles(sizes);
    int seeds = context.seeds();
    double[][] values = new double[seeds][sizes.length];
    long salt = name().hashCode();
    StepSchedule step = StepSchedule.constant(s.eta());
    List<QuadraticProblem> problems = new ArrayList<>(seeds);
    List<Sid> estimators = new ArrayList<>(seeds);
    double q;
    int workers = SeedParallel.workers(context.threads(), seeds);
    try (Arena arena = Arena.ofShared()) {
      DVector[] lambdas = new DVector[seeds];
      double[][] exact = new double[seeds][];
      DVector[] outs = new DVector[workers];
      for (int w = 0; w < workers; w++) {
        outs[w] = context.backend().vector(arena, s.m());
      }
      try {
        for (int r = 0; r < seeds; r++) {
          long seed = RateExperiment.deriveSeed(context.seed(), salt, r);
          QuadraticProblem problem = new QuadraticProblem(context.backend(), s.d(), s.m(),
              s.mu(), s.lipschitz(), 1, 0.0, seed);
          problems.add(problem);
          estimators.add(new Sid(problem, 1, 1));
          double[] lambda = SidMseExperiment.gaussian(new SplittableRandom(seed ^ 0x5EEDL), s.m());
          lambdas[r] = context.backend().vector(arena, lambda);
          exact[r] = problem.exactHypergradient(lambda);
        }
        q = problems.get(0).contractionConstant().orElseThrow();
        if (Math.abs(q - contraction()) > 1e-12) {
          throw new IllegalStateException("the problems' contraction constant " + q
              + " differs from (L − μ)/(L + μ) = " + contraction());
        }
        for (int i = 0; i < sizes.length; i++) {
          long start = System.nanoTime();
          int t = sizes[i];
          int column = i;
          Sid.Options options = new Sid.Options(t, t, 1, 1, step, true);
          SeedParallel.forEachSeed(workers, seeds, (w, r) -> {
            DVector out = outs[w];
            // the full batch draws nothing from the generator
            estimators.get(r).hypergradient(lambdas[r], options, new SplittableRandom(r), out);
            double error = 0;
            for (int j = 0; j < s.m(); j++) {
              double e = out.get(j) - exact[r][j];
              error += e * e;
            }
            values[r][column] = Math.sqrt(error);
          });
          context.progress().accept(String.format(java.util.Locale.ROOT,
              "%s: t = %d done (%d instances, %.2f s)", name(), t, seeds,
              (System.nanoTime() - start) / 1e9));
        }
      } finally {
        estimators.forEach(Sid::close);
        problems.forEach(QuadraticProblem::close);
      }
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("problem", "QuadraticProblem (deterministic, one instance per seed)");
    parameters.put("d", s.d());
    parameters.put("m", s.m());
    parameters.put("mu", s.mu());
    parameters.put("L", s.lipschitz());
    parameters.put("q", q);
    parameters.put("eta", s.eta());
    parameters.put("q_eta", 1 - s.eta() * (1 - q));
    parameters.put("bound_log_rate", theorySlope());
    parameters.put("sizes_t", x.clone());
    return new Measurement(x, values, Measurement.allIndices(sizes.length), parameters);
  }
}
