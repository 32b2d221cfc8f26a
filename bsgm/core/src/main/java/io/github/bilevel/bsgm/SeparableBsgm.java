package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * BSGM for a {@link SeparableProblem} (docs/mathematics.md §3 and §5):
 * {@code λ_{s+1} = P_Λ(λ_s − α ĥ_s)}, {@code ĥ_s} the {@link SeparableSid} estimate on a batch of
 * {@code J_s} tasks with {@code t_s} and {@code k_s} KM steps. Without a {@link WarmStartStore}
 * every estimate starts from 0 (BSGM proper); with one, it is the warm-start baseline on the same
 * code path.
 *
 * <p>Reports through {@link Bsgm.Listener} with {@link Bsgm.Progress}, as {@link Bsgm} does;
 * {@code upperObjective} is the batch mean {@code E} at the states {@code Z_t} and {@code λ_s}
 * before the step (computed only when there is a listener). The time the listener spends (for
 * example evaluating a test set) is excluded from {@code seconds} and from the time limit.
 */
public final class SeparableBsgm implements AutoCloseable {

  /** How the batches of tasks are drawn. */
  public enum Sampling {
    /** {@code J} independent uniform draws with replacement (the setting of the theory). */
    WITH_REPLACEMENT,
    /**
     * Consecutive chunks of seeded random permutations of all tasks, a new permutation after
     * each pass (a batch may straddle two passes): every task is visited once per epoch.
     */
    EPOCHS
  }

  /**
   * A run's settings.
   *
   * @param alpha          the upper-level step {@code α > 0}
   * @param schedule       {@code t_s, k_s, J_s}
   * @param eta            the constant KM step of both solvers, in {@code (0, 1]}
   * @param sampling       how batches are drawn
   * @param maxIterations  stop after this many upper-level iterations (absent: no limit)
   * @param sampleBudget   stop once this many samples are used (absent: no limit)
   * @param timeLimitNanos stop after this much time (absent: no limit)
   * @param exact          the exact hypergradient of {@code f}, or null
   */
  public record Options(double alpha, IterationSchedule schedule, double eta, Sampling sampling,
      OptionalInt maxIterations, OptionalLong sampleBudget, OptionalLong timeLimitNanos,
      Bsgm.ExactHypergradient exact) {

    /** At most {@code maxIterations} iterations; no sample or time limit, no exact gradient. */
    public Options(double alpha, IterationSchedule schedule, double eta, Sampling sampling,
        int maxIterations) {
      this(alpha, schedule, eta, sampling, OptionalInt.of(maxIterations), OptionalLong.empty(),
          OptionalLong.empty(), null);
    }

    /**
     * No stopping rule and no exact gradient: for a run driven one {@link #iterate} at a time
     * ({@link #run} needs a rule).
     */
    public Options(double alpha, IterationSchedule schedule, double eta, Sampling sampling) {
      this(alpha, schedule, eta, sampling, OptionalInt.empty(), OptionalLong.empty(),
          OptionalLong.empty(), null);
    }

    public Options {
      if (!(alpha > 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("alpha must be finite and > 0, got " + alpha);
      }
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(sampling, "sampling");
      if (!(eta > 0 && eta <= 1)) {
        throw new IllegalArgumentException("the KM step eta must lie in (0, 1], got " + eta);
      }
      Objects.requireNonNull(maxIterations, "maxIterations");
      Objects.requireNonNull(sampleBudget, "sampleBudget");
      Objects.requireNonNull(timeLimitNanos, "timeLimitNanos");
      if (maxIterations.orElse(0) < 0 || sampleBudget.orElse(1) < 1
          || timeLimitNanos.orElse(1) < 1) {
        throw new IllegalArgumentException("maxIterations >= 0, sampleBudget >= 1 and"
            + " timeLimitNanos >= 1 are needed, got " + maxIterations + ", " + sampleBudget
            + ", " + timeLimitNanos);
      }
    }

    /** These options with a sample budget. */
    public Options withSampleBudget(long budget) {
      return new Options(alpha, schedule, eta, sampling, maxIterations, OptionalLong.of(budget),
          timeLimitNanos, exact);
    }

    /** These options with a time limit. */
    public Options withTimeLimitNanos(long nanos) {
      return new Options(alpha, schedule, eta, sampling, maxIterations, sampleBudget,
          OptionalLong.of(nanos), exact);
    }

    /** These options with the exact hypergradient (for the gradient-mapping norm). */
    public Options withExact(Bsgm.ExactHypergradient exactHypergradient) {
      return new Options(alpha, schedule, eta, sampling, maxIterations, sampleBudget,
          timeLimitNanos, exactHypergradient);
    }
  }

  private final SeparableProblem problem;
  private final Backend backend;
  private final SeparableSid sid;
  private final WarmStartStore warmStart;
  // the estimate of a cold run drawing with replacement: in blocks, here or on a cluster
  private final SeparableHypergradient estimator;
  private final BlockedHypergradient localEstimator;
  private final Batch block;
  private final Arena arena = Arena.ofShared();
  private final int maxBatch;
  private final DVector hypergradient;
  private final DVector scratch;
  private final Batch batch;
  private final int[] permutation;
  private int cursor;
  private int[] chunk = new int[0];
  private double lastHypergradientNorm = Double.NaN;
  private double lastGradientMappingNorm = Double.NaN;
  private double lastObjective = Double.NaN;
  private boolean monitor;

  /** A BSGM runner (no warm start) with room for batches of up to {@code maxBatch} tasks. */
  public SeparableBsgm(SeparableProblem problem, int maxBatch) {
    this(problem, maxBatch, (WarmStartStore) null);
  }

  /**
   * A runner whose SID estimates read and write {@code warmStart} (null: none, BSGM proper).
   * The store belongs to the caller, who closes it. Batches are one block
   * ({@link SeparableHypergradient}) of up to {@code maxBatch} tasks.
   */
  public SeparableBsgm(SeparableProblem problem, int maxBatch, WarmStartStore warmStart) {
    this(problem, maxBatch, warmStart, maxBatch, null);
  }

  /**
   * A runner whose batches drawn with replacement are split into blocks of {@code blockSize}
   * tasks ({@link SeparableHypergradient}): the estimates are those of a cluster computing the
   * same blocks ({@code bsgm-spark}), bit for bit. With a warm-start store the blocks only
   * decide the draw (one SID call on the whole batch reads and writes the store).
   */
  public SeparableBsgm(SeparableProblem problem, int maxBatch, WarmStartStore warmStart,
      int blockSize) {
    this(problem, maxBatch, warmStart, blockSize, null);
  }

  /**
   * A cold BSGM runner (no warm start) whose estimates on batches drawn with replacement come
   * from {@code estimator} (for example a cluster's), which stays the caller's to close. Its
   * block size sets the draw; batches drawn in epochs are estimated here, in one block.
   */
  public static SeparableBsgm withEstimator(SeparableProblem problem, int maxBatch,
      SeparableHypergradient estimator) {
    return new SeparableBsgm(problem, maxBatch, null,
        Objects.requireNonNull(estimator, "estimator").blockSize(), estimator);
  }

  private SeparableBsgm(SeparableProblem problem, int maxBatch, WarmStartStore warmStart,
      int blockSize, SeparableHypergradient estimator) {
    this.problem = Objects.requireNonNull(problem, "problem");
    this.backend = problem.backend();
    if (blockSize < 1) {
      throw new IllegalArgumentException("the block size must be >= 1 task, got " + blockSize);
    }
    this.sid = new SeparableSid(problem, maxBatch);
    if (estimator == null) {
      // the local estimator shares the runner's workspace, which holds a block
      localEstimator = new BlockedHypergradient(problem, sid, Math.min(maxBatch, blockSize));
      this.estimator = localEstimator;
    } else {
      localEstimator = null;
      this.estimator = estimator;
    }
    this.block = new Batch(Math.min(maxBatch, this.estimator.blockSize()));
    this.warmStart = warmStart;
    if (warmStart != null && (warmStart.tasks() != problem.tasks()
        || warmStart.stateDimension() != problem.stateDimension())) {
      sid.close();
      throw new IllegalArgumentException("the warm-start store holds " + warmStart.tasks()
          + " tasks of dimension " + warmStart.stateDimension() + " but the problem has "
          + problem.tasks() + " of dimension " + problem.stateDimension());
    }
    hypergradient = backend.vector(arena, problem.upperDimension());
    scratch = backend.vector(arena, problem.upperDimension());
    batch = new Batch(maxBatch);
    this.maxBatch = maxBatch;
    permutation = new int[problem.tasks()];
    cursor = permutation.length;
  }

  /** The estimator (its last states and linear-system solutions). */
  public SeparableSid sid() {
    return sid;
  }

  /**
   * The batch of tasks of the last iteration estimated in one piece (epochs, warm start); a
   * cold run drawing with replacement fills it only when its batch is one block.
   */
  public Batch lastBatch() {
    return batch;
  }

  /**
   * Runs BSGM from {@code lambda} (projected first), updating it in place.
   *
   * @param listener called after each iteration, or null
   * @throws ArithmeticException if a SID solve diverges (the message names LL or LS) or
   *     {@code λ} stops being finite
   */
  public Bsgm.Result run(DVector lambda, Options options, SplittableRandom random,
      Bsgm.Listener listener) {
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(options, "options");
    if (options.maxIterations().isEmpty() && options.sampleBudget().isEmpty()
        && options.timeLimitNanos().isEmpty()) {
      throw new IllegalArgumentException("separable BSGM's run needs a stopping rule: an"
          + " iteration limit, a sample budget or a time limit");
    }
    problem.projectUpper(lambda);
    Budget budget = new Budget(options.maxIterations(), options.sampleBudget(),
        options.timeLimitNanos());
    long start = System.nanoTime();
    long listenerNanos = 0;
    long samples = 0;
    int s = 0;
    String reason;
    for (; (reason = budget.stopReason(s, samples, System.nanoTime() - start - listenerNanos))
        == null; s++) {
      monitor = listener != null;
      samples += iterate(s, lambda, options, random);
      if (listener != null) {
        long before = System.nanoTime();
        double seconds = (before - start - listenerNanos) / 1e9;
        listener.onIteration(new Bsgm.Progress(s, samples, lastObjective,
            lastHypergradientNorm, lastGradientMappingNorm, seconds));
        listenerNanos += System.nanoTime() - before;
      }
    }
    monitor = false;
    return new Bsgm.Result(s, samples, reason);
  }

  /**
   * One upper-level iteration {@code s} (the body of {@link #run}'s loop, for callers that drive
   * the iterations themselves): draws {@code J_s} tasks, estimates {@code ĥ_s} with
   * {@link SeparableSid} (reading and writing the warm-start store, if any) and steps
   * {@code λ ← P_Λ(λ − α ĥ_s)}. Afterwards {@link #lastHypergradientNorm()} is {@code ‖ĥ_s‖}.
   *
   * @return the samples the iteration used
   * @throws ArithmeticException if a SID solve diverges (naming LL or LS) or {@code λ} stops
   *     being finite
   */
  public long iterate(int s, DVector lambda, Options options, SplittableRandom random) {
    Objects.requireNonNull(random, "random");
    IterationSchedule schedule = options.schedule();
    int size = schedule.batch(s);
    if (size < 1 || size > maxBatch) {
      throw new IllegalArgumentException("the schedule asks for a batch of " + size
          + " tasks at iteration " + s + "; this runner holds 1 to " + maxBatch);
    }
    SeparableSid.Options sidOptions = new SeparableSid.Options(schedule.lowerSteps(s),
        schedule.linearSteps(s), options.eta());
    long samples;
    if (options.sampling() == Sampling.WITH_REPLACEMENT && warmStart == null) {
      // in blocks drawn from (drawSeed, block): the same bits here and on a cluster
      if (localEstimator != null) {
        localEstimator.monitorObjective(monitor);
      }
      samples = estimator.estimate(lambda, random.nextLong(), size, sidOptions, hypergradient);
      lastObjective = monitor ? estimator.lastObjective() : Double.NaN;
    } else {
      if (size > sid.maxBatch()) {
        throw new IllegalArgumentException("the schedule asks for a batch of " + size
            + " tasks at iteration " + s + "; a warm start or epochs need it in one block of"
            + " at most " + sid.maxBatch());
      }
      drawBatch(random, options.sampling(), size);
      samples = sid.hypergradient(lambda, batch, sidOptions, warmStart, hypergradient)
          .samples();
      lastObjective = monitor ? problem.objective(sid.states(), lambda, batch) : Double.NaN;
    }
    lastHypergradientNorm = backend.nrm2(hypergradient);
    lastGradientMappingNorm = options.exact() == null ? Double.NaN
        : gradientMappingNorm(lambda, options.alpha(), options.exact());
    backend.axpy(-options.alpha(), hypergradient, lambda);
    problem.projectUpper(lambda);
    if (!Double.isFinite(backend.nrm2(lambda))) {
      throw new ArithmeticException("BSGM diverged in the UL step at iteration " + s
          + ": λ is not finite (‖ĥ‖ = " + lastHypergradientNorm + "); reduce alpha");
    }
    return samples;
  }

  /**
   * The samples iteration {@code s} uses with {@code options}:
   * {@link SampleCounts#separableSid} for the schedule's {@code t_s, k_s, J_s}.
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public static long samplesPerIteration(int s, Options options) {
    IterationSchedule schedule = options.schedule();
    return SampleCounts.separableSid(schedule.lowerSteps(s), schedule.linearSteps(s),
        schedule.batch(s));
  }

  /** {@code ‖ĥ_s‖} of the last {@link #iterate}. */
  public double lastHypergradientNorm() {
    return lastHypergradientNorm;
  }

  private void drawBatch(SplittableRandom random, Sampling sampling, int size) {
    int population = problem.tasks();
    if (chunk.length != size) {
      chunk = new int[size];
    }
    if (sampling == Sampling.WITH_REPLACEMENT) {
      // the blocks of SeparableHypergradient, one after the other
      long drawSeed = random.nextLong();
      int blockSize = block.capacity();
      for (int b = 0, r = 0; b < TaskDraws.blocks(size, blockSize); b++) {
        TaskDraws.drawBlock(drawSeed, b, size, blockSize, population, block);
        for (int i = 0; i < block.size(); i++) {
          chunk[r++] = block.index(i);
        }
      }
      batch.assign(population, chunk);
      return;
    }
    for (int r = 0; r < size; r++) {
      if (cursor == population) {
        shuffle(random);
      }
      chunk[r] = permutation[cursor++];
    }
    batch.assign(population, chunk);
  }

  private void shuffle(SplittableRandom random) {
    Batch.shuffle(permutation, random);
    cursor = 0;
  }

  /**
   * {@code ‖G_α(λ)‖ = ‖λ − P_Λ(λ − α∇f(λ))‖ / α} with the exact gradient.
   */
  public double gradientMappingNorm(DVector lambda, double alpha, Bsgm.ExactHypergradient exact) {
    return Bsgm.gradientMappingNorm(backend, problem::projectUpper, lambda, alpha, exact,
        scratch);
  }

  /** Frees the workspace (not the warm-start store, which belongs to the caller). */
  @Override
  public void close() {
    if (localEstimator != null) {
      localEstimator.close();
    }
    sid.close();
    arena.close();
  }
}
