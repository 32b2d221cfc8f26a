package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bsgm-deterministic}: deterministic BSGM ([GPS23] Theorem 17: full batches, constant KM
 * step {@code η}, {@code t_s = k_s = ⌈c·ln(s + 2)⌉}, constant {@code α ≤ 1/L_f}) on
 * deterministic quadratic problems; {@code min_{s' ≤ s} ‖∇f(λ_{s'})‖²} against the cumulative
 * number of samples {@code n}. Theory (docs/mathematics.md §3.4, §7.6):
 * {@code ‖∇f‖² = O(n⁻¹ log n)}, a log–log slope of at most −1 up to the logarithm.
 *
 * <p>{@code c = 1/ln(1/q_η)}, so that SID's error {@code ‖ĥ_s − ∇f(λ_s)‖ ∝ q_η^{t_s}} falls
 * like {@code 1/(s + 2)}: its squares are summable, as Theorem 17 needs (the threshold is
 * {@code c = 1/(2 ln(1/q_η))}, where they sum to {@code O(log S)}). On these strongly convex
 * {@code f} the exact-gradient part converges geometrically, so past the burn-in the error term
 * sets {@code ‖∇f(λ_s)‖²}; the theorem's rate is an upper bound, and a schedule below the
 * threshold (too small a {@code c}) fails the rule.
 *
 * <p>Each seed is an independent random instance with the same {@code μ, L} (so the same
 * {@code q}) and its own {@code λ_0}; {@code α = 1/‖∇²f‖_F} per instance. The fit uses
 * iterations {@code S/16 .. S} ({@link BsgmStationarityExperiment#checkpoints}).
 *
 * <p>Pass rule: the upper end of the 95% interval is at most {@code −1 + 0.2} (0.2 for the
 * {@code log n} factor, whose local slope {@code 1/ln n} is about 0.1 to 0.15 at these sizes).
 */
public final class BsgmDeterministicExperiment implements RateExperiment {

  /**
   * The problems and SID's constant KM step.
   *
   * @param d          lower-level dimension
   * @param m          upper-level dimension
   * @param mu         smallest eigenvalue of {@code H}
   * @param lipschitz  largest eigenvalue of {@code H}
   * @param eta        the constant KM step {@code η ∈ (0, 1]}
   * @param c          the schedule's constant, {@code t_s = ⌈c·ln(s + 2)⌉}
   */
  public record Settings(int d, int m, double mu, double lipschitz, double eta, double c) {
    public Settings {
      StepSchedule.constant(eta); // checks η ∈ (0, 1]
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException("c must be finite and > 0, got " + c);
      }
    }
  }

  /** {@code q = 1/2}, {@code η = 1}, so {@code q_η = 1/2} and {@code c = 1/ln 2}. */
  public static final Settings DEFAULT = new Settings(10, 3, 1.0, 3.0, 1.0, 1.0 / Math.log(2));

  private final Settings settings;

  /** The experiment with {@link #DEFAULT} settings. */
  public BsgmDeterministicExperiment() {
    this(DEFAULT);
  }

  /** The experiment with other settings. */
  public BsgmDeterministicExperiment(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String name() {
    return "bsgm-deterministic";
  }

  @Override
  public String description() {
    return "deterministic BSGM, Theorem 17: full batch, t_s = k_s = ⌈c ln(s + 2)⌉, α ≤ 1/L_f:"
        + " min_s ‖∇f(λ_s)‖² against samples";
  }

  @Override
  public double theorySlope() {
    return -1.0;
  }

  // The experiment's constants, one getter each (RateExperiment's contract): alike by shape only.
  @Override
  public PassRule passRule() {
    return PassRule.upperEndAtMost(-1.0 + 0.2);
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
    return "‖∇f(λ_s)‖²";
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
      case FULL -> 64;
    };
  }

  /** The number of upper-level iterations {@code S} of a profile. */
  static int iterations(RateProfile profile) {
    return switch (profile) {
      case TINY -> 64;
      case QUICK -> 4096;
      case FULL -> 16384;
    };
  }

  @Override
  public Measurement measure(Context context) {
    Settings s = settings;
    int iterations = iterations(context.profile());
    int seeds = context.seeds();
    double[][] values = new double[seeds][iterations];
    double[][] samples = new double[seeds][iterations];
    long salt = name().hashCode();
    double[] alphas = new double[seeds];
    double[] qs = new double[seeds];
    AtomicInteger finished = new AtomicInteger();
    int workers = SeedParallel.workers(context.threads(), seeds);
    Bsgm.Options base = Bsgm.Options.of(1.0, IterationSchedule.theorem17(s.c()), 1,
        StepSchedule.constant(s.eta())).withFullBatch(true);
    SeedParallel.forEachSeed(workers, seeds, (w, r) -> {
      long start = System.nanoTime();
      long instanceSeed = RateExperiment.deriveSeed(context.seed(), salt, r);
      try (QuadraticProblem problem = new QuadraticProblem(context.backend(), s.d(), s.m(),
              s.mu(), s.lipschitz(), 1, 0.0, instanceSeed);
          Bsgm bsgm = new Bsgm(problem, 1, 1);
          Arena arena = Arena.ofConfined()) {
        double[] hessian = BsgmStationarityExperiment.hessian(problem, s.m());
        double alpha = 1.0 / Math.sqrt(SidMseExperiment.dot(hessian, hessian));
        alphas[r] = alpha;
        qs[r] = problem.contractionConstant().orElseThrow();
        Bsgm.Options options = Bsgm.Options.of(alpha, base.schedule(), 1, base.steps())
            .withFullBatch(true);
        Bsgm.ExactHypergradient exact =
            (lambda, out) -> out.copyFrom(problem.exactHypergradient(lambda.toArray()));
        DVector lambda = context.backend().vector(arena, SidMseExperiment.gaussian(
            new SplittableRandom(instanceSeed ^ 0x5EEDL), s.m()));
        SplittableRandom random = new SplittableRandom(instanceSeed);
        Bsgm.State state = bsgm.init();
        long total = 0;
        for (int step = 0; step < iterations; step++) {
          total += bsgm.iterate(state, lambda, options, random);
          double norm = bsgm.gradientMappingNorm(lambda, alpha, exact);
          values[r][step] = norm * norm;
          samples[r][step] = total;
        }
        context.progress().accept(String.format(java.util.Locale.ROOT,
            "%s: instance %d/%d done (S = %d iterations, %d samples, %.2f s)", name(),
            finished.incrementAndGet(), seeds, iterations, total,
            (System.nanoTime() - start) / 1e9));
      }
    });
    double qEta = 1 - s.eta() * (1 - qs[0]);
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("problem", "QuadraticProblem (deterministic)");
    parameters.put("d", s.d());
    parameters.put("m", s.m());
    parameters.put("mu", s.mu());
    parameters.put("L", s.lipschitz());
    parameters.put("q", qs[0]);
    parameters.put("eta", s.eta());
    parameters.put("q_eta", qEta);
    parameters.put("c", s.c());
    parameters.put("c_times_log_one_over_q_eta", s.c() * Math.log(1 / qEta));
    parameters.put("alphas", alphas);
    parameters.put("iterations_S", iterations);
    parameters.put("fit_from_iteration", BsgmStationarityExperiment.checkpoints(iterations)[0]);
    return new Measurement(SeedParallel.commonSamples(samples), values,
        BsgmStationarityExperiment.checkpoints(iterations), parameters);
  }
}
