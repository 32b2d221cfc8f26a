package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * BSGM, the bilevel stochastic gradient method (Algorithm 2; docs/mathematics.md §3):
 * {@code λ_{s+1} = P_Λ(λ_s − α ĥ_s)} with {@code ĥ_s = SID(λ_s; t_s, k_s, J_s)}, no warm start.
 */
public final class Bsgm implements AutoCloseable {

  /** The exact hypergradient, where known (for the proximal-gradient-mapping norm). */
  @FunctionalInterface
  public interface ExactHypergradient {
    /** {@code out ← ∇f(λ)}. */
    void compute(DVector lambda, DVector out);
  }

  /** What one upper-level iteration saw (reported to the listener after the step). */
  public record Progress(int iteration, long samples, double upperObjective,
      double hypergradientNorm, double gradientMappingNorm, double seconds) {}

  /** Called after every upper-level iteration. */
  @FunctionalInterface
  public interface Listener {
    void onIteration(Progress progress);
  }

  /**
   * A run's settings. Each stopping rule is present or absent, never a sentinel: {@link #iterate}
   * reads none of them, {@link #run} needs at least one. Build with {@link #of} and the
   * {@code with...} methods.
   *
   * @param alpha          the upper-level step {@code α > 0}
   * @param schedule       {@code t_s, k_s, J_s}
   * @param lowerBatch     samples per KM step
   * @param steps          the KM steps {@code η_i} inside SID
   * @param maxIterations  stop after this many upper-level iterations (absent: no limit)
   * @param sampleBudget   stop once this many samples are used (absent: no limit)
   * @param timeLimitNanos stop after this much time (absent: no limit)
   * @param exact          the exact hypergradient, or null
   * @param fullBatch      SID uses every sample at every step (deterministic BSGM, Theorem 17);
   *                       {@code J_s} and {@code lowerBatch} are then ignored
   */
  public record Options(double alpha, IterationSchedule schedule, int lowerBatch,
      StepSchedule steps, OptionalInt maxIterations, OptionalLong sampleBudget,
      OptionalLong timeLimitNanos, ExactHypergradient exact, boolean fullBatch) {

    public Options {
      if (!(alpha > 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("alpha must be finite and > 0, got " + alpha);
      }
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(steps, "steps");
      Objects.requireNonNull(maxIterations, "maxIterations");
      Objects.requireNonNull(sampleBudget, "sampleBudget");
      Objects.requireNonNull(timeLimitNanos, "timeLimitNanos");
      if (lowerBatch < 1 || maxIterations.orElse(0) < 0 || sampleBudget.orElse(1) < 1
          || timeLimitNanos.orElse(1) < 1) {
        throw new IllegalArgumentException("lowerBatch >= 1, maxIterations >= 0, sampleBudget"
            + " >= 1 and timeLimitNanos >= 1 are needed, got " + lowerBatch + ", "
            + maxIterations + ", " + sampleBudget + ", " + timeLimitNanos);
      }
    }

    /** Mini-batch options without stopping rules or exact hypergradient. */
    public static Options of(double alpha, IterationSchedule schedule, int lowerBatch,
        StepSchedule steps) {
      return new Options(alpha, schedule, lowerBatch, steps, OptionalInt.empty(),
          OptionalLong.empty(), OptionalLong.empty(), null, false);
    }

    /** These options stopping after {@code iterations} upper-level iterations. */
    public Options withMaxIterations(int iterations) {
      return new Options(alpha, schedule, lowerBatch, steps, OptionalInt.of(iterations),
          sampleBudget, timeLimitNanos, exact, fullBatch);
    }

    /** These options stopping once {@code samples} samples are used. */
    public Options withSampleBudget(long samples) {
      return new Options(alpha, schedule, lowerBatch, steps, maxIterations,
          OptionalLong.of(samples), timeLimitNanos, exact, fullBatch);
    }

    /** These options stopping after {@code nanos} of wall-clock time. */
    public Options withTimeLimitNanos(long nanos) {
      return new Options(alpha, schedule, lowerBatch, steps, maxIterations, sampleBudget,
          OptionalLong.of(nanos), exact, fullBatch);
    }

    /** These options with the exact hypergradient (for the gradient-mapping norm). */
    public Options withExact(ExactHypergradient exactHypergradient) {
      return new Options(alpha, schedule, lowerBatch, steps, maxIterations, sampleBudget,
          timeLimitNanos, exactHypergradient, fullBatch);
    }

    /** These options in full-batch mode or not. */
    public Options withFullBatch(boolean full) {
      return new Options(alpha, schedule, lowerBatch, steps, maxIterations, sampleBudget,
          timeLimitNanos, exact, full);
    }
  }

  /**
   * BSGM's state: the iteration counter {@code s} alone (no warm start, so no vectors); it
   * picks {@code t_s, k_s, J_s} from the schedule.
   */
  public static final class State extends IterationState {

    /** A state at iteration 0. */
    public State() {
      super("BSGM's state");
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of();
    }
  }

  /** Why and where a run stopped. */
  public record Result(int iterations, long samples, String stoppedBecause) {}

  private final BilevelProblem problem;
  private final Backend backend;
  private final Sid sid;
  private final Arena arena = Arena.ofShared();
  private final DVector hypergradient;
  private final DVector scratch;
  private final DVector previousLambda;
  private final Batch objectiveBatch;
  private final Batch allUpper;
  private final SplittableRandom monitorRandom = new SplittableRandom(0x6D6F6E69746F72L);
  private double lastHypergradientNorm = Double.NaN;
  private double lastGradientMappingNorm = Double.NaN;

  /** A BSGM runner for {@code problem}, with room for batches up to the given sizes. */
  public Bsgm(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this.problem = Objects.requireNonNull(problem, "problem");
    this.backend = problem.backend();
    this.sid = new Sid(problem, maxBatch, maxLowerBatch);
    hypergradient = backend.vector(arena, problem.upperDimension());
    scratch = backend.vector(arena, problem.upperDimension());
    previousLambda = backend.vector(arena, problem.upperDimension());
    objectiveBatch = new Batch(maxBatch);
    allUpper = new Batch(problem.upperSamples()).all(problem.upperSamples());
  }

  /**
   * Runs BSGM from {@code lambda} (projected first), updating it in place.
   *
   * @param listener called after each iteration, or null; it sees the upper objective on a
   *     monitoring batch drawn from a generator of its own, so attaching it leaves the
   *     trajectory unchanged
   */
  public Result run(DVector lambda, Options options, SplittableRandom random, Listener listener) {
    Objects.requireNonNull(random, "random");
    if (options.maxIterations().isEmpty() && options.sampleBudget().isEmpty()
        && options.timeLimitNanos().isEmpty()) {
      throw new IllegalArgumentException("BSGM.run needs a stopping rule: an iteration limit,"
          + " a sample budget or a time limit");
    }
    problem.projectUpper(lambda);
    State state = init();
    Budget budget = new Budget(options.maxIterations(), options.sampleBudget(),
        options.timeLimitNanos());
    long start = System.nanoTime();
    long samples = 0;
    int s = 0;
    String reason;
    for (; (reason = budget.stopReason(s, samples, System.nanoTime() - start)) == null; s++) {
      samples += iterate(state, lambda, options, random);
      if (listener != null) {
        double objective = monitoredObjective(options, s);
        listener.onIteration(new Progress(s, samples, objective, lastHypergradientNorm,
            lastGradientMappingNorm, (System.nanoTime() - start) / 1e9));
      }
    }
    return new Result(s, samples, reason);
  }

  /** A fresh state: iteration 0. */
  public State init() {
    return new State();
  }

  /**
   * One upper-level iteration {@code s = state.iteration()}: {@code λ ← P_Λ(λ − α ĥ_s)} with
   * {@code ĥ_s = SID(λ; t_s, k_s, J_s)}; then {@code s} advances. Allocates nothing. Afterwards
   * {@link #lastHypergradientNorm()} is {@code ‖ĥ_s‖} and {@link #lastGradientMappingNorm()} the
   * exact {@code ‖G_α(λ_s)‖} at the point before the step (NaN without an exact gradient).
   *
   * @return the samples this iteration used
   */
  public long iterate(State state, DVector lambda, Options options, SplittableRandom random) {
    int s = state.iteration();
    IterationSchedule schedule = options.schedule();
    int t = schedule.lowerSteps(s);
    int k = schedule.linearSteps(s);
    int batch = schedule.batch(s);
    if (t < 0 || k < 0 || batch < 1) {
      throw new IllegalArgumentException("the schedule gave t = " + t + ", k = " + k
          + ", J = " + batch + " at iteration " + s + " (need t, k >= 0 and J >= 1)");
    }
    long samples = sid.estimate(lambda, t, k, batch, options.lowerBatch(), options.steps(),
        options.fullBatch(), false, random, hypergradient);
    lastHypergradientNorm = backend.nrm2(hypergradient);
    lastGradientMappingNorm = options.exact() == null ? Double.NaN
        : gradientMappingNorm(lambda, options.alpha(), options.exact());
    backend.copy(lambda, previousLambda);
    backend.axpy(-options.alpha(), hypergradient, lambda);
    problem.projectUpper(lambda);
    if (!Double.isFinite(backend.nrm2(lambda))) {
      throw new ArithmeticException("BSGM diverged in the UL step at iteration " + s
          + ": λ is not finite (‖ĥ‖ = " + lastHypergradientNorm + "); reduce alpha");
    }
    state.advance();
    return samples;
  }

  /**
   * The samples iteration {@code s} uses with {@code options}: SID's count
   * ({@link SampleCounts#sid}) for the schedule's {@code t_s, k_s, J_s}.
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public long samplesPerIteration(int s, Options options) {
    IterationSchedule schedule = options.schedule();
    return SampleCounts.sid(schedule.lowerSteps(s), schedule.linearSteps(s), schedule.batch(s),
        options.lowerBatch(), options.fullBatch(), problem.lowerSamples(),
        problem.upperSamples());
  }

  /**
   * Consults {@code check} before every LL and LS step of SID in later iterations
   * ({@link Sid#stopWhen}); an abandoned iteration throws {@link IterationStoppedException} and
   * leaves {@code λ} and the state as they were.
   */
  public void stopWhen(StopCheck check) {
    sid.stopWhen(check);
  }

  /** {@code ‖ĥ_s‖} of the last {@link #iterate} call. */
  public double lastHypergradientNorm() {
    return lastHypergradientNorm;
  }

  /** The exact {@code ‖G_α‖} before the last {@link #iterate} step (NaN if not known). */
  public double lastGradientMappingNorm() {
    return lastGradientMappingNorm;
  }

  /** The lower-level iterate of the last SID call (a view into the workspace). */
  public DVector lowerIterate() {
    return sid.lowerIterate();
  }

  /**
   * {@code Ê(w_{t_s}, λ_s)} after iteration {@code s}, at SID's lower-level iterate and the point
   * before the step, on a monitoring batch of {@code J_s} (all samples in full-batch mode).
   */
  private double monitoredObjective(Options options, int s) {
    Batch zeta = options.fullBatch() ? allUpper
        : objectiveBatch.draw(monitorRandom,
            Math.min(options.schedule().batch(s), objectiveBatch.capacity()),
            problem.upperSamples());
    return problem.objective(sid.lowerIterate(), previousLambda, zeta);
  }

  /**
   * {@code ‖G_α(λ)‖ = ‖λ − P_Λ(λ − α∇f(λ))‖ / α} with the exact gradient (equals
   * {@code ‖∇f(λ)‖} when {@code Λ = R^m}).
   */
  public double gradientMappingNorm(DVector lambda, double alpha, ExactHypergradient exact) {
    return gradientMappingNorm(backend, problem::projectUpper, lambda, alpha, exact, scratch);
  }

  /**
   * {@code ‖G_α(λ)‖ = ‖λ − P_Λ(λ − α∇f(λ))‖ / α} for any problem: {@code projection} is its
   * {@code P_Λ} (in place), {@code scratch} a workspace of the length of {@code λ}. Shared by
   * every algorithm that reports the exact stationarity measure.
   */
  public static double gradientMappingNorm(Backend backend, Consumer<DVector> projection,
      DVector lambda, double alpha, ExactHypergradient exact, DVector scratch) {
    exact.compute(lambda, scratch);
    backend.axpby(1.0, lambda, -alpha, scratch);      // λ − α∇f
    projection.accept(scratch);
    backend.axpby(1.0, lambda, -1.0, scratch);        // λ − P(λ − α∇f)
    return backend.nrm2(scratch) / alpha;
  }

  /** Frees the workspace. */
  @Override
  public void close() {
    sid.close();
    arena.close();
  }
}
