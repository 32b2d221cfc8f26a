package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.LowerObjective;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.SplittableRandom;

/**
 * F2SA, the fully first-order penalty method of Kwon, Kwon, Wright, Nowak ("A fully first-order
 * method for stochastic bilevel optimization", ICML 2023), on the argmin form of
 * docs/mathematics.md §4.8 ({@link LowerObjective}), in the order of benchopt's solvers/f2sa.py.
 * It follows the stationary points of the penalty function
 * {@code L_ν(λ) = min_y [E(y, λ) + ν(G(y, λ) − min_z G(z, λ))]}, whose gradient
 * {@code ∇₂E(y, λ) + ν(∇₂G(y, λ) − ∇₂G(z, λ))} needs no second derivative, with a growing
 * penalty {@code ν}. Iteration {@code k}: {@code T} steps on {@code y} and {@code z}, each on
 * fresh batches {@code ξ, ξ'} of {@code b} and {@code ζ} of {@code J}, with
 * {@code ∇₁Ĝ = (w − Φ̂)/η}:
 *
 * <pre>
 *   y ← y − ρ_k (y − Φ̂(y, λ, ξ) + (η/ν_k) ∇₁Ê(y, λ, ζ))
 *                                       (= y − α_k(ν_k∇₁Ĝ + ∇₁Ê), α_k = ρ_kη/ν_k)
 *   z ← z − ρ_k (z − Φ̂(z, λ, ξ'))                          (= z − ρ_kη ∇₁Ĝ)
 * then, on fresh ζ, ξ₁, ξ₂:
 *   λ ← P_Λ(λ − γ_k (∇₂Ê(y, λ, ζ) + ν_k (∇₂Ĝ(y, λ, ξ₁) − ∇₂Ĝ(z, λ, ξ₂))))
 *   ν_{k+1} = ν_k + δ / (k + 1)^{1/7}
 *   ρ_k = ρ / (k + 1)^a,   γ_k = γ / (k + 1)^c
 * </pre>
 *
 * benchopt takes {@code α_k = 0.01/(k + 1)^{5/7}} for {@code y} and
 * {@code β_k = 0.01/(k + 1)^{4/7}} for {@code z}, {@code γ_k} with exponent {@code 4/7},
 * {@code ν_0 = 1}, {@code δ = 0.1}, {@code T = 10}; here the steps are KM weights of the map, the
 * {@code y} step divided by {@code ν_k} so that {@code α_kν_k} stays bounded as the paper
 * requires (benchopt's grows like {@code k^{1/7}}). With {@code δ = 0} the method converges to a
 * stationary point of {@code L_ν}, at distance {@code O(1/ν)} from the bilevel one.
 * {@code y_0 = z_0 = 0}.
 *
 * <p>Samples: {@code T(2b + J) + 2b + J} per iteration. Allocation-free iterations. Not
 * thread-safe.
 */
public final class F2sa extends SingleLoopMethod<F2sa.State> {

  private static final double PENALTY_EXPONENT = 1.0 / 7.0;
  private final LowerObjective objective;
  private final int innerSteps;
  private final double penalty;
  private final double penaltyIncrement;
  private final Batch second;
  private final DVector gradient;

  /**
   * A runner for {@code problem}, with room for batches up to {@code J = maxBatch},
   * {@code b = maxLowerBatch}.
   *
   * @param innerSteps       {@code T >= 1}, the steps of {@code y} and {@code z} per iteration
   * @param penalty          {@code ν_0 > 0}
   * @param penaltyIncrement {@code δ >= 0} (0: a constant penalty)
   * @throws IllegalArgumentException if the problem does not implement {@link LowerObjective},
   *     or a setting is out of range
   */
  public F2sa(BilevelProblem problem, int maxBatch, int maxLowerBatch, int innerSteps,
      double penalty, double penaltyIncrement) {
    super("F2SA", ArgminForm.checked("F2SA", problem), maxBatch, maxLowerBatch);
    objective = (LowerObjective) problem;
    if (innerSteps < 1) {
      throw new IllegalArgumentException("F2SA: innerSteps T must be >= 1, got " + innerSteps);
    }
    if (!(penalty > 0) || Double.isInfinite(penalty)) {
      throw new IllegalArgumentException("F2SA: the penalty ν_0 must be finite and > 0, got "
          + penalty);
    }
    if (!(penaltyIncrement >= 0) || Double.isInfinite(penaltyIncrement)) {
      throw new IllegalArgumentException("F2SA: the penalty increment δ must be finite and"
          + " >= 0, got " + penaltyIncrement);
    }
    this.innerSteps = innerSteps;
    this.penalty = penalty;
    this.penaltyIncrement = penaltyIncrement;
    second = new Batch(maxLowerBatch);
    gradient = backend.vector(arena, m);
  }

  /** The penalty {@code ν_k} after {@code k} iterations (for tests and reports). */
  public double penalty(int k) {
    double nu = penalty;
    for (int i = 0; i < k; i++) {
      nu += penaltyIncrement / Math.pow(i + 1.0, PENALTY_EXPONENT);
    }
    return nu;
  }

  /**
   * F2SA's state: {@code y_k} (the penalized lower-level iterate), {@code z_k} (the lower-level
   * iterate), the penalty {@code ν_k} (a vector of length 1) and the iteration counter.
   */
  public static final class State extends IterationState {
    private final DVector y;
    private final DVector z;
    private final DVector penalty;

    private State(Backend backend, Arena arena, int d) {
      super("F2SA's state");
      y = backend.vector(arena, d);
      z = backend.vector(arena, d);
      penalty = backend.vector(arena, 1);
    }

    /** The penalized lower-level iterate {@code y_k}. */
    public DVector penalizedIterate() {
      return y;
    }

    /** The lower-level iterate {@code z_k}. */
    public DVector lowerIterate() {
      return z;
    }

    /** The current penalty {@code ν_k}. */
    public double penalty() {
      return penalty.get(0);
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("y", y), new NamedVector("z", z),
          new NamedVector("penalty", penalty));
    }
  }

  /** The state of a run from {@code lambda} (projected in place): {@code y_0 = z_0 = 0}. */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    State state = new State(backend, arena, d);
    backend.fill(0.0, state.y);
    backend.fill(0.0, state.z);
    state.penalty.set(0, penalty);
    return state;
  }

  @Override
  public long workspaceBytes() {
    return super.workspaceBytes() + Double.BYTES * (long) m;
  }

  /** {@code T(2b + J) + 2b + J}. */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    long one = 2L * options.lowerBatch() + options.batch();
    return Math.multiplyExact(innerSteps + 1L, one);
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    int k = state.iteration();
    DVector y = state.y;
    DVector z = state.z;
    int b = options.lowerBatch();
    int j = options.batch();
    double nu = state.penalty();
    double rho = options.rho(k);
    double eta = objective.mapStep();
    DVector direction = innerOracles.residual();
    DVector outerGradient = outerOracles.gradientW();
    long samples = 0;
    for (int t = 0; t < innerSteps; t++) {
      // y ← y − ρ_k (R(y) + (η/ν) ∇₁Ê(y)),   z ← z − ρ_k R(z)
      samples += residual(y, lambda, lower.draw(random, b, problem.lowerSamples()), direction);
      Batch zeta = upper.draw(random, j, problem.upperSamples());
      problem.objectiveGradientW(y, lambda, zeta, outerGradient);
      samples += zeta.size();
      backend.axpy(eta / nu, outerGradient, direction);
      checkLower(k, direction);
      backend.axpy(-rho, direction, y);
      samples += residual(z, lambda, second.draw(random, b, problem.lowerSamples()), direction);
      checkLower(k, direction);
      backend.axpy(-rho, direction, z);
    }
    // D_λ = ∇₂Ê(y) + ν (∇₂Ĝ(y, ξ₁) − ∇₂Ĝ(z, ξ₂))
    samples += outer(y, lambda, upper.draw(random, j, problem.upperSamples()), outerOracles);
    DVector upperDirection = innerOracles.cross();
    Batch xi1 = lower.draw(random, b, problem.lowerSamples());
    Batch xi2 = second.draw(random, b, problem.lowerSamples());
    objective.lowerObjectiveGradientLambda(y, lambda, xi1, upperDirection);
    objective.lowerObjectiveGradientLambda(z, lambda, xi2, gradient);
    samples += xi1.size() + xi2.size();
    backend.axpy(-1.0, gradient, upperDirection);
    backend.scal(nu, upperDirection);
    backend.axpy(1.0, outerOracles.gradientLambda(), upperDirection);
    upperStep(k, options, y, lambda, upperDirection);
    state.penalty.set(0, nu + penaltyIncrement / Math.pow(k + 1.0, PENALTY_EXPONENT));
    state.advance();
    return samples;
  }
}
