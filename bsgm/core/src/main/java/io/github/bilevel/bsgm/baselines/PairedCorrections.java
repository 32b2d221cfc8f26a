package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What MRBO and VRBO share: the {@link PairedOracle} and the buffers of a correction's two
 * residuals {@code R(new), R(old)} and two hypergradient estimates {@code ∇̂f(new), ∇̂f(old)}, the
 * projected upper-level step, the divergence checks, the run loop over a {@link Budget} and the
 * progress report. The subclasses keep their own corrections (STORM momentum for MRBO,
 * SARAH/SPIDER for VRBO) and schedules.
 *
 * @param <S> the state
 * @param <O> the options
 */
abstract class PairedCorrections<S extends IterationState, O extends PairedCorrections.Settings>
    implements SteppedMethod<S, O> {

  /** The options both methods have. */
  interface Settings {
    /** {@code b}. */
    int lowerBatch();

    /** {@code J}. */
    int batch();

    /** {@code Q}. */
    int neumannTerms();

    /** {@code η_v}. */
    double linearStep();

    /** When {@code run} stops. */
    Budget budget();

    /** The exact hypergradient for the progress report, or null. */
    Bsgm.ExactHypergradient exact();
  }

  final String algorithm;
  final BilevelProblem problem;
  final Backend backend;
  final Arena arena = Arena.ofShared();
  final PairedOracle oracle;
  final DVector residual;
  final DVector residualOld;
  final DVector estimate;
  final DVector estimateOld;
  private final DVector scratch;
  private final int maxBatch;
  private final int maxLowerBatch;
  double lastDirectionNorm = Double.NaN;
  double lastMappingNorm = Double.NaN;
  double lastObjective = Double.NaN;
  /** Whether a listener reads {@link #lastObjective}, so that it is worth evaluating. */
  boolean monitor;

  PairedCorrections(String algorithm, BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this.algorithm = algorithm;
    this.problem = Objects.requireNonNull(problem, "problem");
    this.backend = problem.backend();
    if (maxBatch < 1 || maxLowerBatch < 1) {
      throw new IllegalArgumentException("batch capacities must be >= 1, got " + maxBatch + ", "
          + maxLowerBatch);
    }
    this.maxBatch = maxBatch;
    this.maxLowerBatch = maxLowerBatch;
    int d = problem.lowerDimension();
    int m = problem.upperDimension();
    oracle = new PairedOracle(problem, arena, maxBatch, maxLowerBatch, algorithm);
    residual = backend.vector(arena, d);
    residualOld = backend.vector(arena, d);
    estimate = backend.vector(arena, m);
    estimateOld = backend.vector(arena, m);
    scratch = backend.vector(arena, m);
  }

  /**
   * Off-heap bytes of the whole workspace, state included: {@code 5d + 5m} doubles for both
   * methods (their states and private buffers differ, their sums do not) and the oracle's.
   */
  public long workspaceBytes() {
    return Double.BYTES * (5L * problem.lowerDimension() + 5L * problem.upperDimension())
        + oracle.workspaceBytes();
  }

  /** Runs from a fresh state until {@code options.budget()} stops it. */
  final Bsgm.Result runToBudget(DVector lambda, O options, SplittableRandom random,
      Bsgm.Listener listener) {
    Objects.requireNonNull(options, "options");
    options.budget().requireLimit(algorithm);
    try (Arena stateArena = Arena.ofShared()) {
      S state = init(stateArena, lambda, options);
      Objects.requireNonNull(random, "random");
      monitor = listener != null;
      return BudgetLoop.run(options.budget(), listener,
          () -> iterate(state, lambda, options, random),
          (k, samples, seconds) -> new Bsgm.Progress(k, samples, lastObjective,
              lastDirectionNorm, lastMappingNorm, seconds));
    } finally {
      monitor = false;
    }
  }

  /** Checks {@code λ} and that batches of {@code J = batch}, {@code b = lowerBatch} fit. */
  final void checkInit(DVector lambda, int batch, int lowerBatch, String names) {
    Checks.checkLength("lambda", lambda, problem.upperDimension());
    if (batch > maxBatch || lowerBatch > maxLowerBatch) {
      throw new IllegalArgumentException(algorithm + ": batch sizes " + names + " = " + batch
          + ", " + lowerBatch + " exceed this runner's capacity " + maxBatch + "/"
          + maxLowerBatch);
    }
  }

  /**
   * {@link #residual} {@code = R(wNew, λNew; B)} and, unless {@code wOld} is null,
   * {@link #residualOld} {@code = R(wOld, λOld; B)} on one fresh mini-batch of {@code b}.
   */
  final long residuals(O options, SplittableRandom random, DVector wNew, DVector lambdaNew,
      DVector wOld, DVector lambdaOld) {
    return oracle.residuals(options.lowerBatch(), false, random, wNew, lambdaNew, residual,
        wOld, lambdaOld, residualOld);
  }

  /**
   * {@link #estimate} {@code = ∇̂f(λNew, wNew; B')} and, unless {@code wOld} is null,
   * {@link #estimateOld} {@code = ∇̂f(λOld, wOld; B')} with the same fresh samples.
   */
  final long hypergradients(O options, SplittableRandom random, int k, DVector wNew,
      DVector lambdaNew, DVector wOld, DVector lambdaOld) {
    return oracle.hypergradients(options.batch(), options.lowerBatch(), options.neumannTerms(),
        options.linearStep(), false, random, k, wNew, lambdaNew, estimate, wOld, lambdaOld,
        estimateOld);
  }

  /**
   * The samples of {@link #residuals} and {@link #hypergradients} at one point:
   * {@code (Q + 1)·b + 2J}, overflow-checked (a pair of points draws twice that).
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  static long pointSamples(Settings options) {
    return Math.addExact(Math.multiplyExact(options.neumannTerms() + 1L, options.lowerBatch()),
        Math.multiplyExact(2L, options.batch()));
  }

  /** {@code λ ← P_Λ(λ − step·direction)}. */
  final void stepUpper(DVector lambda, double step, DVector direction) {
    backend.axpy(-step, direction, lambda);
    problem.projectUpper(lambda);
  }

  /**
   * {@code ‖vector‖}, or the divergence error naming the algorithm, {@code step}, iteration
   * {@code k} and inner step {@code t} (none when negative) if it is not finite.
   */
  final double checkFinite(DVector vector, String step, int k, int t, String quantity,
      double lastFinite) {
    double norm = backend.nrm2(vector);
    if (!Double.isFinite(norm)) {
      throw Monitoring.diverged(algorithm, step, k, t, quantity, norm, lastFinite);
    }
    return norm;
  }

  /** The gradient-mapping norm {@code ‖G_α(λ)‖} for the report, NaN without an exact gradient. */
  final double reportedMappingNorm(DVector lambda, double alpha, O options) {
    return options.exact() == null ? Double.NaN
        : gradientMappingNorm(lambda, alpha, options.exact());
  }

  @Override
  public double lastDirectionNorm() {
    return lastDirectionNorm;
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

  /** Frees the workspace. */
  @Override
  public void close() {
    arena.close();
  }
}
