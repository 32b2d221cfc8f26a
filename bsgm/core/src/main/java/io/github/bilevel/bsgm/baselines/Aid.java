package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.bsgm.SampleCounts;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;

/**
 * AID, deterministic approximate implicit differentiation (Pedregosa 2016; Grazzi, Franceschi,
 * Pontil, Salzo 2020; docs/mathematics.md §4.6): every oracle on the full data, iteration
 * {@code k}:
 *
 * <pre>
 *   w ← (1 − η)w + ηΦ(w, λ)                      t times, from w_{k−1} (warm) or 0
 *   v ≈ solution of (I − ∂₁Φ(w, λ))ᵀ v = ∇₁E(w, λ)   k steps, from v_{k−1} (warm) or 0:
 *       conjugate gradient, or v ← (1 − η)v + η(∂₁Φᵀv + ∇₁E)
 *   h = ∇₂E(w, λ) + ∂₂Φ(w, λ)ᵀ v
 *   λ ← P_Λ(λ − α h)
 * </pre>
 *
 * Constant steps: {@code α ≤ 1/L_f} gives {@code ‖∇f(λ_k)‖² = O(1/K)} once the inner errors
 * are summable, and linear convergence when {@code f} is strongly convex. With warm starts the
 * fixed points of the iteration are exact: {@code w = w*(λ)}, {@code v = v*(λ)}, {@code h = ∇f}
 * for any {@code t, k >= 1}; from zero the bias decays like {@code q_η^t} and (fixed point) like
 * {@code q_η^k} or (conjugate gradient) like {@code ((√κ − 1)/(√κ + 1))^k},
 * {@code q_η = 1 − η(1 − q)}.
 *
 * <p>Conjugate gradient needs {@code I − ∂₁Φ} symmetric positive definite (lower levels of type
 * (2), {@code Φ = w − η∇₁g}, where it is {@code η∇²₁₁g}): a direction with
 * {@code pᵀ(I − ∂₁Φᵀ)p <= 0} is an error naming the method; use the fixed-point solver for
 * other contractions.
 *
 * <p>Samples on the shared axis, as deterministic SID counts them (§2.2):
 * {@code (t + k + 1)·N_ξ + N_ζ} per iteration ({@code t} maps, {@code k} products
 * {@code ∂₁Φᵀ·}, the pair {@code ∂₂Φᵀv}, one pass of {@code ∇₁E, ∇₂E}), plus {@code N_ξ} for
 * the initial residual {@code ∇₁E − (I − ∂₁Φᵀ)v₀} of a warm-started conjugate gradient.
 *
 * <p>Allocation-free iterations. Not thread-safe.
 */
public final class Aid extends DeterministicMethod<Aid.State> {

  private final DVector gradientW;
  private final DVector residual;
  private final DVector direction;
  private final DVector product;
  private final DVector lambdaTerm;
  private int lastLinearSteps;

  /** A runner for {@code problem}. */
  public Aid(BilevelProblem problem) {
    super("AID", problem);
    gradientW = backend.vector(arena, d);
    residual = backend.vector(arena, d);
    direction = backend.vector(arena, d);
    product = backend.vector(arena, d);
    lambdaTerm = backend.vector(arena, m);
  }

  /** AID's state: {@code w}, {@code v} (kept for warm starts) and the counter {@code k}. */
  public static final class State extends IterationState {
    private final DVector w;
    private final DVector v;

    private State(Backend backend, Arena arena, int d) {
      super("AID's state");
      w = backend.vector(arena, d);
      v = backend.vector(arena, d);
    }

    /** The lower-level iterate {@code w}. */
    public DVector lowerIterate() {
      return w;
    }

    /** The linear-system iterate {@code v}. */
    public DVector linearIterate() {
      return v;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("w", w), new NamedVector("v", v));
    }
  }

  /** The state of a run from {@code lambda} (projected in place): {@code w = v = 0}. */
  @Override
  public State init(Arena arena, DVector lambda, DeterministicOptions options) {
    checkInit(lambda, options);
    State state = new State(backend, arena, d);
    backend.fill(0.0, state.w);
    backend.fill(0.0, state.v);
    return state;
  }

  /**
   * {@code (t + k + 1)·N_ξ + N_ζ}, plus {@code N_ξ} with a warm-started conjugate gradient.
   */
  @Override
  public long samplesPerIteration(int k, DeterministicOptions options) {
    long count = SampleCounts.sid(options.lowerSteps(), options.linearSteps(), 1, 1, true,
        problem.lowerSamples(), problem.upperSamples());
    return conjugateGradientFromWarm(options) ? Math.addExact(count, problem.lowerSamples())
        : count;
  }

  /** How many linear-system products the last iteration's solve used ({@code <= k}). */
  public int lastLinearSteps() {
    return lastLinearSteps;
  }

  private static boolean conjugateGradientFromWarm(DeterministicOptions options) {
    return options.warmStart()
        && options.linearSolver() == DeterministicOptions.LinearSolver.CONJUGATE_GRADIENT;
  }

  @Override
  long estimate(State state, DVector lambda, DeterministicOptions options) {
    int iteration = state.iteration();
    if (!options.warmStart()) {
      backend.fill(0.0, state.w);
      backend.fill(0.0, state.v);
    }
    long samples = lowerLevelSolve(state.w, lambda, options, iteration, null);
    problem.objectiveGradientW(state.w, lambda, allUpper, gradientW);
    problem.objectiveGradientLambda(state.w, lambda, allUpper, hypergradient);
    samples += problem.upperSamples();
    linearization.linearize(state.w, lambda, allLower);
    int products = options.linearSolver() == DeterministicOptions.LinearSolver.FIXED_POINT
        ? fixedPoint(state.v, options, iteration)
        : conjugateGradient(state.v, options.linearSteps(), options.warmStart(), iteration);
    lastLinearSteps = products;
    Monitoring.checkIterate(backend, algorithm, "linear-system solve", iteration,
        options.linearSteps(), "v", state.v);
    // h = ∇₂E + ∂₂Φᵀ v (the same linearization: one more pass over the data)
    linearization.vjpLambda(state.v, lambdaTerm);
    backend.axpy(1.0, lambdaTerm, hypergradient);
    return samples + (long) (products + 1) * problem.lowerSamples();
  }

  /** {@code k} KM steps {@code v ← (1 − η)v + η(∂₁Φᵀv + ∇₁E)}; returns {@code k}. */
  private int fixedPoint(DVector v, DeterministicOptions options, int iteration) {
    for (int i = 0; i < options.linearSteps(); i++) {
      linearization.vjpW(v, phi);
      backend.axpy(1.0, gradientW, phi);
      KmSteps.step(backend, options.eta(), phi, v, false);
    }
    return options.linearSteps();
  }

  /**
   * Conjugate gradient on {@code A v = ∇₁E}, {@code A = I − ∂₁Φᵀ}, at most {@code steps}
   * products {@code A p}, stopping once the residual is exactly zero.
   *
   * @return the products used (the initial residual's included)
   */
  private int conjugateGradient(DVector v, int steps, boolean fromWarm, int iteration) {
    int products = 0;
    backend.copy(gradientW, residual);
    if (fromWarm) {
      applySystem(v, product);
      backend.axpy(-1.0, product, residual);
      products++;
    }
    backend.copy(residual, direction);
    double rr = backend.dot(residual, residual);
    for (int i = 0; i < steps && rr > 0; i++) {
      applySystem(direction, product);
      products++;
      double curvature = backend.dot(direction, product);
      if (!(curvature > 0)) {
        throw new ArithmeticException(algorithm + ": conjugate gradient met pᵀ(I − ∂₁Φᵀ)p = "
            + curvature + " at iteration " + iteration + ", step " + i + "; it needs I − ∂₁Φ"
            + " symmetric positive definite (a gradient-step map); use the fixed-point linear"
            + " solver for this map");
      }
      double step = rr / curvature;
      backend.axpy(step, direction, v);
      backend.axpy(-step, product, residual);
      double next = backend.dot(residual, residual);
      // p ← r + (r·r / r₋·r₋) p
      backend.scal(next / rr, direction);
      backend.axpy(1.0, residual, direction);
      rr = next;
    }
    return products;
  }

  /** {@code out ← (I − ∂₁Φᵀ) x} at the linearized point. */
  private void applySystem(DVector x, DVector out) {
    linearization.vjpW(x, out);
    backend.scal(-1.0, out);
    backend.axpy(1.0, x, out);
  }

  @Override
  DVector lowerIterate(State state) {
    return state.w;
  }
}
