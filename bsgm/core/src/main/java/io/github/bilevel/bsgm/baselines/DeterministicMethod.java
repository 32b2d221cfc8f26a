package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What AID and ITD share (docs/mathematics.md §4.6): full batches of both sample sets, the
 * lower-level KM solve, the upper-level step {@code λ ← P_Λ(λ − α h)} with its divergence check,
 * the run loop and the progress report. The subclasses compute the hypergradient estimate
 * {@code h} their own way.
 *
 * @param <S> the state
 */
abstract class DeterministicMethod<S extends IterationState>
    implements SteppedMethod<S, DeterministicOptions> {

  final String algorithm;
  final BilevelProblem problem;
  final Backend backend;
  final int d;
  final int m;
  final Arena arena = Arena.ofShared();
  final BilevelProblem.Linearization linearization;
  /** Every lower-level sample {@code ξ}, in order. */
  final Batch allLower;
  /** Every upper-level sample {@code ζ}, in order. */
  final Batch allUpper;
  /** {@code Φ(w, λ)} and other length-{@code d} scratch. */
  final DVector phi;
  /** The hypergradient estimate {@code h}. */
  final DVector hypergradient;
  private final DVector scratch;
  private double lastDirectionNorm = Double.NaN;
  private double lastMappingNorm = Double.NaN;
  private double lastObjective = Double.NaN;
  private boolean monitor;

  DeterministicMethod(String algorithm, BilevelProblem problem) {
    this.algorithm = algorithm;
    this.problem = Objects.requireNonNull(problem, "problem");
    this.backend = problem.backend();
    d = problem.lowerDimension();
    m = problem.upperDimension();
    linearization = problem.linearization(arena);
    allLower = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    allUpper = new Batch(problem.upperSamples()).all(problem.upperSamples());
    phi = backend.vector(arena, d);
    hypergradient = backend.vector(arena, m);
    scratch = backend.vector(arena, m);
  }

  /** Checks {@code λ} and projects it; resets the progress report. */
  final void checkInit(DVector lambda, DeterministicOptions options) {
    Objects.requireNonNull(options, "options");
    Checks.checkLength("lambda", lambda, m);
    problem.projectUpper(lambda);
    lastDirectionNorm = 0;
  }

  /**
   * {@code t} KM steps {@code w ← (1 − η)w + ηΦ(w, λ)} on the full data, from {@code w} as it
   * is (zero or warm), storing each iterate {@code w_0 .. w_{t−1}} in {@code trajectory} first
   * when it is not null.
   *
   * @return the samples, {@code t·N_ξ}
   */
  final long lowerLevelSolve(DVector w, DVector lambda, DeterministicOptions options,
      int iteration, DVector[] trajectory) {
    int t = options.lowerSteps();
    for (int i = 0; i < t; i++) {
      if (trajectory != null) {
        backend.copy(w, trajectory[i]);
      }
      problem.map(w, lambda, allLower, phi);
      KmSteps.step(backend, options.eta(), phi, w, false);
    }
    Monitoring.checkIterate(backend, algorithm, "lower-level solve", iteration, t, "w", w);
    return (long) t * problem.lowerSamples();
  }

  /**
   * Computes the hypergradient estimate of iteration {@code state.iteration()} into
   * {@link #hypergradient}, advancing the state's lower-level (and linear-system) iterates.
   *
   * @return the samples it used
   */
  abstract long estimate(S state, DVector lambda, DeterministicOptions options);

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public final long iterate(S state, DVector lambda, DeterministicOptions options,
      SplittableRandom random) {
    int k = state.iteration();
    long samples = estimate(state, lambda, options);
    double norm = backend.nrm2(hypergradient);
    if (!Double.isFinite(norm)) {
      throw Monitoring.diverged(algorithm, "hypergradient", k, -1, "‖h‖", norm,
          lastDirectionNorm);
    }
    lastDirectionNorm = norm;
    lastMappingNorm = options.exact() == null ? Double.NaN
        : gradientMappingNorm(lambda, options.alpha(), options.exact());
    lastObjective = monitor ? problem.objective(lowerIterate(state), lambda, allUpper)
        : Double.NaN;
    backend.axpy(-options.alpha(), hypergradient, lambda);
    problem.projectUpper(lambda);
    state.advance();
    return samples;
  }

  /** The state's lower-level iterate {@code w_t} after an iteration. */
  abstract DVector lowerIterate(S state);

  /**
   * The samples iteration {@code k} uses (for AID with conjugate gradient an upper bound: the
   * solve stops early once its residual is exactly zero).
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public abstract long samplesPerIteration(int k, DeterministicOptions options);

  /**
   * Runs from a fresh state until {@code options.budget()} stops it, updating {@code lambda}
   * in place.
   *
   * @param listener called after each iteration, or null; the progress's objective is
   *     {@code E(w_t, λ_k)} on the full data (not counted as samples), its hypergradient norm
   *     {@code ‖h_k‖}, its mapping norm {@code ‖G_α(λ_k)‖}
   * @throws ArithmeticException naming the algorithm, the step and the iteration where an
   *     iterate stopped being finite
   */
  public final Bsgm.Result run(DVector lambda, DeterministicOptions options,
      SplittableRandom random, Bsgm.Listener listener) {
    Objects.requireNonNull(options, "options");
    options.budget().requireLimit(algorithm);
    try (Arena stateArena = Arena.ofShared()) {
      S state = init(stateArena, lambda, options);
      monitor = listener != null;
      return BudgetLoop.run(options.budget(), listener,
          () -> iterate(state, lambda, options, random),
          (k, samples, seconds) -> new Bsgm.Progress(k, samples, lastObjective,
              lastDirectionNorm, lastMappingNorm, seconds));
    } finally {
      monitor = false;
    }
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
    Checks.checkLength("lambda", lambda, m);
    return Monitoring.gradientMappingNorm(problem, lambda, alpha, exact, scratch);
  }

  /** Frees the workspace. */
  @Override
  public void close() {
    arena.close();
  }
}
