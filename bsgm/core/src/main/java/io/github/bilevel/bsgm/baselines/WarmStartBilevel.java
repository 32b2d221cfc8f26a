package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.IterationStoppedException;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.bsgm.SampleCounts;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.StopCheck;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The BSGM variants of docs/mathematics.md §4 as one configurable algorithm:
 * {@code λ_{s+1} = P_Λ(λ_s − α_s ĥ_s)}, {@code α_s = α / (s + 1)^p}, where {@code ĥ_s} is a
 * SID-like hypergradient estimate that may keep the lower-level iterate {@code w} and the
 * linear-system iterate {@code v} from one upper-level iteration to the next (warm start).
 *
 * <p>One estimate, at upper-level iteration {@code s} with {@code t = t_s, k = k_s, J = J_s}:
 *
 * <ol>
 *   <li>lower level: from {@code w = 0} ({@link Start#ZERO}) or from the last {@code w}
 *       ({@link Start#WARM}), {@code t} stochastic Krasnoselskii–Mann steps
 *       {@code w ← (1 − η_i) w + η_i Φ̂(w, λ, ξ_i)} on batches of {@code b} ({@code lowerBatch});
 *   <li>{@code ĝ₁ = ∇₁Ê(w, λ, ζ)}, {@code ĝ₂ = ∇₂Ê(w, λ, ζ)} on one batch {@code ζ} of
 *       {@code J};
 *   <li>linear system {@code v = ∂₁Φᵀ v + ĝ₁}, from {@code v = 0} or from the last {@code v},
 *       with the {@link LinearSolver} chosen, {@code k} steps on fresh batches of {@code b};
 *   <li>{@code ĥ = ĝ₂ + ∂₂Φ̂(w, λ, ξ'')ᵀ v} on a batch {@code ξ''} of {@code J}.
 * </ol>
 *
 * Samples are drawn from the caller's generator in exactly this order; with both starts
 * {@link Start#ZERO}, {@link LinearSolver#KM} and {@link StepClock#PER_CALL} an estimate is
 * exactly {@link io.github.bilevel.bsgm.Sid}'s (same draws, same arithmetic).
 *
 * <p>Sample counting, as {@code Sid} does it: one per sample per evaluation — each KM step's
 * map on its batch ({@code b}), each linear-system step's VJP ({@code b}), the pair
 * {@code ∇₁Ê, ∇₂Ê} on {@code ζ} ({@code J}, counted once), the final {@code ∂₂Φ̂ᵀ v}
 * ({@code J}): {@code (t + k')·b + 2J} per estimate, {@code k'} the linear-system steps taken
 * ({@code k}, or the random truncation {@code Q}). Full batch: {@code (t + k' + 1)·n_ξ + n_ζ}.
 *
 * <p>The workspace is allocated once; an iteration allocates nothing but the listener's
 * progress record. Not thread-safe: one run at a time.
 */
public final class WarmStartBilevel implements AutoCloseable {

  /** Where a solver starts at each upper-level iteration. */
  public enum Start {
    /** From zero at every upper-level iteration (no warm start). */
    ZERO,
    /** From the iterate the previous upper-level iteration ended with (zero at the first). */
    WARM
  }

  /** How the linear system {@code v = ∂₁Φᵀ v + ĝ₁} is solved. */
  public enum LinearSolver {
    /**
     * The {@code k}-term Neumann series {@code Σ_{q<k} (∂₁Φ̂ᵀ)^q ĝ₁} with independent samples
     * per factor: the KM solver with {@code η = 1} ({@code linearSteps} ignored). From a warm
     * {@code v} it adds {@code (∂₁Φ̂ᵀ)^k v_0}.
     */
    NEUMANN,
    /** Krasnoselskii–Mann steps {@code v ← (1 − η_i) v + η_i (∂₁Φ̂ᵀ v + ĝ₁)}. */
    KM,
    /**
     * Stochastic gradient steps on {@code ½vᵀ(I − ∂₁Φᵀ)v − vᵀ∇₁E} (AmIGO):
     * {@code v ← v − η_i ((I − ∂₁Φ̂ᵀ) v − ĝ₁)}. The direction is the gradient of that quadratic
     * when {@code ∂₁Φ} is symmetric (maps of type (2), {@code Φ = w − η∇_w g}) and otherwise the
     * linear system's residual; the step is, in exact arithmetic, the KM step with the same
     * {@code η_i}.
     */
    SGD,
    /**
     * BSA's randomly truncated Neumann series: {@code Q ~ Uniform{0, …, k − 1}} and
     * {@code v = k · ∂₁Φ̂(ξ_Q)ᵀ ⋯ ∂₁Φ̂(ξ_1)ᵀ ĝ₁}, an unbiased estimate of the {@code k}-term
     * series; no state, so {@code linearStart} is ignored. Needs {@code k >= 1}.
     */
    RANDOM_TRUNCATION
  }

  /** Which index {@code i} the KM step sizes {@code η_i} take. */
  public enum StepClock {
    /** {@code i} restarts at 0 at every upper-level iteration (SID, BSGM). */
    PER_CALL,
    /**
     * {@code i} counts all steps of that solver since the run began, so decreasing steps keep
     * decreasing across upper-level iterations (one long stochastic KM run on a moving target).
     */
    CUMULATIVE
  }

  /**
   * A run's settings. Use {@link #builder(WarmStartPreset)} for the presets' defaults.
   *
   * @param name         the algorithm's name in messages
   * @param lowerStart   where the lower-level solver starts
   * @param linearStart  where the linear-system solver starts
   * @param linearSolver the linear-system solver
   * @param schedule     {@code t_s, k_s, J_s}
   * @param lowerBatch   {@code b}, samples per LL step and per LS step
   * @param lowerSteps   the LL KM steps {@code η_i}
   * @param linearSteps  the LS steps of {@link LinearSolver#KM} and {@link LinearSolver#SGD}
   * @param clock        which index the step schedules take
   * @param fullBatch    every evaluation uses every sample (deterministic); batch sizes ignored
   * @param alpha        the upper-level step {@code α > 0}
   * @param alphaDecay   {@code p >= 0}: {@code α_s = α / (s + 1)^p}
   * @param budget       when {@link #run} stops ({@link Budget#unlimited()} for {@link #iterate})
   * @param exact        the exact hypergradient for the progress report, or null
   * @param residuals    compute every LL and LS step's residual (for {@link WarmStartEstimate}
   *                     and errors naming the inner step); off: one check per solve
   */
  public record Options(String name, Start lowerStart, Start linearStart,
      LinearSolver linearSolver, IterationSchedule schedule, int lowerBatch,
      StepSchedule lowerSteps, StepSchedule linearSteps, StepClock clock, boolean fullBatch,
      double alpha, double alphaDecay, Budget budget, Bsgm.ExactHypergradient exact,
      boolean residuals) {

    public Options {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(lowerStart, "lowerStart");
      Objects.requireNonNull(linearStart, "linearStart");
      Objects.requireNonNull(linearSolver, "linearSolver");
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(lowerSteps, "lowerSteps");
      Objects.requireNonNull(linearSteps, "linearSteps");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(budget, "budget");
      if (lowerBatch < 1) {
        throw new IllegalArgumentException(name + ": lowerBatch must be >= 1, got " + lowerBatch);
      }
      if (!(alpha > 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException(name + ": alpha must be finite and > 0, got " + alpha);
      }
      if (!(alphaDecay >= 0) || Double.isInfinite(alphaDecay)) {
        throw new IllegalArgumentException(
            name + ": alphaDecay must be finite and >= 0, got " + alphaDecay);
      }
    }

    /** {@code α_s = α / (s + 1)^p}. */
    public double alpha(int s) {
      return alphaDecay == 0.0 ? alpha : alpha / Math.pow(s + 1.0, alphaDecay);
    }

    /** A builder holding the defaults of {@code preset} (see {@link WarmStartBuilder}). */
    public static WarmStartBuilder builder(WarmStartPreset preset) {
      return new WarmStartBuilder(preset);
    }
  }

  /**
   * The state carried between upper-level iterations: the lower-level iterate {@code w}, the
   * linear-system iterate {@code v}, the iteration counter {@code s} and the step clocks of
   * {@link StepClock#CUMULATIVE} (steps taken by each solver so far). {@link #vectors()} lists
   * the iterates the options start warm (the others restart from 0 at every iteration). Mutable,
   * so that iterations allocate nothing.
   */
  public static final class State implements AlgorithmState {
    private final DVector w;
    private final DVector v;
    private final List<NamedVector> warm;
    private int iteration;
    private long lowerClock;
    private long linearClock;

    void setIteration(int s) {
      iteration = s;
    }

    private State(Backend backend, Arena arena, int d, Options options) {
      w = backend.vector(arena, d);
      v = backend.vector(arena, d);
      boolean warmLower = options.lowerStart() == Start.WARM;
      boolean warmLinear = options.linearStart() == Start.WARM   // random truncation keeps no v
          && options.linearSolver() != LinearSolver.RANDOM_TRUNCATION;
      NamedVector lower = new NamedVector("w", w);
      NamedVector linear = new NamedVector("v", v);
      warm = warmLower ? (warmLinear ? List.of(lower, linear) : List.of(lower))
          : (warmLinear ? List.of(linear) : List.of());
    }

    /** The lower-level iterate {@code w}. */
    public DVector lowerIterate() {
      return w;
    }

    /** The linear-system iterate {@code v}. */
    public DVector linearIterate() {
      return v;
    }

    /** The next iteration's index {@code s}. */
    public int iteration() {
      return iteration;
    }

    /** LL steps taken so far (the cumulative clock's index). */
    public long lowerClock() {
      return lowerClock;
    }

    /** LS steps taken so far (the cumulative clock's index; KM and SGD solvers). */
    public long linearClock() {
      return linearClock;
    }

    @Override
    public List<NamedVector> vectors() {
      return warm;
    }

    @Override
    public List<String> counterNames() {
      return List.of("iteration", "lower_clock", "linear_clock");
    }

    @Override
    public long[] counters() {
      return new long[] {iteration, lowerClock, linearClock};
    }

    @Override
    public void restoreCounters(long[] values) {
      AlgorithmState.checkCounters("the warm-start state", values, 3);
      iteration = AlgorithmState.iterationCounter("the warm-start state", values[0]);
      lowerClock = values[1];
      linearClock = values[2];
    }
  }

  final BilevelProblem problem;
  final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final BilevelProblem.Linearization linearization;
  private final DVector phi;
  private final DVector g1;
  private final DVector g2;
  private final DVector lambdaTerm;
  final DVector hypergradient;
  private final DVector scratch;
  private final Batch lowerBatch;
  private final Batch upperBatch;
  private final Batch crossBatch;
  private final Batch allLower;
  private final Batch allUpper;
  private double lastHypergradientNorm = Double.NaN;
  // what the last estimate did (read by hypergradient(), kept in fields so run() allocates nothing)
  Batch lastUpper;
  private int lastLowerSteps;
  private int lastLinearSteps;
  private double lastLowerResidual;
  private double lastLinearResidual;
  private StopCheck stop = StopCheck.NEVER;
  private long drawnBeforeLinear;       // an estimate's samples before its LS loop

  /**
   * A runner for {@code problem}, with room for batches up to {@code maxBatch} ({@code J}) and
   * {@code maxLowerBatch} ({@code b}) samples.
   */
  public WarmStartBilevel(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this.problem = Objects.requireNonNull(problem, "problem");
    this.backend = problem.backend();
    if (maxBatch < 1 || maxLowerBatch < 1) {
      throw new IllegalArgumentException("batch capacities must be >= 1, got " + maxBatch + ", "
          + maxLowerBatch);
    }
    int d = problem.lowerDimension();
    int m = problem.upperDimension();
    // Alike the other runners' constructors by shape only: a list of this class's own buffers.
    phi = backend.vector(arena, d);
    g1 = backend.vector(arena, d);
    g2 = backend.vector(arena, m);
    lambdaTerm = backend.vector(arena, m);
    hypergradient = backend.vector(arena, m);
    scratch = backend.vector(arena, m);
    linearization = problem.linearization(arena);
    lowerBatch = new Batch(maxLowerBatch);
    upperBatch = new Batch(maxBatch);
    crossBatch = new Batch(maxBatch);
    allLower = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    allUpper = new Batch(problem.upperSamples()).all(problem.upperSamples());
    lastUpper = upperBatch;
  }

  /**
   * A fresh state for {@code options}, allocated in {@code arena}: {@code w = v = 0}, iteration
   * and step clocks at 0.
   */
  public State init(Arena arena, Options options) {
    Objects.requireNonNull(options, "options");
    State state = new State(backend, arena, problem.lowerDimension(), options);
    backend.fill(0.0, state.w);
    backend.fill(0.0, state.v);
    return state;
  }

  /** Off-heap bytes of the whole workspace ({@code 4d + 4m} doubles). */
  public long workspaceBytes() {
    return Double.BYTES * (4L * problem.lowerDimension() + 4L * problem.upperDimension());
  }

  /**
   * One estimate {@code ĥ} at upper-level iteration {@code s} (its {@code t_s, k_s, J_s}) into
   * {@code out}, starting from and updating {@code state}'s warm iterates and step clocks (not its
   * iteration counter: {@link #iterate} advances that).
   *
   * @throws ArithmeticException naming the algorithm, the solver (LL or LS), the iteration and
   *     the inner step where an iterate stopped being finite
   */
  public WarmStartEstimate hypergradient(State state, DVector lambda, Options options, int s,
      SplittableRandom random, DVector out) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(random, "random");
    Checks.checkLength("lambda", lambda, problem.upperDimension());
    Checks.checkLength("out", out, problem.upperDimension());
    if (s < 0) {
      throw new IllegalArgumentException("iteration must be >= 0, got " + s);
    }
    long samples = estimate(state, lambda, options, s, random, out);
    return WarmStartEstimate.of(samples, lastLowerSteps, lastLinearSteps, options.residuals(),
        lastLowerResidual, lastLinearResidual);
  }

  /**
   * Consults {@code check} before every LL and LS step of later iterations, with the samples
   * the iteration has drawn so far; when it says stop, the iteration throws
   * {@link IterationStoppedException}: {@code λ}, the counter and the step clocks as before it,
   * {@code w} and a warm {@code v} holding the steps taken.
   */
  public void stopWhen(StopCheck check) {
    this.stop = Objects.requireNonNull(check, "check");
  }

  /**
   * Runs from {@code lambda} (projected first), updating it in place; the warm-start state
   * starts at zero.
   *
   * @param listener called after each iteration, or null; the progress's objective is
   *     {@code Ê(w, λ_s, ζ)} on the batch {@code ζ} the estimate used (not counted as samples),
   *     its hypergradient norm is {@code ‖ĥ_s‖}, its mapping norm {@code ‖G_{α_s}(λ_s)‖} (NaN
   *     without an exact hypergradient)
   * @throws ArithmeticException if an iterate stops being finite (see {@link #hypergradient})
   */
  public Bsgm.Result run(DVector lambda, Options options, SplittableRandom random,
      Bsgm.Listener listener) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(random, "random");
    Checks.checkLength("lambda", lambda, problem.upperDimension());
    options.budget().requireLimit(options.name());
    problem.projectUpper(lambda);
    try (Arena stateArena = Arena.ofShared()) {
      return WarmStartRun.run(this, init(stateArena, options), lambda, options, random,
          listener);
    }
  }

  /**
   * One upper-level iteration {@code s = state.iteration()} of a run (the body of {@link #run}'s
   * loop, for callers that drive the iterations themselves): {@code λ ← P_Λ(λ − α_s ĥ_s)}, then
   * {@code s} advances. Start from {@link #init} (and a projected {@code λ}).
   *
   * @return the samples the iteration used
   */
  public long iterate(State state, DVector lambda, Options options, SplittableRandom random) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(random, "random");
    int s = state.iteration;
    long samples = estimate(state, lambda, options, s, random, hypergradient);
    lastHypergradientNorm = backend.nrm2(hypergradient);
    backend.axpy(-options.alpha(s), hypergradient, lambda);
    problem.projectUpper(lambda);
    state.iteration = s + 1;
    return samples;
  }

  /** {@code ‖ĥ_s‖} of the last {@link #iterate}. */
  public double lastHypergradientNorm() {
    return lastHypergradientNorm;
  }

  /**
   * {@code ‖G_α(λ)‖ = ‖λ − P_Λ(λ − α∇f(λ))‖ / α} with the exact gradient (equals
   * {@code ‖∇f(λ)‖} when {@code Λ = R^m}).
   */
  public double gradientMappingNorm(DVector lambda, double alpha,
      Bsgm.ExactHypergradient exact) {
    Checks.checkLength("lambda", lambda, problem.upperDimension());
    return Monitoring.gradientMappingNorm(problem, lambda, alpha, exact, scratch);
  }

  long estimate(State state, DVector lambda, Options o, int s, SplittableRandom random,
      DVector out) {
    DVector w = state.w;
    DVector v = state.v;
    IterationSchedule schedule = o.schedule();
    int t = schedule.lowerSteps(s);
    int k = schedule.linearSteps(s);
    int batch = schedule.batch(s);
    boolean full = o.fullBatch();
    LinearSolver solver = o.linearSolver();
    if (t < 0 || k < 0 || batch < 1) {
      throw new IllegalArgumentException(o.name() + ": the schedule gave t = " + t + ", k = " + k
          + ", J = " + batch + " at iteration " + s + "; need t, k >= 0 and J >= 1");
    }
    if (solver == LinearSolver.RANDOM_TRUNCATION && k < 1) {
      throw new IllegalArgumentException(o.name() + ": random truncation needs k >= 1, got "
          + k + " at iteration " + s);
    }
    if (!full && (batch > upperBatch.capacity() || o.lowerBatch() > lowerBatch.capacity())) {
      throw new IllegalArgumentException(o.name() + ": batch sizes J = " + batch + ", b = "
          + o.lowerBatch() + " at iteration " + s + " exceed this runner's capacity "
          + upperBatch.capacity() + "/" + lowerBatch.capacity());
    }
    int lowerPopulation = problem.lowerSamples();
    int upperPopulation = problem.upperSamples();
    Batch xi = full ? allLower : lowerBatch;
    Batch zeta = full ? allUpper : upperBatch;
    boolean cumulative = o.clock() == StepClock.CUMULATIVE;

    // 1. lower level
    double lowerResidual = lowerLevel(state, lambda, o, s, t, full, xi, random, lowerPopulation,
        cumulative);

    // 2. upper-level partial gradients on one batch
    if (!full) {
      upperBatch.draw(random, batch, upperPopulation);
    }
    problem.objectiveGradientW(w, lambda, zeta, g1);
    problem.objectiveGradientLambda(w, lambda, zeta, g2);

    // 3. linear system v = ∂₁Φᵀ v + ĝ₁
    drawnBeforeLinear = (long) t * (full ? lowerPopulation : o.lowerBatch())
        + (full ? upperPopulation : batch);
    double linearResidual = 0.0;
    int linearSteps = k;
    switch (solver) {
      case NEUMANN, KM, SGD -> linearResidual = linearSystem(state, lambda, o, s, k, full, xi,
          random, lowerPopulation, cumulative);
      case RANDOM_TRUNCATION -> linearSteps = truncatedNeumann(state, lambda, o, s, k, full, xi,
          random, lowerPopulation);
      default -> throw new AssertionError(solver);
    }
    if (cumulative && (solver == LinearSolver.KM || solver == LinearSolver.SGD)) {
      state.linearClock += k;
    }

    // 4. ĥ = ĝ₂ + ∂₂Φ̂ᵀ v
    Batch last = full ? allLower : crossBatch.draw(random, batch, lowerPopulation);
    linearization.linearize(w, lambda, last);
    linearization.vjpLambda(v, lambdaTerm);
    backend.copy(g2, out);
    backend.axpy(1.0, lambdaTerm, out);
    double norm = backend.nrm2(out);
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException(o.name() + ": the hypergradient is not finite (‖ĥ‖ = "
          + norm + ") at iteration " + s + " after finite LL and LS iterates; check the"
          + " problem's gradients");
    }
    lastUpper = zeta;
    lastLowerSteps = t;
    lastLinearSteps = linearSteps;
    lastLowerResidual = lowerResidual;
    lastLinearResidual = solver == LinearSolver.RANDOM_TRUNCATION ? 0.0 : linearResidual;
    return SampleCounts.sid(t, linearSteps, batch, o.lowerBatch(), full, lowerPopulation,
        upperPopulation);
  }

  /** {@code t} LL KM steps on {@code w}; returns the last residual. */
  private double lowerLevel(State state, DVector lambda, Options o, int s, int t, boolean full,
      Batch xi, SplittableRandom random, int population, boolean cumulative) {
    DVector w = state.w;
    if (o.lowerStart() == Start.ZERO) {
      backend.fill(0.0, w);
    }
    StepSchedule steps = o.lowerSteps();
    long base = cumulative ? state.lowerClock : 0;
    double last = 0.0;
    for (int i = 0; i < t; i++) {
      stop.beforeStep((long) i * (full ? population : o.lowerBatch()), "LL", i);
      if (!full) {
        lowerBatch.draw(random, o.lowerBatch(), population);
      }
      problem.map(w, lambda, xi, phi);
      double residual = KmSteps.step(backend, steps.step(index(base + i)), phi, w, o.residuals());
      if (!Double.isFinite(residual)) {
        throw Monitoring.diverged(o.name(), "LL solver", s, i, "LL residual", residual, last);
      }
      last = residual;
    }
    Monitoring.checkIterate(backend, o.name(), "LL solver", s, t, "w", w);
    if (cumulative) {
      state.lowerClock += t;
    }
    return last;
  }

  /** {@code k} Neumann, KM or SGD steps on {@code v}; returns the last residual. */
  private double linearSystem(State state, DVector lambda, Options o, int s, int k, boolean full,
      Batch xi, SplittableRandom random, int population, boolean cumulative) {
    DVector w = state.w;
    DVector v = state.v;
    LinearSolver solver = o.linearSolver();
    String name = solver == LinearSolver.SGD ? "LS solver (SGD)" : "LS solver";
    if (o.linearStart() == Start.ZERO) {
      backend.fill(0.0, v);
    }
    StepSchedule steps = o.linearSteps();
    long base = cumulative ? state.linearClock : 0;
    double last = 0.0;
    for (int i = 0; i < k; i++) {
      stop.beforeStep(drawnBeforeLinear + (long) i * (full ? population : o.lowerBatch()), "LS",
          i);
      if (!full) {
        lowerBatch.draw(random, o.lowerBatch(), population);
      }
      if (!full || i == 0) {
        linearization.linearize(w, lambda, xi);       // a full batch linearizes once
      }
      linearization.vjpW(v, phi);                      // ∂₁Φ̂ᵀ v
      double residual;
      if (solver == LinearSolver.SGD) {
        backend.axpby(1.0, v, -1.0, phi);              // (I − ∂₁Φ̂ᵀ) v
        backend.axpy(-1.0, g1, phi);                   // the gradient (I − ∂₁Φ̂ᵀ) v − ĝ₁
        residual = o.residuals() ? backend.nrm2(phi) : 0.0;
        if (Double.isFinite(residual)) {
          backend.axpy(-steps.step(index(base + i)), phi, v);
        }
      } else {
        backend.axpy(1.0, g1, phi);
        double eta = solver == LinearSolver.NEUMANN ? 1.0 : steps.step(index(base + i));
        residual = KmSteps.step(backend, eta, phi, v, o.residuals());
      }
      if (!Double.isFinite(residual)) {
        throw Monitoring.diverged(o.name(), name, s, i, "LS residual", residual, last);
      }
      last = residual;
    }
    Monitoring.checkIterate(backend, o.name(), name, s, k, "v", v);
    return last;
  }

  /**
   * BSA's {@code v = k ∂₁Φ̂(ξ_Q)ᵀ ⋯ ∂₁Φ̂(ξ_1)ᵀ ĝ₁}, {@code Q ~ Uniform{0..k−1}}; returns
   * {@code Q}.
   */
  private int truncatedNeumann(State state, DVector lambda, Options o, int s, int k,
      boolean full, Batch xi, SplittableRandom random, int population) {
    DVector w = state.w;
    DVector v = state.v;
    int terms = random.nextInt(k);
    backend.copy(g1, v);
    for (int i = 0; i < terms; i++) {
      stop.beforeStep(drawnBeforeLinear + (long) i * (full ? population : o.lowerBatch()), "LS",
          i);
      if (!full) {
        lowerBatch.draw(random, o.lowerBatch(), population);
      }
      if (!full || i == 0) {
        linearization.linearize(w, lambda, xi);
      }
      linearization.vjpW(v, phi);
      backend.copy(phi, v);
    }
    backend.scal(k, v);
    double norm = backend.nrm2(v);
    if (!Double.isFinite(norm)) {
      throw Monitoring.diverged(o.name(), "LS solver (random truncation)", s, terms, "‖v‖",
          norm, Double.NaN);
    }
    return terms;
  }

  /** A step-schedule index; a cumulative clock past {@code Integer.MAX_VALUE} stays there. */
  private static int index(long i) {
    return (int) Math.min(i, Integer.MAX_VALUE);
  }

  /** Frees the workspace. */
  @Override
  public void close() {
    arena.close();
  }
}
