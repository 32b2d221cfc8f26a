package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
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
 * What SOBA, SABA and SRBA (docs/mathematics.md §4.5), TTSA and FSLA (§4.7), SUSTAIN, F2SA and
 * BOME (§4.8) share: the oracles at one point
 * {@code (z, v, λ)}, the joint step of {@code z}, {@code v} and {@code λ} along the three
 * directions, the divergence checks, the run loop and the progress report. The subclasses keep
 * their own estimators of the directions (plain, SAGA, SARAH).
 *
 * <p>The oracles come in two concatenated vectors, so that a variance-reduction correction is a
 * few passes over one buffer: the inner one {@code [R(z, λ; ξ), ∂₁Φ̂(z, λ, ξ)ᵀ v,
 * ∂₂Φ̂(z, λ, ξ)ᵀ v]} (length {@code 2d + m}, one batch {@code ξ} of the lower level) and the
 * outer one {@code [∇₁Ê(z, λ, ζ), ∇₂Ê(z, λ, ζ)]} (length {@code d + m}, one batch {@code ζ}).
 * From (estimates of) them the directions are {@code D_z = R}, {@code D_v = v − ∂₁Φ̂ᵀv − ∇₁Ê}
 * and {@code D_λ = ∂₂Φ̂ᵀv + ∇₂Ê}. The exact {@code v} term of {@code D_v} is added after the
 * estimate, so the estimators only ever see the sampled parts.
 *
 * @param <S> the state
 */
abstract class SingleLoopMethod<S extends IterationState>
    implements SteppedMethod<S, SingleLoopOptions> {

  final String algorithm;
  final BilevelProblem problem;
  final Backend backend;
  final int d;
  final int m;
  final Arena arena = Arena.ofShared();
  private final BilevelProblem.Linearization linearization;
  final Batch lower;
  final Batch upper;
  /** Fresh inner oracles {@code [R, ∂₁Φ̂ᵀv, ∂₂Φ̂ᵀv]}. */
  final Inner innerOracles;
  /** Fresh outer oracles {@code [∇₁Ê, ∇₂Ê]}. */
  final Outer outerOracles;
  /** The estimated inner oracles the step reads. */
  final Inner innerEstimate;
  /** The estimated outer oracles the step reads. */
  final Outer outerEstimate;
  private final DVector phi;
  private final DVector linearDirection;
  private final DVector upperDirection;
  private final DVector scratch;
  private final int maxBatch;
  private final int maxLowerBatch;
  private Batch lastUpper;
  private double lastLowerNorm;
  private double lastLinearNorm;
  double lastDirectionNorm = Double.NaN;
  private double lastMappingNorm = Double.NaN;
  private double lastObjective = Double.NaN;
  private boolean monitor;

  SingleLoopMethod(String algorithm, BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this.algorithm = algorithm;
    this.problem = Objects.requireNonNull(problem, "problem");
    this.backend = problem.backend();
    if (maxBatch < 1 || maxLowerBatch < 1) {
      throw new IllegalArgumentException(algorithm + ": batch capacities must be >= 1, got "
          + maxBatch + ", " + maxLowerBatch);
    }
    this.maxBatch = maxBatch;
    this.maxLowerBatch = maxLowerBatch;
    d = problem.lowerDimension();
    m = problem.upperDimension();
    linearization = problem.linearization(arena);
    lower = new Batch(maxLowerBatch);
    upper = new Batch(maxBatch);
    innerOracles = new Inner(backend.vector(arena, innerLength()), d, m);
    outerOracles = new Outer(backend.vector(arena, outerLength()), d, m);
    innerEstimate = new Inner(backend.vector(arena, innerLength()), d, m);
    outerEstimate = new Outer(backend.vector(arena, outerLength()), d, m);
    phi = backend.vector(arena, d);
    linearDirection = backend.vector(arena, d);
    upperDirection = backend.vector(arena, m);
    scratch = backend.vector(arena, m);
  }

  /**
   * A buffer of inner oracles {@code [R, ∂₁Φ̂ᵀv, ∂₂Φ̂ᵀv]} with its three parts as views, made
   * once so that iterations allocate nothing.
   */
  record Inner(DVector all, DVector residual, DVector jacobianW, DVector cross) {
    Inner(DVector all, int d, int m) {
      this(all, all.slice(0, d), all.slice(d, d), all.slice(2 * d, m));
    }
  }

  /** A buffer of outer oracles {@code [∇₁Ê, ∇₂Ê]} with its two parts as views. */
  record Outer(DVector all, DVector gradientW, DVector gradientLambda) {
    Outer(DVector all, int d, int m) {
      this(all, all.slice(0, d), all.slice(d, m));
    }
  }

  /** {@code 2d + m}, the length of the inner oracles. */
  final int innerLength() {
    return 2 * d + m;
  }

  /** {@code d + m}, the length of the outer oracles. */
  final int outerLength() {
    return d + m;
  }

  /** Off-heap bytes of the workspace (the state excluded). */
  public long workspaceBytes() {
    return Double.BYTES * (2L * innerLength() + 2L * outerLength() + 2L * d + 2L * m);
  }

  /** Checks {@code λ} and the batch sizes against this runner's capacity; projects {@code λ}. */
  final void checkInit(DVector lambda, SingleLoopOptions options) {
    Objects.requireNonNull(options, "options");
    Checks.checkLength("lambda", lambda, m);
    if (options.batch() > maxBatch || options.lowerBatch() > maxLowerBatch) {
      throw new IllegalArgumentException(algorithm + ": batch sizes J, b = " + options.batch()
          + ", " + options.lowerBatch() + " exceed this runner's capacity " + maxBatch + "/"
          + maxLowerBatch);
    }
    problem.projectUpper(lambda);
    lastLowerNorm = 0;
    lastLinearNorm = 0;
    lastDirectionNorm = 0;
  }

  /**
   * {@code out ← [z − Φ̂(z, λ, ξ), ∂₁Φ̂(z, λ, ξ)ᵀ v, ∂₂Φ̂(z, λ, ξ)ᵀ v]}.
   *
   * @return the samples, {@code |ξ|}: one batch at one point, however many oracles read it
   */
  final long inner(DVector z, DVector lambda, DVector v, Batch xi, Inner out) {
    problem.map(z, lambda, xi, phi);
    backend.copy(z, out.residual());
    backend.axpy(-1.0, phi, out.residual());
    linearization.linearize(z, lambda, xi);
    linearization.vjpW(v, out.jacobianW());
    linearization.vjpLambda(v, out.cross());
    return xi.size();
  }

  /**
   * {@code out ← z − Φ̂(z, λ, ξ)} alone (TTSA's and FSLA's lower-level step).
   *
   * @return the samples, {@code |ξ|}
   */
  final long residual(DVector z, DVector lambda, Batch xi, DVector out) {
    problem.map(z, lambda, xi, phi);
    backend.copy(z, out);
    backend.axpy(-1.0, phi, out);
    return xi.size();
  }

  /**
   * The linearization of {@code Φ̂} at {@code (z, λ)} on {@code ξ}, for vector–Jacobian products
   * without the residual; valid until the next oracle call. Its caller counts {@code |ξ|}.
   */
  final BilevelProblem.Linearization linearize(DVector z, DVector lambda, Batch xi) {
    linearization.linearize(z, lambda, xi);
    return linearization;
  }

  /** Records {@code ‖D_z‖} of a lower-level step taken apart from {@link #step}. */
  final void checkLower(int k, DVector direction) {
    lastLowerNorm = checkFinite(direction, "LL direction D_z", k, "‖D_z‖", lastLowerNorm);
  }

  /** Records {@code ‖D_v‖} of a linear-system step taken apart from {@link #step}. */
  final void checkLinear(int k, DVector direction) {
    lastLinearNorm = checkFinite(direction, "LS direction D_v", k, "‖D_v‖", lastLinearNorm);
  }

  /**
   * The upper-level step alone, {@code λ ← P_Λ(λ − γ_k D_λ)}, with the checks and the progress
   * report of {@link #step} ({@code z} is where the objective is reported).
   */
  final void upperStep(int k, SingleLoopOptions options, DVector z, DVector lambda,
      DVector direction) {
    lastDirectionNorm = checkFinite(direction, "UL direction D_λ", k, "‖D_λ‖",
        lastDirectionNorm);
    double gamma = options.gamma(k);
    lastMappingNorm = options.exact() == null ? Double.NaN
        : gradientMappingNorm(lambda, gamma, options.exact());
    lastObjective = monitor ? problem.objective(z, lambda, lastUpper) : Double.NaN;
    backend.axpy(-gamma, direction, lambda);
    problem.projectUpper(lambda);
  }

  /**
   * {@code out ← [∇₁Ê(z, λ, ζ), ∇₂Ê(z, λ, ζ)]}.
   *
   * @return the samples, {@code |ζ|} (the pair on one batch counts once)
   */
  final long outer(DVector z, DVector lambda, Batch zeta, Outer out) {
    lastUpper = zeta;
    problem.objectiveGradientW(z, lambda, zeta, out.gradientW());
    problem.objectiveGradientLambda(z, lambda, zeta, out.gradientLambda());
    return zeta.size();
  }

  /**
   * The joint step from the estimated oracles {@code inner}, {@code outer} at iteration
   * {@code k}:
   * {@code z ← z − ρ_k D_z}, {@code v ← v − ρ_k D_v}, {@code λ ← P_Λ(λ − γ_k D_λ)}.
   */
  final void step(int k, SingleLoopOptions options, DVector z, DVector v, DVector lambda,
      Inner inner, Outer outer) {
    DVector lowerDirection = inner.residual();
    // D_v = v − ∂₁Φ̂ᵀv − ∇₁Ê,  D_λ = ∂₂Φ̂ᵀv + ∇₂Ê
    backend.copy(v, linearDirection);
    backend.axpy(-1.0, inner.jacobianW(), linearDirection);
    backend.axpy(-1.0, outer.gradientW(), linearDirection);
    backend.copy(inner.cross(), upperDirection);
    backend.axpy(1.0, outer.gradientLambda(), upperDirection);
    lastLowerNorm = checkFinite(lowerDirection, "LL direction D_z", k, "‖D_z‖", lastLowerNorm);
    lastLinearNorm = checkFinite(linearDirection, "LS direction D_v", k, "‖D_v‖",
        lastLinearNorm);
    lastDirectionNorm = checkFinite(upperDirection, "UL direction D_λ", k, "‖D_λ‖",
        lastDirectionNorm);
    double rho = options.rho(k);
    double gamma = options.gamma(k);
    lastMappingNorm = options.exact() == null ? Double.NaN
        : gradientMappingNorm(lambda, gamma, options.exact());
    lastObjective = monitor ? problem.objective(z, lambda, lastUpper) : Double.NaN;
    backend.axpy(-rho, lowerDirection, z);
    backend.axpy(-rho, linearDirection, v);
    backend.axpy(-gamma, upperDirection, lambda);
    problem.projectUpper(lambda);
  }

  private double checkFinite(DVector vector, String step, int k, String quantity,
      double lastFinite) {
    double norm = backend.nrm2(vector);
    if (!Double.isFinite(norm)) {
      throw Monitoring.diverged(algorithm, step, k, -1, quantity, norm, lastFinite);
    }
    return norm;
  }

  /**
   * Runs from a fresh state until {@code options.budget()} stops it, updating {@code lambda}
   * in place.
   *
   * @param listener called after each iteration, or null; the progress's objective is
   *     {@code Ê(z_k, λ_k, ζ)} on the iteration's batch {@code ζ} (not counted as samples), its
   *     hypergradient norm is {@code ‖D_λ‖}, its mapping norm {@code ‖G_{γ_k}(λ_k)‖}
   * @throws ArithmeticException naming the algorithm, the direction and the iteration where a
   *     direction stopped being finite
   */
  public final Bsgm.Result run(DVector lambda, SingleLoopOptions options,
      SplittableRandom random, Bsgm.Listener listener) {
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

  /**
   * The samples iteration {@code k} uses (an upper bound for {@link Saba}, whose last block of
   * a partition may be smaller than {@code b}).
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public abstract long samplesPerIteration(int k, SingleLoopOptions options);

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
